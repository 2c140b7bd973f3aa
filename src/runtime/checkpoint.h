#pragma once
// A training checkpoint: everything needed to continue a run exactly, in one file written
// atomically (temporary file + rename, through save_ivalue), readable by Python's torch.load as a
// plain dict of tensors, numbers and strings.
#include <cstdint>
#include <map>
#include <string>

#include <ATen/core/Tensor.h>

#include "runtime/module_state.h"

namespace facerep::runtime {

struct Checkpoint {
  std::string config_yaml;     // the resolved config of the run
  NamedTensors model;          // parameters + buffers
  NamedTensors ema;            // empty when EMA is off
  NamedTensors objective;      // the objective's own module state (classifier, teacher, decoder)
  std::string optimizer_type;  // "sgd", "adamw", ...
  NamedTensors optimizer;      // per-parameter slots, e.g. "3.momentum"
  std::map<std::string, int64_t> counters;    // step, epoch, loader position, skipped batches...
  std::map<std::string, double> values;       // best metric, loss scale...
  std::map<std::string, std::string> texts;   // std::mt19937 states, best metric name...
  std::map<std::string, at::Tensor> rng;      // generator states ("cpu", "cuda", "objective")

  int64_t counter(const std::string& key) const;  // throws RuntimeError when absent
  int64_t counter(const std::string& key, int64_t fallback) const;
  double value(const std::string& key, double fallback) const;
  std::string text(const std::string& key, const std::string& fallback = "") const;
};

// Writes `ckpt` to `path` atomically (tensors are copied to CPU first).
void save_checkpoint(const Checkpoint& ckpt, const std::string& path);
// Reads a checkpoint. Throws core::RuntimeError naming the path for a missing, truncated or
// foreign file.
Checkpoint load_checkpoint(const std::string& path);

}  // namespace facerep::runtime
