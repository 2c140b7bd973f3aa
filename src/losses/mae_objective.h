#pragma once
// `objective: {type: mae}` — masked autoencoder pre-training (MAE; FMAE when run on faces): the
// ViT encodes only the visible patches, a light decoder predicts the pixels of every patch, and
// the loss is the mean squared error over the masked ones (optionally per-patch normalised).
// The decoder's parameters sit at this module's top level under MAE's names, so a PyTorch MAE
// checkpoint's decoder entries load into it by name (its encoder entries go to the model).
#include <memory>

#include "core/config_visit.h"
#include "losses/masking/masker.h"
#include "losses/mae_core.h"
#include "losses/objective.h"
#include "models/mae_decoder.h"

namespace facerep::losses {

struct MaeOptions {
  core::ComponentSpec mask;
  bool norm_pix_loss = true;
  models::MaeDecoderOptions decoder;
  template <class V> void visit(V& v) {
    v.component("mask", mask, "masker", "which patches are hidden from the encoder", "random");
    v("norm_pix_loss", norm_pix_loss,
      "regress each patch normalised by its own mean and variance (MAE's better default)");
    v.section("decoder", decoder, "the light decoder (MAE: width 512, depth 8, heads 16)");
  }
};

class MaeObjective : public Objective, public MaskedReconstructor {
 public:
  MaeObjective(const MaeOptions& options, const ObjectiveContext& ctx);

  LossOutput compute(models::Backbone& model, const data::Batch& batch, StepContext& ctx) override;
  DataNeeds needs() const override;

  MaeReconstruction reconstruct(models::Backbone& model, const at::Tensor& images,
                                const PatchMask& mask) override;
  bool norm_pix_loss() const override { return options_.norm_pix_loss; }
  const Masker& masker() const override { return *masker_; }
  MaskedReconstructor* masked_reconstructor() override { return this; }

 private:
  MaeOptions options_;
  models::PatchLayout layout_;
  std::shared_ptr<Masker> masker_;
  std::unique_ptr<models::MaeDecoder> decoder_;
};

}  // namespace facerep::losses
