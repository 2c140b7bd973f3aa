#pragma once
// Copies a state dict into a module by parameter/buffer name, the way PyTorch's
// load_state_dict does, with a report of what did not match.
#include <string>
#include <vector>

#include <torch/nn/module.h>

#include "runtime/state_dict_io.h"
// module_state(module) (parameters then buffers by name) lives in runtime/ema.h.
#include "runtime/ema.h"

namespace facerep::runtime {

struct LoadOptions {
  // Missing or unexpected keys (after skipping) are errors when true, reported when false.
  bool strict = true;
  // Removed from the front of checkpoint keys that start with it (e.g. "backbone." or "encoder.").
  std::string strip_prefix;
  // Put in front of checkpoint keys after stripping (e.g. loading a bare backbone into "backbone.").
  std::string add_prefix;
  // Keys never loaded, on either side: an exact name, or a prefix ending in '.' (e.g. "head.").
  std::vector<std::string> skip;
};

struct ShapeMismatch {
  std::string key;
  std::vector<int64_t> checkpoint_shape;
  std::vector<int64_t> model_shape;
};

struct LoadReport {
  std::vector<std::string> loaded;      // model keys that received a value
  std::vector<std::string> missing;     // model keys absent from the checkpoint
  std::vector<std::string> unexpected;  // checkpoint keys the model does not have
  std::vector<std::string> skipped;     // keys left alone because of LoadOptions::skip
  std::vector<ShapeMismatch> mismatched;  // only ever skipped keys (others are errors)

  // One paragraph for logs: counts and the first few names of each list.
  std::string summary() const;
};

// True when `key` is listed in `skip` (exactly or under a listed "prefix.").
bool is_skipped(const std::string& key, const std::vector<std::string>& skip);

// Copies every matching parameter and buffer (BatchNorm running statistics included) into
// `module` under no_grad, converting dtype and device. Throws core::RuntimeError naming the key
// and both shapes on a shape mismatch of a key that is not skipped, and, when strict, listing
// the missing and unexpected keys.
LoadReport load_into(torch::nn::Module& module, const StateDict& weights, const LoadOptions& opts = {});

}  // namespace facerep::runtime
