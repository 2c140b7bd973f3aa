#include "runtime/precision.h"

#include <ATen/ATen.h>

#include "core/error.h"
#include "runtime/compat.h"

namespace facerep::runtime {

Precision parse_precision(const std::string& name) {
  if (name == "fp32") return Precision::kFp32;
  if (name == "bf16") return Precision::kBf16;
  if (name == "fp16") return Precision::kFp16;
  throw core::ConfigError(core::SourceLoc{}, "run.precision",
                          "must be one of: fp32, bf16, fp16; got '" + name + "'");
}

const char* precision_name(Precision p) {
  switch (p) {
    case Precision::kBf16: return "bf16";
    case Precision::kFp16: return "fp16";
    default: return "fp32";
  }
}

Precision effective_precision(Precision requested, const c10::Device& device) {
  return device.is_cuda() ? requested : Precision::kFp32;
}

AutocastGuard::AutocastGuard(Precision p) {
  if (p == Precision::kFp32) return;
  previous_ = compat::cuda_autocast_enabled();
  compat::set_cuda_autocast(true, p == Precision::kBf16 ? at::kBFloat16 : at::kHalf);
  active_ = true;
}

AutocastGuard::~AutocastGuard() {
  if (!active_) return;
  compat::set_cuda_autocast(previous_, at::kHalf);
  compat::clear_autocast_cache();
}

LossScaler::LossScaler(bool enabled, double init_scale, int64_t growth_interval,
                       double growth_factor, double backoff_factor)
    : enabled_(enabled),
      scale_(enabled ? init_scale : 1.0),
      growth_interval_(growth_interval),
      growth_factor_(growth_factor),
      backoff_factor_(backoff_factor) {}

at::Tensor LossScaler::scale(const at::Tensor& loss) const {
  return enabled_ ? loss * scale_ : loss;
}

bool LossScaler::unscale(const std::vector<at::Tensor>& params) const {
  if (!enabled_) return true;
  at::NoGradGuard no_grad;
  bool finite = true;
  const double inv = 1.0 / scale_;
  for (const auto& p : params) {
    at::Tensor g = p.grad();
    if (!g.defined()) continue;
    g.mul_(inv);
    // One host sync per tensor is acceptable next to an fp16 step; a fused check is a later
    // optimisation (torch's _amp_foreach_non_finite_check_and_unscale_).
    if (finite && !g.isfinite().all().item<bool>()) finite = false;
  }
  return finite;
}

void LossScaler::update(bool finite) {
  if (!enabled_) return;
  if (!finite) {
    scale_ *= backoff_factor_;
    growth_tracker_ = 0;
    return;
  }
  if (++growth_tracker_ >= growth_interval_) {
    scale_ *= growth_factor_;
    growth_tracker_ = 0;
  }
}

}  // namespace facerep::runtime
