#include <algorithm>
#include <cmath>
#include <random>

#include <ATen/ATen.h>

#include "losses/masking/strategies.h"

namespace facerep::losses {
namespace {

class BlockMasker : public Masker {
 public:
  explicit BlockMasker(BlockMaskOptions o) : o_(o) {}

  PatchMask make(const data::Batch& batch, const models::PatchLayout& grid, at::Generator gen) const override {
    const int64_t n = grid.num_patches();
    const int64_t target = n - mae_len_keep(n, o_.ratio);
    // One std:: engine per batch seeded from the run generator: reproducible and checkpointed,
    // without a tensor op per random draw.
    std::mt19937_64 rng(draw_seed(gen));
    at::Tensor mask = at::zeros({batch.size(), n}, at::kFloat);
    auto acc = mask.accessor<float, 2>();
    for (int64_t b = 0; b < batch.size(); ++b) {
      std::vector<uint8_t> m(n, 0);
      fill_blocks(&m, grid.grid_h, grid.grid_w, target, rng);
      for (int64_t i = 0; i < n; ++i) acc[b][i] = m[i];
    }
    return mask_from_boolean(mask, gen);
  }
  double ratio() const override { return o_.ratio; }

 private:
  // Places rectangles until `target` patches are masked; tops up with single patches when no
  // rectangle adds to the count without overshooting it.
  void fill_blocks(std::vector<uint8_t>* m, int64_t rows, int64_t cols, int64_t target,
                   std::mt19937_64& rng) const {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const double log_lo = std::log(o_.min_aspect), log_hi = std::log(1.0 / o_.min_aspect);
    int64_t count = 0;
    while (count < target) {
      const int64_t budget = target - count;
      int64_t added = 0;
      for (int attempt = 0; attempt < o_.attempts && added == 0; ++attempt) {
        const double lo = std::min<double>(o_.min_block, budget);
        const double area = lo + (budget - lo) * unit(rng);
        const double aspect = std::exp(log_lo + (log_hi - log_lo) * unit(rng));
        const int64_t h = std::llround(std::sqrt(area * aspect));
        const int64_t w = std::llround(std::sqrt(area / aspect));
        if (h < 1 || w < 1 || h > rows || w > cols) continue;
        const int64_t top = std::uniform_int_distribution<int64_t>(0, rows - h)(rng);
        const int64_t left = std::uniform_int_distribution<int64_t>(0, cols - w)(rng);
        int64_t fresh = 0;
        for (int64_t y = top; y < top + h; ++y)
          for (int64_t x = left; x < left + w; ++x) fresh += (*m)[y * cols + x] == 0;
        if (fresh == 0 || fresh > budget) continue;
        for (int64_t y = top; y < top + h; ++y)
          for (int64_t x = left; x < left + w; ++x) (*m)[y * cols + x] = 1;
        added = fresh;
      }
      if (added == 0) break;
      count += added;
    }
    if (count < target) {
      std::vector<int64_t> free_ids;
      for (int64_t i = 0; i < rows * cols; ++i)
        if (!(*m)[i]) free_ids.push_back(i);
      std::shuffle(free_ids.begin(), free_ids.end(), rng);
      for (int64_t i = 0; i < target - count; ++i) (*m)[free_ids[i]] = 1;
    }
  }

  BlockMaskOptions o_;
};

}  // namespace

std::shared_ptr<Masker> make_block_masker(const BlockMaskOptions& o) {
  return std::make_shared<BlockMasker>(o);
}

}  // namespace facerep::losses
