#pragma once
// One optimizer step's named scalars (loss, terms, objective metrics, gradient norm, and the flags
// that decide whether the step's update counts), kept as tensors where they were computed. On a
// GPU, reading one back makes the host wait for the device; the trainer therefore keeps a step's
// scalars here until its next sync point and then reads every pending step's in one copy.
#include <map>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace facerep::trainers {

class StepScalars {
 public:
  // Adds weight × value to `name` (a 0-dim tensor on any device; detached, summed in double).
  void add(const std::string& name, const at::Tensor& value, double weight = 1.0);
  // Ands a 0-dim bool tensor into the flag `name` (starting from true).
  void require(const std::string& name, const at::Tensor& flag);
  // All flags so far, as one 0-dim bool tensor where they live (true when there are none).
  at::Tensor all_true() const;
  bool empty() const { return names_.empty(); }

  // The values of every step in `steps`, in order: one device-to-host copy for all device
  // tensors, CPU tensors read directly. Flags read as 1 (true) or 0.
  static std::vector<std::map<std::string, double>> read(const std::vector<const StepScalars*>& steps);

 private:
  size_t slot(const std::string& name);
  std::vector<std::string> names_;  // in insertion order
  std::vector<at::Tensor> values_;
  std::vector<bool> flag_;
};

}  // namespace facerep::trainers
