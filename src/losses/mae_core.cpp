#include "losses/mae_core.h"

#include <torch/torch.h>

#include "core/error.h"
#include "losses/reconstruction.h"

namespace facerep::losses {

models::MaskedEncoder& require_masked_encoder(const ObjectiveContext& ctx, const std::string& objective) {
  if (!ctx.model) throw core::ConfigError("model.type: objective '" + objective + "' was given no model");
  return models::require_masked_encoder(*ctx.model, "objective '" + objective + "'");
}

std::shared_ptr<Masker> build_masker(const core::ComponentSpec& spec, const models::PatchLayout& layout) {
  auto masker = masker_registry().build(spec);
  const int64_t n = layout.num_patches();
  const int64_t keep = mae_len_keep(n, masker->ratio());
  if (keep < 1)
    throw core::ConfigError(core::SourceLoc{}, spec.path + ".ratio",
                            "masking ratio " + std::to_string(masker->ratio()) + " of " +
                                std::to_string(n) + " patches leaves no visible patch");
  return masker;
}

MaeReconstruction mae_reconstruct(models::MaskedEncoder& encoder, models::MaeDecoder& decoder,
                                  const at::Tensor& images, const PatchMask& mask, bool norm_pix) {
  MaeReconstruction r;
  r.mask = mask.to(images.device());
  r.latent = encoder.forward_visible(images, r.mask.ids_keep);
  // The loss in float32 even under autocast: norm-pix targets are sensitive to rounding.
  r.pred = decoder.forward(r.latent, r.mask.ids_restore).to(at::kFloat);
  const at::Tensor target = patch_targets(images.to(at::kFloat), encoder.patch_layout(), norm_pix);
  r.per_patch = per_patch_mse(r.pred, target);
  r.loss = masked_mean(r.per_patch, r.mask.mask);
  return r;
}

void split_mae_state(const std::vector<std::pair<std::string, at::Tensor>>& weights,
                     std::vector<std::pair<std::string, at::Tensor>>* encoder,
                     std::vector<std::pair<std::string, at::Tensor>>* decoder) {
  for (const auto& kv : weights) {
    const bool dec = kv.first.rfind("decoder_", 0) == 0 || kv.first == "mask_token";
    (dec ? decoder : encoder)->push_back(kv);
  }
}

}  // namespace facerep::losses
