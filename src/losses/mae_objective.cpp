#include "losses/mae_objective.h"

#include <torch/torch.h>

namespace facerep::losses {

MaeObjective::MaeObjective(const MaeOptions& options, const ObjectiveContext& ctx)
    : options_(options) {
  models::MaskedEncoder& encoder = require_masked_encoder(ctx, "mae");
  layout_ = encoder.patch_layout();
  const models::TokenSpec tokens = encoder.token_spec();
  masker_ = build_masker(options.mask, layout_);
  decoder_ = std::make_unique<models::MaeDecoder>(*this, options.decoder, tokens.width, layout_);
}

MaeReconstruction MaeObjective::reconstruct(models::Backbone& model, const at::Tensor& images,
                                            const PatchMask& mask) {
  return mae_reconstruct(models::require_masked_encoder(model, "objective 'mae'"), *decoder_, images, mask, options_.norm_pix_loss);
}

LossOutput MaeObjective::compute(models::Backbone& model, const data::Batch& batch,
                                 StepContext& ctx) {
  const PatchMask mask = masker_->make(batch, layout_, ctx.generator);
  MaeReconstruction r = reconstruct(model, batch.images, mask);
  LossOutput out;
  out.total = r.loss;
  out.terms.emplace_back("reconstruction", r.loss.detach());
  out.metrics["visible_patches"] = host_metric(static_cast<double>(mask.num_kept()));
  return out;
}

DataNeeds MaeObjective::needs() const {
  DataNeeds n;
  n.region_map_or_landmarks = masker_->needs_regions();
  return n;
}

}  // namespace facerep::losses
