#include "losses/mae_objective.h"

#include <torch/torch.h>

namespace facerep::losses {

MaeObjective::MaeObjective(const MaeOptions& options, const ObjectiveContext& ctx)
    : options_(options) {
  auto vit = require_vit(ctx, "mae");
  grid_ = patch_grid(*vit);
  masker_ = build_masker(options.mask, *vit);
  decoder_ = std::make_unique<models::MaeDecoder>(*this, options.decoder, vit->width(), grid_.grid,
                                                  grid_.patch_size, vit->in_channels());
}

MaeReconstruction MaeObjective::reconstruct(models::Backbone& model, const at::Tensor& images,
                                            const data::PatchMask& mask) {
  return mae_reconstruct(as_vit(model, "mae"), *decoder_, images, mask, options_.norm_pix_loss);
}

LossOutput MaeObjective::compute(models::Backbone& model, const data::Batch& batch,
                                 StepContext& ctx) {
  const data::PatchMask mask = masker_->make(batch, grid_, ctx.generator);
  MaeReconstruction r = reconstruct(model, batch.images, mask);
  LossOutput out;
  out.total = r.loss;
  out.terms.emplace_back("reconstruction", r.loss.detach());
  out.metrics["visible_patches"] = static_cast<double>(mask.num_kept());
  return out;
}

DataNeeds MaeObjective::needs() const {
  DataNeeds n;
  n.region_map_or_landmarks = masker_->needs_regions();
  return n;
}

}  // namespace facerep::losses
