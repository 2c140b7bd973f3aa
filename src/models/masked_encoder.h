#pragma once
// The capability masked-image modelling asks of a model: encode only the visible patches of a
// patch layout. Objectives (mae, fsfm), the reconstruction evaluator and `facerep viz mae` use
// this interface, never a concrete model; a backbone offers it through
// Backbone::masked_encoder().
#include <cstdint>
#include <memory>
#include <string>

#include <ATen/core/Tensor.h>

#include "models/patch_layout.h"

namespace facerep::models {

class Backbone;

// What a head built on the encoder's tokens needs to match it (FSFM's representation decoder).
struct TokenSpec {
  int64_t width = 0;         // token width D
  int64_t heads = 1;         // attention heads of the encoder's blocks
  double mlp_ratio = 4.0;    // MLP hidden width / D in the encoder's blocks
};

class MaskedEncoder {
 public:
  virtual ~MaskedEncoder() = default;
  virtual PatchLayout patch_layout() const = 0;
  virtual TokenSpec token_spec() const = 0;
  // Normed tokens [B,1+K,D], class token first, of the patches `ids_keep` ([B,K] int64 indices
  // into the layout's patches, after position embeddings are added, as MAE's forward_encoder).
  virtual at::Tensor forward_visible(const at::Tensor& images, const at::Tensor& ids_keep) = 0;
  // All normed tokens [B,1+N,D].
  virtual at::Tensor forward_tokens(const at::Tensor& images) = 0;
  // A new model of the same architecture holding these weights, with gradients off and no
  // regularisation (drop-path): the EMA target of self-distillation. On the same device.
  virtual std::shared_ptr<Backbone> frozen_copy() const = 0;
};

// `model` as a masked encoder; core::ConfigError naming `who` (e.g. "objective 'mae'") when the
// model does not offer the capability.
MaskedEncoder& require_masked_encoder(Backbone& model, const std::string& who);

}  // namespace facerep::models
