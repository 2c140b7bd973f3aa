#include "models/pretrained_options.h"

#include <iostream>

#include <torch/torch.h>

#include "models/backbone.h"
#include "models/pos_embed.h"
#include "models/vit.h"
#include "runtime/state_dict_io.h"

namespace facerep::models {

runtime::LoadReport load_pretrained(Backbone& model, const PretrainedOptions& o) {
  if (o.path.empty()) return {};
  runtime::StateDict weights = runtime::load_state_dict(o.path, o.key);
  for (auto& kv : weights)
    if (!o.prefix.empty() && kv.first.rfind(o.prefix, 0) == 0) kv.first = kv.first.substr(o.prefix.size());

  std::string note;
  if (auto* vit = dynamic_cast<VisionTransformer*>(&model)) {
    for (auto& kv : weights) {
      if (kv.first != "pos_embed" || runtime::is_skipped("pos_embed", o.skip)) continue;
      const int64_t tokens = 1 + vit->grid_size() * vit->grid_size();
      if (kv.second.dim() == 3 && kv.second.size(1) != tokens && kv.second.size(2) == vit->width()) {
        const int64_t old_tokens = kv.second.size(1);
        kv.second = resize_pos_embed(kv.second, 1, vit->grid_size());
        note = "; pos_embed resized from " + std::to_string(old_tokens - 1) + " to " +
               std::to_string(tokens - 1) + " patches (bicubic)";
      }
    }
  }
  runtime::LoadOptions lo;
  lo.strict = o.strict;
  lo.skip = o.skip;
  runtime::LoadReport report = runtime::load_into(model, weights, lo);
  std::cerr << "[models] pretrained " << o.path << ": " << report.summary() << note << "\n";
  return report;
}

}  // namespace facerep::models
