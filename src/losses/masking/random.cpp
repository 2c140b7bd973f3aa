#include <ATen/ATen.h>

#include "losses/masking/strategies.h"

namespace facerep::losses {
namespace {

class RandomMasker : public Masker {
 public:
  explicit RandomMasker(RandomMaskOptions o) : o_(o) {}
  PatchMask make(const data::Batch& batch, const models::PatchLayout& grid, at::Generator gen) const override {
    const at::Tensor noise =
        at::rand({batch.size(), grid.num_patches()}, generator_or_default(gen), at::kFloat);
    return mask_from_noise(noise, mae_len_keep(grid.num_patches(), o_.ratio));
  }
  double ratio() const override { return o_.ratio; }

 private:
  RandomMaskOptions o_;
};

}  // namespace

std::shared_ptr<Masker> make_random_masker(const RandomMaskOptions& o) {
  return std::make_shared<RandomMasker>(o);
}

}  // namespace facerep::losses
