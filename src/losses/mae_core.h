#pragma once
// What the masked-autoencoder objectives (mae, fsfm) share: the checks that reject unusable
// configs before training, and the masked encode -> decode -> per-patch loss pass. They work on
// any model that offers models::MaskedEncoder.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

#include "core/config_visit.h"
#include "data/batch.h"
#include "losses/masking/masker.h"
#include "losses/objective.h"
#include "models/mae_decoder.h"
#include "models/masked_encoder.h"

namespace facerep::losses {

// The context's model as a masked encoder; ConfigError naming `objective` when it has none.
models::MaskedEncoder& require_masked_encoder(const ObjectiveContext& ctx, const std::string& objective);
// Builds the masker of `spec` for `layout`; ConfigError when its ratio leaves no visible patch.
std::shared_ptr<Masker> build_masker(const core::ComponentSpec& spec, const models::PatchLayout& layout);

struct MaeReconstruction {
  at::Tensor latent;     // encoder tokens of the visible patches [B,1+K,D]
  at::Tensor pred;       // decoder output [B,N,p*p*C] (float32), in target units
  at::Tensor per_patch;  // squared error per patch [B,N]
  at::Tensor loss;       // mean over masked patches
  PatchMask mask;        // on the images' device
};

// Encodes the visible patches of `images`, decodes every patch and scores masked ones.
MaeReconstruction mae_reconstruct(models::MaskedEncoder& encoder, models::MaeDecoder& decoder,
                                  const at::Tensor& images, const PatchMask& mask, bool norm_pix);

// Implemented by objectives with an MAE decoder (Objective::masked_reconstructor()), so
// evaluators and tools (`facerep viz mae`) can run them with any mask.
class MaskedReconstructor {
 public:
  virtual ~MaskedReconstructor() = default;
  virtual MaeReconstruction reconstruct(models::Backbone& model, const at::Tensor& images,
                                        const PatchMask& mask) = 0;
  virtual bool norm_pix_loss() const = 0;
  virtual const Masker& masker() const = 0;
};

// Splits a PyTorch MAE / FSFM state dict: decoder entries (decoder_*, mask_token) go to
// `decoder` (the objective's top level), everything else to `encoder` (the model).
void split_mae_state(const std::vector<std::pair<std::string, at::Tensor>>& weights,
                     std::vector<std::pair<std::string, at::Tensor>>* encoder,
                     std::vector<std::pair<std::string, at::Tensor>>* decoder);

}  // namespace facerep::losses
