#pragma once
// What the masked-autoencoder objectives (mae, fsfm) share: the checks that reject unusable
// configs before training, and the masked encode -> decode -> per-patch loss pass.
#include <memory>
#include <string>

#include <ATen/core/Tensor.h>

#include "core/config_visit.h"
#include "data/batch.h"
#include "data/masking.h"
#include "losses/objective.h"
#include "models/mae_decoder.h"
#include "models/vit.h"

namespace facerep::losses {

// The context's model as a ViT; ConfigError naming `objective` when it is missing or another type.
std::shared_ptr<models::VisionTransformer> require_vit(const ObjectiveContext& ctx,
                                                       const std::string& objective);
// The model handed to compute() as a ViT (RuntimeError otherwise).
models::VisionTransformer& as_vit(models::Backbone& model, const std::string& objective);
// Builds the masker of `spec` for `vit`'s patch grid; ConfigError when its ratio leaves no
// visible patch.
std::shared_ptr<data::Masker> build_masker(const core::ComponentSpec& spec,
                                           const models::VisionTransformer& vit);
data::PatchGrid patch_grid(const models::VisionTransformer& vit);

struct MaeReconstruction {
  at::Tensor latent;     // encoder tokens of the visible patches [B,1+K,D]
  at::Tensor pred;       // decoder output [B,N,p*p*C] (float32)
  at::Tensor per_patch;  // squared error per patch [B,N]
  at::Tensor loss;       // mean over masked patches
  data::PatchMask mask;  // on the images' device
};

// Encodes the visible patches of `images`, decodes every patch and scores masked ones.
MaeReconstruction mae_reconstruct(models::VisionTransformer& vit, models::MaeDecoder& decoder,
                                  const at::Tensor& images, const data::PatchMask& mask,
                                  bool norm_pix);

// Implemented by objectives with an MAE decoder, so tools (`facerep viz mae`) can run them with
// any mask.
class MaskedReconstructor {
 public:
  virtual ~MaskedReconstructor() = default;
  virtual MaeReconstruction reconstruct(models::Backbone& model, const at::Tensor& images,
                                        const data::PatchMask& mask) = 0;
  virtual bool norm_pix_loss() const = 0;
  virtual const data::Masker& masker() const = 0;
};

}  // namespace facerep::losses

namespace facerep::losses {
// Splits a PyTorch MAE / FSFM state dict: decoder entries (decoder_*, mask_token) go to
// `decoder` (the objective's top level), everything else to `encoder` (the model).
void split_mae_state(const std::vector<std::pair<std::string, at::Tensor>>& weights,
                     std::vector<std::pair<std::string, at::Tensor>>* encoder,
                     std::vector<std::pair<std::string, at::Tensor>>* decoder);
}  // namespace facerep::losses
