#include "trainers/step_scalars.h"

#include <ATen/ATen.h>

#include "core/error.h"

namespace facerep::trainers {

size_t StepScalars::slot(const std::string& name) {
  for (size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return i;
  names_.push_back(name);
  values_.emplace_back();
  flag_.push_back(false);
  return names_.size() - 1;
}

void StepScalars::add(const std::string& name, const at::Tensor& value, double weight) {
  FACEREP_CHECK(value.defined() && value.numel() == 1, "step scalar '" + name + "' must be one value");
  const at::Tensor v = value.detach().reshape({}).to(at::kDouble) * weight;
  const size_t i = slot(name);
  values_[i] = values_[i].defined() ? values_[i] + v : v;
}

void StepScalars::require(const std::string& name, const at::Tensor& flag) {
  FACEREP_CHECK(flag.defined() && flag.numel() == 1, "step flag '" + name + "' must be one value");
  const at::Tensor f = flag.detach().reshape({}).to(at::kBool);
  const size_t i = slot(name);
  flag_[i] = true;
  values_[i] = values_[i].defined() ? values_[i].logical_and(f) : f;
}

at::Tensor StepScalars::all_true() const {
  at::Tensor all;
  for (size_t i = 0; i < names_.size(); ++i)
    if (flag_[i]) all = all.defined() ? all.logical_and(values_[i].to(all.device())) : values_[i];
  return all.defined() ? all : at::scalar_tensor(true, at::kBool);
}

std::vector<std::map<std::string, double>> StepScalars::read(const std::vector<const StepScalars*>& steps) {
  // Device tensors are stacked per device and copied once; CPU ones cost nothing to read.
  std::map<std::string, std::vector<at::Tensor>> on_device;  // device name -> values
  for (const StepScalars* s : steps)
    for (const auto& v : s->values_)
      if (!v.is_cpu()) on_device[v.device().str()].push_back(v.to(at::kDouble));
  std::map<std::string, at::Tensor> host;  // device name -> its values, copied back
  for (auto& [device, values] : on_device) host[device] = at::stack(values).cpu();
  std::map<std::string, int64_t> next;
  std::vector<std::map<std::string, double>> out;
  for (const StepScalars* s : steps) {
    std::map<std::string, double> m;
    for (size_t i = 0; i < s->names_.size(); ++i) {
      const at::Tensor& v = s->values_[i];
      if (v.is_cpu()) {
        m[s->names_[i]] = v.to(at::kDouble).item<double>();
      } else {
        const std::string device = v.device().str();
        m[s->names_[i]] = host[device][next[device]++].item<double>();
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace facerep::trainers
