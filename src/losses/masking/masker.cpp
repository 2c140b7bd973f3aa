#include "losses/masking/masker.h"

#include <cmath>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "losses/masking/strategies.h"

namespace facerep::losses {

PatchMask PatchMask::to(const c10::Device& device) const {
  // Non-blocking: the host does not wait for the device's queue (masks are drawn on the host).
  auto move = [&](const at::Tensor& t) { return t.defined() ? t.to(device, /*non_blocking=*/true) : t; };
  PatchMask out = *this;
  out.mask = move(mask);
  out.ids_shuffle = move(ids_shuffle);
  out.ids_restore = move(ids_restore);
  out.ids_keep = move(ids_keep);
  out.region = move(region);
  return out;
}

int64_t mae_len_keep(int64_t num_patches, double ratio) {
  // Python's int(L * (1 - ratio)) truncates a double: do the same so counts match MAE exactly.
  return static_cast<int64_t>(static_cast<double>(num_patches) * (1.0 - ratio));
}

PatchMask mask_from_noise(const at::Tensor& noise, int64_t len_keep) {
  FACEREP_CHECK(noise.dim() == 2, "mask noise must be [B,N]");
  FACEREP_CHECK(len_keep >= 1 && len_keep <= noise.size(1),
                "masking keeps " + std::to_string(len_keep) + " of " +
                    std::to_string(noise.size(1)) + " patches");
  PatchMask m;
  m.ids_shuffle = at::argsort(noise, /*dim=*/1, /*descending=*/false);
  m.ids_restore = at::argsort(m.ids_shuffle, /*dim=*/1, /*descending=*/false);
  m.ids_keep = m.ids_shuffle.narrow(1, 0, len_keep).contiguous();
  at::Tensor sorted = at::ones_like(noise, noise.options().dtype(at::kFloat));
  sorted.narrow(1, 0, len_keep).zero_();
  m.mask = at::gather(sorted, 1, m.ids_restore);
  return m;
}

PatchMask mask_from_boolean(const at::Tensor& mask, at::Generator gen) {
  FACEREP_CHECK(mask.dim() == 2, "mask must be [B,N]");
  const at::Tensor removed = mask.to(at::kFloat);
  const at::Tensor counts = removed.sum(1);
  const int64_t num_removed = static_cast<int64_t>(counts[0].item<float>());
  FACEREP_CHECK(at::all(counts == counts[0]).item<bool>(),
                "masker produced different masked counts within a batch");
  // Kept patches get noise in [0,1), removed ones in [1,2): argsort puts kept first, shuffled.
  const at::Tensor noise = at::rand(mask.sizes(), generator_or_default(gen), at::kFloat) + removed;
  PatchMask m = mask_from_noise(noise, mask.size(1) - num_removed);
  m.mask = removed.contiguous();
  return m;
}

at::Generator generator_or_default(at::Generator gen) {
  return gen.defined() ? gen : at::detail::getDefaultCPUGenerator();
}

uint64_t draw_seed(at::Generator gen) {
  const at::Tensor r = at::randint(int64_t{1} << 62, {1}, generator_or_default(gen), at::kLong);
  return static_cast<uint64_t>(r.item<int64_t>());
}

MaskerRegistry& masker_registry() {
  static MaskerRegistry registry("masker");
  return registry;
}

void register_maskers() {
  static const bool done = [] {
    auto& r = masker_registry();
    r.add<RandomMaskOptions>("random", "uniform random patches (MAE)", make_random_masker);
    r.add<BlockMaskOptions>("block", "block-wise rectangles (BEiT), exact count", make_block_masker);
    r.add<CrfrMaskOptions>("crfr_p",
                           "FSFM CRFR-P: a whole facial region, then the rest proportionally",
                           make_crfr_masker);
    return true;
  }();
  (void)done;
}

}  // namespace facerep::losses
