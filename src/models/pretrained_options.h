#pragma once
// The `pretrained*` keys every backbone accepts: weights loaded right after construction, so
// `model: {type: vit, pretrained: mae_pretrain_vit_base.pth}` fine-tunes from a PyTorch checkpoint.
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/pretrained.h"

namespace facerep::models {

class Backbone;

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

// Loads `o.path` into `model` (nothing when empty). For a ViT whose checkpoint pos_embed was
// trained on another patch grid, the table is resized bicubically first. Prints a one-line
// report to stderr. Throws core::RuntimeError on unreadable files and shape mismatches.
runtime::LoadReport load_pretrained(Backbone& model, const PretrainedOptions& o);

}  // namespace facerep::models
