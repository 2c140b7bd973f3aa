#pragma once
// Pretrained weights: copying a state dict into a module by parameter/buffer name, the way
// PyTorch's load_state_dict does, with a report of what did not match; and the `pretrained*` keys
// every backbone accepts, loaded right after construction, so
// `model: {type: vit, pretrained: mae_pretrain_vit_base.pth}` fine-tunes from a PyTorch checkpoint.
// What a model must change in such weights (a ViT's pos_embed for another patch grid) it says
// itself, through the adapter it passes to load_pretrained (models::Backbone::adapt_pretrained).
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <torch/nn/module.h>

#include "runtime/module_state.h"
#include "runtime/state_dict_io.h"

namespace facerep::runtime {

struct PretrainedOptions {
  std::string path;
  std::string key;
  std::string prefix;
  std::vector<std::string> skip;
  bool strict = false;

  template <class V>
  void visit(V& v) {
    v("pretrained", path,
      "checkpoint to initialise from after construction, relative to the working directory: a torch.save or facerep state dict / checkpoint (\"\" = none)");
    v("pretrained_key", key,
      "entry holding the weights (\"\" = the top level if it is a tensor dict, else model, state_dict, module)");
    v("pretrained_prefix", prefix,
      "prefix removed from checkpoint keys before matching, e.g. \"encoder.\" or \"backbone.\"");
    v("pretrained_skip", skip,
      "parameter names or \"prefix.\" groups left at their initial values, e.g. [head.] for a new head");
    v("pretrained_strict", strict,
      "fail on missing or unexpected keys (otherwise they are listed in the log)");
    v.require(path.empty() || std::filesystem::exists(path), "pretrained", "file not found: " + path);
  }
};

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

// Rewrites checkpoint weights (names already matched to the module's) into the form the module
// needs, e.g. a position table resized to another patch grid. May replace values, not add,
// remove or rename entries. Returns a note for the log ("" = nothing changed).
using PretrainedAdapter = std::function<std::string(StateDict& weights)>;

// Loads `o.path` into `module` (nothing when empty): the tensor dict under `o.key`, `o.prefix`
// removed, the entries not skipped passed through `adapt`, then load_into with `o.skip` and
// `o.strict`. Logs a one-line report. Throws core::RuntimeError on unreadable files and shape
// mismatches.
LoadReport load_pretrained(torch::nn::Module& module, const PretrainedOptions& o,
                           const PretrainedAdapter& adapt = {});

}  // namespace facerep::runtime
