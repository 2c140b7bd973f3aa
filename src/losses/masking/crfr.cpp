#include <algorithm>
#include <numeric>
#include <random>

#include <ATen/ATen.h>

#include "losses/masking/patch_regions.h"
#include "data/regions/face_regions.h"
#include "losses/masking/strategies.h"

namespace facerep::losses {
namespace {

class CrfrMasker : public Masker {
 public:
  explicit CrfrMasker(CrfrMaskOptions o) : o_(std::move(o)) {
    for (const auto& name : o_.groups) allowed_.push_back(region_group_from_name(name));
  }

  PatchMask make(const data::Batch& batch, const models::PatchLayout& grid, at::Generator gen) const override {
    const int64_t n = grid.num_patches(), b = batch.size();
    const int64_t target = n - mae_len_keep(n, o_.ratio);
    const at::Tensor counts = patch_region_counts(data::batch_region_maps(batch), grid);
    const at::Tensor member = patch_group_membership(counts).contiguous();
    const at::Tensor primary = patch_primary_group(counts, member).contiguous();
    auto member_acc = member.accessor<bool, 3>();
    auto primary_acc = primary.accessor<int64_t, 2>();

    std::mt19937_64 rng(draw_seed(gen));
    auto pick = [&](const std::vector<int>& from) {
      return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(rng)];
    };
    const int batch_group = pick(allowed_);

    at::Tensor mask = at::zeros({b, n}, at::kFloat);
    at::Tensor region = at::zeros({b, n}, at::kBool);
    auto mask_acc = mask.accessor<float, 2>();
    auto region_acc = region.accessor<bool, 2>();
    PatchMask out;
    for (int64_t s = 0; s < b; ++s) {
      auto in_group = [&](int g, int64_t i) { return member_acc[s][i][g]; };
      auto group_size = [&](int g) {
        int64_t k = 0;
        for (int64_t i = 0; i < n; ++i) k += in_group(g, i);
        return k;
      };
      std::vector<int> non_empty;
      for (int g : allowed_)
        if (group_size(g) > 0) non_empty.push_back(g);
      int chosen = o_.per_sample ? (non_empty.empty() ? -1 : pick(non_empty)) : batch_group;
      if (chosen >= 0 && group_size(chosen) == 0) chosen = non_empty.empty() ? -1 : pick(non_empty);
      out.region_group.push_back(chosen);

      // 1. The chosen region, fully (or a random part of it when it exceeds the budget).
      std::vector<int64_t> in_region;
      for (int64_t i = 0; chosen >= 0 && i < n; ++i)
        if (in_group(chosen, i)) in_region.push_back(i);
      std::shuffle(in_region.begin(), in_region.end(), rng);
      const int64_t from_region = std::min<int64_t>(target, in_region.size());
      std::vector<uint8_t> masked(n, 0);
      for (int64_t k = 0; k < from_region; ++k) {
        masked[in_region[k]] = 1;
        region_acc[s][in_region[k]] = true;
      }
      // 2. The rest of the budget, proportionally over the other groups' remaining patches.
      std::vector<std::vector<int64_t>> buckets(kNumRegionGroups + 1);
      int64_t remaining = 0;
      for (int64_t i = 0; i < n; ++i)
        if (!masked[i]) buckets[primary_acc[s][i]].push_back(i), ++remaining;
      const int64_t need = target - from_region;
      std::vector<int64_t> quota(buckets.size(), 0);
      std::vector<std::pair<double, size_t>> remainders;
      int64_t given = 0;
      for (size_t k = 0; k < buckets.size() && remaining > 0; ++k) {
        const double exact = static_cast<double>(need) * buckets[k].size() / remaining;
        quota[k] = static_cast<int64_t>(exact);
        given += quota[k];
        // Ties broken at random so no group is systematically favoured.
        remainders.push_back({exact - quota[k] + 1e-9 * std::uniform_real_distribution<>(0, 1)(rng), k});
      }
      std::sort(remainders.rbegin(), remainders.rend());
      for (size_t r = 0; given < need && r < remainders.size(); ++r) {
        const size_t k = remainders[r].second;
        if (quota[k] < static_cast<int64_t>(buckets[k].size())) ++quota[k], ++given;
      }
      for (size_t k = 0; k < buckets.size(); ++k) {
        std::shuffle(buckets[k].begin(), buckets[k].end(), rng);
        for (int64_t j = 0; j < quota[k]; ++j) masked[buckets[k][j]] = 1;
      }
      for (int64_t i = 0; i < n; ++i) mask_acc[s][i] = masked[i];
    }
    PatchMask m = mask_from_boolean(mask, gen);
    m.region = region;
    m.region_group = std::move(out.region_group);
    return m;
  }
  double ratio() const override { return o_.ratio; }
  bool needs_regions() const override { return true; }

 private:
  CrfrMaskOptions o_;
  std::vector<int> allowed_;
};

}  // namespace

std::shared_ptr<Masker> make_crfr_masker(const CrfrMaskOptions& o) {
  return std::make_shared<CrfrMasker>(o);
}

}  // namespace facerep::losses
