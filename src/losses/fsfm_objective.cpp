#include "losses/fsfm_objective.h"

#include <cmath>

#include <torch/torch.h>

#include "core/error.h"
#include "losses/distill.h"
#include "losses/reconstruction.h"
#include "models/frozen_copy.h"
#include "runtime/ema.h"

namespace facerep::losses {

FsfmObjective::FsfmObjective(const FsfmOptions& o, const ObjectiveContext& ctx) : options_(o) {
  models::MaskedEncoder& encoder = require_masked_encoder(ctx, "fsfm");
  layout_ = encoder.patch_layout();
  const models::TokenSpec tokens = encoder.token_spec();
  masker_ = build_masker(o.mask, layout_);
  decoder_ = std::make_unique<models::MaeDecoder>(*this, o.decoder, tokens.width, layout_);
  const int64_t width = tokens.width, heads = tokens.heads;
  const double mlp_ratio = tokens.mlp_ratio;
  rep_decoder_ = register_module("rep_decoder",
                                 models::RepDecoder(width, heads, o.rep_decoder_depth, mlp_ratio));
  projector_ = register_module("projector",
                               models::MlpHead(width, o.projector_hidden, o.projection_dim));
  predictor_ = register_module(
      "predictor", models::MlpHead(o.projection_dim, o.predictor_hidden, o.projection_dim));

  // The target starts as an exact copy of the online branch.
  target_encoder_ = register_module("target_encoder", encoder.frozen_copy());
  target_rep_decoder_ = register_module(
      "target_rep_decoder", models::RepDecoder(width, heads, o.rep_decoder_depth, mlp_ratio));
  models::copy_into_frozen(*rep_decoder_, *target_rep_decoder_);
  target_projector_ = register_module(
      "target_projector", models::MlpHead(width, o.projector_hidden, o.projection_dim));
  models::copy_into_frozen(*projector_, *target_projector_);
  instance_skipped_ = register_buffer("instance_skipped", torch::zeros({1}, torch::kLong));
}

double FsfmObjective::momentum_at(int64_t step, int64_t total) const {
  return runtime::cosine_momentum(options_.momentum, step, total);
}

MaeReconstruction FsfmObjective::reconstruct(models::Backbone& model, const at::Tensor& images,
                                             const PatchMask& mask) {
  return mae_reconstruct(models::require_masked_encoder(model, "objective 'fsfm'"), *decoder_, images, mask, options_.norm_pix_loss);
}

LossOutput FsfmObjective::compute(models::Backbone& model, const data::Batch& batch,
                                  StepContext& ctx) {
  const PatchMask mask = masker_->make(batch, layout_, ctx.generator);
  MaeReconstruction r = reconstruct(model, batch.images, mask);
  LossOutput out;
  at::Tensor total = r.loss;
  out.terms.emplace_back("reconstruction", r.loss.detach());
  if (r.mask.region.defined()) {
    const at::Tensor region_loss =
        masked_mean(r.per_patch, r.mask.region.logical_and(r.mask.mask > 0));
    total = total + options_.w_region * region_loss;
    out.terms.emplace_back("region_reconstruction", region_loss.detach());
  }

  // Online: the visible tokens through the representation decoder, projector and predictor.
  const at::Tensor online = predictor_->forward(projector_->forward(rep_decoder_->forward(r.latent)));
  at::Tensor target;
  {
    torch::NoGradGuard no_grad;
    const bool second = options_.target_view == "second" && batch.views.size() > 1;
    const at::Tensor view = second ? batch.views[1] : batch.images;
    target = target_projector_->forward(
        target_rep_decoder_->forward(target_encoder_->masked_encoder()->forward_tokens(view)));
  }
  const at::Tensor instance = instance_loss(options_.instance_loss, online, target, options_.temperature);
  const double instance_value = instance.item<double>();
  if (std::isfinite(instance_value)) {
    total = total + options_.w_id * instance;
    out.terms.emplace_back("instance", instance.detach());
  } else {
    instance_skipped_.add_(1);
  }
  out.metrics["instance_skipped"] = static_cast<double>(instance_skipped_.item<int64_t>());
  out.metrics["momentum"] = momentum_at(ctx.step, ctx.total_steps);
  out.total = total;
  return out;
}

void FsfmObjective::after_step(models::Backbone& model, const StepContext& ctx) {
  // ctx.step counts the steps taken before this one: the update after step s uses m(s + 1).
  const double m = momentum_at(ctx.step + 1, ctx.total_steps);
  runtime::ema_update(*target_encoder_, model, m);
  runtime::ema_update(*target_rep_decoder_, *rep_decoder_, m);
  runtime::ema_update(*target_projector_, *projector_, m);
}

DataNeeds FsfmObjective::needs() const {
  DataNeeds n;
  n.region_map_or_landmarks = masker_->needs_regions();
  n.views = options_.target_view == "second" ? 2 : 1;
  return n;
}

}  // namespace facerep::losses
