#include "losses/fsfm_objective.h"

#include <cmath>
#include <map>

#include <torch/torch.h>

#include "core/error.h"
#include "losses/distill.h"
#include "losses/reconstruction.h"
#include "runtime/ema.h"
#include "runtime/module_state.h"

namespace facerep::losses {
namespace {

// Holds the target's rep decoder and projector, so their names ("target.rep_decoder_embed...")
// are the online ones under one prefix, as in the authors' TargetNetworkViT.
struct FsfmTargetBranch : torch::nn::Module {};

// The online tensors named like each entry of `target` (parameters then buffers, in its order):
// the authors' EMA pairs parameters by name (engine_pretrain.py, names_common).
runtime::NamedTensors online_counterparts(const torch::nn::Module& online, const runtime::NamedTensors& target) {
  std::map<std::string, at::Tensor> by_name;
  for (const auto& [name, t] : runtime::module_state(online)) by_name.emplace(name, t);
  runtime::NamedTensors out;
  for (const auto& entry : target) {
    const auto it = by_name.find(entry.first);
    if (it == by_name.end()) throw core::RuntimeError("fsfm: the online branch has no '" + entry.first + "'");
    out.emplace_back(entry.first, it->second);
  }
  return out;
}

}  // namespace

FsfmObjective::FsfmObjective(const FsfmOptions& o, const ObjectiveContext& ctx) : options_(o) {
  models::MaskedEncoder& encoder = require_masked_encoder(ctx, "fsfm");
  layout_ = encoder.patch_layout();
  const models::TokenSpec tokens = encoder.token_spec();
  masker_ = build_masker(o.mask, layout_);
  // One mask token at the encoder's width serves both decoders, as in the authors' FSFMViT.
  mask_token_ = register_parameter("mask_token", torch::randn({1, 1, tokens.width}) * 0.02);
  decoder_ = std::make_unique<models::MaeDecoder>(*this, o.decoder, tokens.width, layout_, mask_token_);
  const models::RepDecoderShape shape{tokens.width, o.rep_decoder_heads, o.rep_decoder_depth, tokens.mlp_ratio};
  rep_decoder_ = std::make_unique<models::RepDecoder>(*this, shape, layout_, mask_token_);
  projector_ = register_module("projector",
                               models::MlpHead(tokens.width, o.projector_hidden, o.projection_dim, o.head_norm));
  predictor_ = register_module(
      "predictor", models::MlpHead(o.projection_dim, o.predictor_hidden, o.projection_dim, o.head_norm));

  // The target starts as an exact copy of the online branch.
  target_encoder_ = register_module("target_encoder", encoder.frozen_copy());
  target_ = register_module("target", std::make_shared<FsfmTargetBranch>());
  const at::Tensor target_token = target_->register_parameter("mask_token", torch::zeros({1, 1, tokens.width}));
  target_rep_decoder_ = std::make_unique<models::RepDecoder>(*target_, shape, layout_, target_token);
  target_projector_ = target_->register_module(
      "projector", models::MlpHead(tokens.width, o.projector_hidden, o.projection_dim, o.head_norm));
  runtime::load_module_state(*target_, online_counterparts(*this, runtime::module_state(*target_)), "fsfm target");
  for (auto& p : target_->parameters()) p.set_requires_grad(false);
  instance_skipped_ = register_buffer("instance_skipped", torch::zeros({1}, torch::kLong));
}

double FsfmObjective::momentum_at(int64_t step, int64_t total) const {
  return runtime::cosine_momentum(options_.momentum, step, total);
}

MaeReconstruction FsfmObjective::reconstruct(models::Backbone& model, const at::Tensor& images,
                                             const PatchMask& mask) {
  return mae_reconstruct(models::require_masked_encoder(model, "objective 'fsfm'"), *decoder_, images, mask,
                         options_.norm_pix_loss);
}

at::Tensor FsfmObjective::instance_features(const at::Tensor& latent, const PatchMask& mask) {
  const at::Tensor tokens = options_.rep_decoder_tokens == "all" ? rep_decoder_->forward_all(latent, mask.ids_restore)
                                                                 : rep_decoder_->forward_visible(latent, mask.ids_keep);
  return predictor_->forward(projector_->forward(tokens.mean(1)));
}

at::Tensor FsfmObjective::target_features(const data::Batch& batch) {
  torch::NoGradGuard no_grad;
  const bool second = options_.target_view == "second" && batch.views.size() > 1;
  const at::Tensor view = second ? batch.views[1] : batch.images;
  // Every patch visible (the authors' mask_ratio=0.): no mask tokens, no reordering.
  const at::Tensor latent = target_encoder_->masked_encoder()->forward_tokens(view);
  return target_projector_->forward(target_rep_decoder_->forward_all(latent, at::Tensor()).mean(1));
}

LossOutput FsfmObjective::compute(models::Backbone& model, const data::Batch& batch, StepContext& ctx) {
  return compute_masked(model, batch, masker_->make(batch, layout_, ctx.generator), ctx);
}

LossOutput FsfmObjective::compute_masked(models::Backbone& model, const data::Batch& batch, const PatchMask& mask,
                                         const StepContext& ctx) {
  MaeReconstruction r = reconstruct(model, batch.images, mask);
  LossOutput out;
  at::Tensor total = r.loss;
  out.terms.emplace_back("reconstruction", r.loss.detach());
  if (r.mask.region.defined()) {
    const at::Tensor region_loss = masked_mean(r.per_patch, r.mask.region.logical_and(r.mask.mask > 0));
    total = total + options_.w_region * region_loss;
    out.terms.emplace_back("region_reconstruction", region_loss.detach());
  }
  const at::Tensor online = instance_features(r.latent, r.mask);
  const at::Tensor target = target_features(batch);
  // The authors' SimSiamLoss halves the negative cosine (one direction of SimSiam's symmetric loss).
  const at::Tensor instance = options_.instance_loss == "simsiam"
                                  ? 0.5 * negative_cosine(online, target)
                                  : instance_loss(options_.instance_loss, online, target, options_.temperature);
  const at::Tensor finite = instance.detach().isfinite();
  instance_skipped_.add_(finite.logical_not());
  if (options_.nonfinite_instance == "skip_batch") {
    // Decided on the device: the trainer skips the whole batch when `keep` is false.
    total = total + options_.w_id * instance;
    out.terms.emplace_back("instance", instance.detach());
    out.keep = finite;
    out.skip_reason = "the instance loss is not finite (objective.nonfinite_instance: skip_batch)";
  } else if (finite.item<bool>()) {
    // drop_term must know on the host whether the term joins the graph: one sync per step.
    total = total + options_.w_id * instance;
    out.terms.emplace_back("instance", instance.detach());
  }
  out.metrics["instance_skipped"] = instance_skipped_.squeeze(0).to(at::kDouble);  // a copy: this step's count
  out.metrics["momentum"] = host_metric(momentum_at(ctx.step, ctx.total_steps));
  out.total = total;
  return out;
}

void FsfmObjective::after_step(models::Backbone& model, const StepContext& ctx) {
  // ctx.step counts the steps taken before this one; the authors update after iteration `it`
  // with momentum_schedule[it], the same cosine at the same index.
  const double m = momentum_at(ctx.step, ctx.total_steps);
  runtime::ema_update(*target_encoder_, model, m);
  const runtime::NamedTensors target = runtime::module_state(*target_);
  runtime::ema_update(target, online_counterparts(*this, target), target_->parameters().size(), m);
}

DataNeeds FsfmObjective::needs() const {
  DataNeeds n;
  n.region_map_or_landmarks = masker_->needs_regions();
  n.views = options_.target_view == "second" ? 2 : 1;
  return n;
}

}  // namespace facerep::losses
