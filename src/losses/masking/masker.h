#pragma once
// Patch masking for masked-image modelling, chosen by `type:` under objective.mask. Maskers work
// on the encoder's models::PatchLayout (any grid, square or not).
//
// Conventions follow the public MAE code so masks and checkpoints interoperate: patches are
// numbered row-major over the grid; mask value 1 = removed (the encoder does not see it);
// ids_shuffle lists kept patches first, ids_restore = argsort(ids_shuffle) undoes it, and
// ids_keep = ids_shuffle[:, :len_keep] with len_keep = int(N * (1 - ratio)).
// Every sample of a batch gets the same number of masked patches, so tensors stay rectangular.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include "core/registry.h"
#include "data/batch.h"
#include "models/patch_layout.h"

namespace facerep::losses {

struct PatchMask {
  at::Tensor mask;         // [B,N] float32, 1 = removed
  at::Tensor ids_shuffle;  // [B,N] int64: kept patches first
  at::Tensor ids_restore;  // [B,N] int64: argsort(ids_shuffle)
  at::Tensor ids_keep;     // [B,K] int64
  at::Tensor region;       // [B,N] bool, patches of the chosen facial region (CRFR-P only)
  std::vector<int> region_group;  // CRFR-P: chosen RegionGroup per sample (-1: none)

  int64_t num_kept() const { return ids_keep.size(1); }
  PatchMask to(const c10::Device& device) const;
};

// Patches kept for `ratio` as in MAE: int(N * (1 - ratio)).
int64_t mae_len_keep(int64_t num_patches, double ratio);

// MAE's random_masking from given noise [B,N]: argsort(noise) ascending, keep the first len_keep.
PatchMask mask_from_noise(const at::Tensor& noise, int64_t len_keep);
// Any exact mask [B,N] (1 = removed, same count per row) in MAE's id convention; the order
// within kept and within removed patches is random (drawn from `gen`).
PatchMask mask_from_boolean(const at::Tensor& mask, at::Generator gen);

class Masker {
 public:
  virtual ~Masker() = default;
  // Masks for every sample of `batch` (on the CPU). Randomness comes only from `gen`.
  virtual PatchMask make(const data::Batch& batch, const models::PatchLayout& grid, at::Generator gen) const = 0;
  virtual double ratio() const = 0;
  // True when the masker reads batch.region_map or batch.landmarks.
  virtual bool needs_regions() const { return false; }
};

using MaskerRegistry = core::Registry<Masker>;
MaskerRegistry& masker_registry();
// Registers random, block and crfr_p. Idempotent.
void register_maskers();

// The CPU generator to use when a caller passes an undefined one (tests, tools).
at::Generator generator_or_default(at::Generator gen);
// A 64-bit seed drawn from `gen`, for maskers whose inner loops use a std:: engine.
uint64_t draw_seed(at::Generator gen);

}  // namespace facerep::losses
