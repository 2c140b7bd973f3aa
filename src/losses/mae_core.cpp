#include "losses/mae_core.h"

#include <torch/torch.h>

#include "core/error.h"
#include "losses/reconstruction.h"

namespace facerep::losses {

std::shared_ptr<models::VisionTransformer> require_vit(const ObjectiveContext& ctx,
                                                       const std::string& objective) {
  auto vit = std::dynamic_pointer_cast<models::VisionTransformer>(ctx.model);
  if (!vit)
    throw core::ConfigError("model.type: objective '" + objective +
                            "' needs a vision transformer (model: {type: vit}), got " +
                            (ctx.model ? "another backbone" : "no model"));
  return vit;
}

models::VisionTransformer& as_vit(models::Backbone& model, const std::string& objective) {
  auto* vit = dynamic_cast<models::VisionTransformer*>(&model);
  FACEREP_CHECK(vit, "objective '" + objective + "' was given a model that is not a ViT");
  return *vit;
}

data::PatchGrid patch_grid(const models::VisionTransformer& vit) {
  return {vit.grid_size(), vit.patch_size()};
}

std::shared_ptr<data::Masker> build_masker(const core::ComponentSpec& spec,
                                           const models::VisionTransformer& vit) {
  auto masker = data::masker_registry().build(spec);
  const int64_t n = patch_grid(vit).num_patches();
  const int64_t keep = data::mae_len_keep(n, masker->ratio());
  if (keep < 1)
    throw core::ConfigError(core::SourceLoc{}, spec.path + ".ratio",
                            "masking ratio " + std::to_string(masker->ratio()) + " of " +
                                std::to_string(n) + " patches leaves no visible patch");
  return masker;
}

MaeReconstruction mae_reconstruct(models::VisionTransformer& vit, models::MaeDecoder& decoder,
                                  const at::Tensor& images, const data::PatchMask& mask,
                                  bool norm_pix) {
  MaeReconstruction r;
  r.mask = mask.to(images.device());
  r.latent = vit.forward_visible(images, r.mask.ids_keep);
  // The loss in float32 even under autocast: norm-pix targets are sensitive to rounding.
  r.pred = decoder.forward(r.latent, r.mask.ids_restore).to(at::kFloat);
  const at::Tensor target = patch_targets(images.to(at::kFloat), vit.patch_size(), norm_pix);
  r.per_patch = per_patch_mse(r.pred, target);
  r.loss = masked_mean(r.per_patch, r.mask.mask);
  return r;
}

}  // namespace facerep::losses

namespace facerep::losses {
void split_mae_state(const std::vector<std::pair<std::string, at::Tensor>>& weights,
                     std::vector<std::pair<std::string, at::Tensor>>* encoder,
                     std::vector<std::pair<std::string, at::Tensor>>* decoder) {
  for (const auto& kv : weights) {
    const bool dec = kv.first.rfind("decoder_", 0) == 0 || kv.first == "mask_token";
    (dec ? decoder : encoder)->push_back(kv);
  }
}
}  // namespace facerep::losses
