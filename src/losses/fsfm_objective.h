#pragma once
// `objective: {type: fsfm}` — FSFM pre-training: masked image modelling with region-aware masks
// (CRFR-P by default) plus instance discrimination against an EMA target.
//
//   online:  encoder(visible patches of view 0) -> rep_decoder -> token mean -> projector -> predictor
//   target:  EMA copies of encoder, rep_decoder, projector on the unmasked view (view 1 by
//            default, else the same image); no gradient; momentum 0.996 -> 1 by a cosine schedule
//   total  = reconstruction (all masked patches)
//          + w_region * reconstruction on the chosen region's patches
//          + w_id * instance loss (SimSiam negative cosine, BYOL or InfoNCE)
// A batch whose instance term is not finite drops that term (reconstruction still trains) and is
// counted in the `instance_skipped` metric (a buffer, so the count survives resume).
// The MAE decoder sits at this module's top level under MAE's names; the target branch lives in
// the submodules target_encoder / target_rep_decoder / target_projector, so it is checkpointed.
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
  int rep_decoder_depth = 2;
  int projector_hidden = 2048;
  int projection_dim = 256;
  int predictor_hidden = 2048;
  double momentum = 0.996;
  std::string instance_loss = "simsiam";
  double temperature = 0.1;
  std::string target_view = "second";

  template <class V> void visit(V& v) {
    v.component("mask", mask, "masker", "which patches are hidden from the encoder", "crfr_p");
    v("norm_pix_loss", norm_pix_loss, "regress per-patch normalised pixels");
    v.section("decoder", decoder, "the MAE decoder");
    v("w_region", w_region, "weight of the reconstruction loss on the chosen region's patches").min(0.0);
    v("w_id", w_id, "weight of the instance-discrimination loss").min(0.0);
    v("rep_decoder_depth", rep_decoder_depth, "transformer blocks of the representation decoder").min(1);
    v("projector_hidden", projector_hidden, "hidden width of the projector MLP").min(1);
    v("projection_dim", projection_dim, "output width of projector and predictor").min(1);
    v("predictor_hidden", predictor_hidden, "hidden width of the predictor MLP").min(1);
    v("momentum", momentum, "EMA momentum of the target at step 0 (rises to 1 by a cosine)")
        .min(0.0).max(1.0);
    v("instance_loss", instance_loss,
      "simsiam (negative cosine), byol (2 - 2 cos) or infonce (contrastive with temperature)")
        .one_of({"simsiam", "byol", "infonce"});
    v("temperature", temperature, "InfoNCE temperature").greater(0.0);
    v("target_view", target_view,
      "what the target branch sees: second (data.train.views: 2, the other augmented view) or "
      "same (the unmasked first view)")
        .one_of({"second", "same"});
  }
};

class FsfmObjective : public Objective, public MaskedReconstructor {
 public:
  FsfmObjective(const FsfmOptions& options, const ObjectiveContext& ctx);

  LossOutput compute(models::Backbone& model, const data::Batch& batch, StepContext& ctx) override;
  void after_step(models::Backbone& model, const StepContext& ctx) override;
  DataNeeds needs() const override;

  MaeReconstruction reconstruct(models::Backbone& model, const at::Tensor& images,
                                const PatchMask& mask) override;
  bool norm_pix_loss() const override { return options_.norm_pix_loss; }
  const Masker& masker() const override { return *masker_; }
  MaskedReconstructor* masked_reconstructor() override { return this; }

  double momentum_at(int64_t step, int64_t total) const;

 private:
  FsfmOptions options_;
  models::PatchLayout layout_;
  std::shared_ptr<Masker> masker_;
  std::unique_ptr<models::MaeDecoder> decoder_;
  models::RepDecoder rep_decoder_{nullptr};
  models::MlpHead projector_{nullptr}, predictor_{nullptr};
  std::shared_ptr<models::Backbone> target_encoder_;  // a frozen copy of the encoder
  models::RepDecoder target_rep_decoder_{nullptr};
  models::MlpHead target_projector_{nullptr};
  at::Tensor instance_skipped_;
};

}  // namespace facerep::losses
