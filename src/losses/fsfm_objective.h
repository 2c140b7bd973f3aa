#pragma once
// `objective: {type: fsfm}` — FSFM pre-training (Wang et al., CVPR 2025) as the authors compute
// it (fsfm-3c/models_fsfm.py, pretrain/engine_pretrain.py): masked image modelling with
// region-aware masks (CRFR-P by default) plus instance discrimination against an EMA target.
//
//   online:  encoder(visible patches) -> rep decoder over all tokens (mask tokens in the hidden
//            places, cls included) -> mean of all tokens -> projector -> predictor
//   target:  EMA copies of encoder, rep decoder and projector on the SAME image unmasked; no
//            gradient; momentum 0.996 -> 1 by a cosine over the steps
//   total  = reconstruction (all masked patches)
//          + w_region (0.007) * reconstruction on the chosen region's patches
//          + w_id (0.1) * instance loss (the authors' SimSiam: -0.5 mean cos)
// A batch whose instance loss is not finite is skipped whole (LossOutput::keep, decided on the
// device; the trainer makes no update) and counted in `instance_skipped` (a buffer: survives resume).
// Every departure from the authors is an option whose help text says why one would choose it.
//
// State names are the authors': mask_token (encoder width, shared by both decoders),
// rep_decoder_*, projector.projection_head.*, predictor.projection_head.*, decoder_* at the top
// level; the target branch under target_encoder.* (the backbone) and target.* (the rest).
#include <memory>
#include <string>

#include "core/config_visit.h"
#include "losses/mae_core.h"
#include "losses/objective.h"
#include "models/fsfm_heads.h"
#include "models/mae_decoder.h"

namespace facerep::losses {

struct FsfmOptions {
  core::ComponentSpec mask;
  bool norm_pix_loss = true;
  models::MaeDecoderOptions decoder;
  double w_region = 0.007;
  double w_id = 0.1;
  std::string rep_decoder_tokens = "all";
  int rep_decoder_depth = 2;
  int rep_decoder_heads = 16;
  std::string head_norm = "layer";
  int projector_hidden = 4096;
  int projection_dim = 256;
  int predictor_hidden = 4096;
  double momentum = 0.996;
  std::string instance_loss = "simsiam";
  double temperature = 0.1;
  std::string target_view = "same";
  std::string nonfinite_instance = "skip_batch";

  template <class V> void visit(V& v) {
    v.component("mask", mask, "masker", "which patches are hidden from the encoder", "crfr_p");
    v("norm_pix_loss", norm_pix_loss, "regress per-patch normalised pixels (the authors' launch command sets it)");
    v.section("decoder", decoder, "the MAE pixel decoder (its mask tokens are the shared encoder-width mask_token)");
    v("w_region", w_region, "weight of the reconstruction loss on the chosen region's patches (authors: 0.007)")
        .min(0.0);
    v("w_id", w_id, "weight of the instance-discrimination loss (authors: 0.1)").min(0.0);
    v("rep_decoder_tokens", rep_decoder_tokens,
      "all (authors: mask tokens fill the hidden places, every token is averaged) or visible (only the class "
      "token and visible patches: cheaper, the instance feature then ignores the mask tokens)")
        .one_of({"all", "visible"});
    v("rep_decoder_depth", rep_decoder_depth, "transformer blocks of the representation decoder").min(1);
    v("rep_decoder_heads", rep_decoder_heads,
      "attention heads of the representation decoder (authors: 16 at every size); must divide the encoder width")
        .min(1);
    v("head_norm", head_norm,
      "normalisation inside projector and predictor: layer (authors: LayerNorm, independent of the batch) or "
      "batch (BatchNorm as in the BYOL paper; statistics depend on the batch size)")
        .one_of({"layer", "batch"});
    v("projector_hidden", projector_hidden, "hidden width of the projector MLP (authors: 4096)").min(1);
    v("projection_dim", projection_dim, "output width of projector and predictor (authors: 256)").min(1);
    v("predictor_hidden", predictor_hidden, "hidden width of the predictor MLP (authors: 4096)").min(1);
    v("momentum", momentum, "EMA momentum of the target at step 0 (rises to 1 by a cosine)")
        .min(0.0).max(1.0);
    v("instance_loss", instance_loss,
      "simsiam (the authors' SimSiamLoss: -0.5 mean cosine), byol (2 - 2 cos) or infonce (contrastive with "
      "temperature, negatives from the batch)")
        .one_of({"simsiam", "byol", "infonce"});
    v("temperature", temperature, "InfoNCE temperature").greater(0.0);
    v("target_view", target_view,
      "what the target branch sees: same (authors: the same image unmasked) or second (data.train.views: 2, "
      "another augmented view: an invariance the authors do not ask for)")
        .one_of({"same", "second"});
    v("nonfinite_instance", nonfinite_instance,
      "a batch whose instance loss is not finite: skip_batch (authors: no update at all) or drop_term "
      "(train on the reconstruction terms only, so the batch is not wasted)")
        .one_of({"skip_batch", "drop_term"});
  }
};

class FsfmObjective : public Objective, public MaskedReconstructor {
 public:
  FsfmObjective(const FsfmOptions& options, const ObjectiveContext& ctx);

  LossOutput compute(models::Backbone& model, const data::Batch& batch, StepContext& ctx) override;
  // compute() with a given mask (PyTorch comparisons, fixed-mask experiments).
  LossOutput compute_masked(models::Backbone& model, const data::Batch& batch, const PatchMask& mask,
                            const StepContext& ctx);
  void after_step(models::Backbone& model, const StepContext& ctx) override;
  DataNeeds needs() const override;

  MaeReconstruction reconstruct(models::Backbone& model, const at::Tensor& images,
                                const PatchMask& mask) override;
  bool norm_pix_loss() const override { return options_.norm_pix_loss; }
  const Masker& masker() const override { return *masker_; }
  MaskedReconstructor* masked_reconstructor() override { return this; }

  double momentum_at(int64_t step, int64_t total) const;

 private:
  at::Tensor instance_features(const at::Tensor& latent, const PatchMask& mask);
  at::Tensor target_features(const data::Batch& batch);

  FsfmOptions options_;
  models::PatchLayout layout_;
  std::shared_ptr<Masker> masker_;
  at::Tensor mask_token_;
  std::unique_ptr<models::MaeDecoder> decoder_;
  std::unique_ptr<models::RepDecoder> rep_decoder_;
  models::MlpHead projector_{nullptr}, predictor_{nullptr};
  std::shared_ptr<models::Backbone> target_encoder_;  // a frozen copy of the encoder
  std::shared_ptr<torch::nn::Module> target_;         // mask_token, rep_decoder_*, projector
  std::unique_ptr<models::RepDecoder> target_rep_decoder_;
  models::MlpHead target_projector_{nullptr};
  at::Tensor instance_skipped_;
};

}  // namespace facerep::losses
