#pragma once
// Mixed precision: autocast on CUDA (bf16 or fp16) and the dynamic loss scaler fp16 needs.
// CPU always runs fp32: CPU autocast is slower than fp32 on most hosts and changes numerics.
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

namespace facerep::runtime {

enum class Precision { kFp32, kBf16, kFp16 };

// "fp32" | "bf16" | "fp16"; throws core::ConfigError naming run.precision otherwise.
Precision parse_precision(const std::string& name);
const char* precision_name(Precision p);
// What actually runs on `device`: the request on CUDA, fp32 elsewhere.
Precision effective_precision(Precision requested, const c10::Device& device);

// Enables CUDA autocast for its lifetime when `p` is bf16/fp16 (no-op for fp32).
class AutocastGuard {
 public:
  explicit AutocastGuard(Precision p);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool active_ = false;
  bool previous_ = false;
};

// Dynamic loss scaling for fp16: multiply the loss by `scale`, unscale gradients before clipping
// and stepping; when any gradient is non-finite skip the step and halve the scale, and double it
// after `growth_interval` clean steps in a row.
class LossScaler {
 public:
  explicit LossScaler(bool enabled, double init_scale = 65536.0, int64_t growth_interval = 2000,
                      double growth_factor = 2.0, double backoff_factor = 0.5);

  bool enabled() const { return enabled_; }
  at::Tensor scale(const at::Tensor& loss) const;
  // Divides every defined gradient by the scale; returns false when any is NaN/Inf.
  bool unscale(const std::vector<at::Tensor>& params) const;
  // After a step attempt: `finite` = what unscale() returned.
  void update(bool finite);

  double current_scale() const { return scale_; }
  int64_t growth_tracker() const { return growth_tracker_; }
  void set_state(double scale, int64_t growth_tracker) {
    scale_ = scale;
    growth_tracker_ = growth_tracker;
  }

 private:
  bool enabled_;
  double scale_;
  int64_t growth_interval_;
  double growth_factor_;
  double backoff_factor_;
  int64_t growth_tracker_ = 0;
};

}  // namespace facerep::runtime
