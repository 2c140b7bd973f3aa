#include "losses/masking/patch_regions.h"

#include <cmath>

#include <ATen/ATen.h>

#include "core/error.h"
#include "data/sample.h"

namespace facerep::losses {
namespace {

constexpr int kClasses = static_cast<int>(data::Region::kCount);

int cls(data::Region r) { return static_cast<int>(r); }
const char* const kGroupNames[kNumRegionGroups] = {"brows", "eyes", "nose",
                                                   "mouth", "face_boundary", "hair"};

}  // namespace

std::string region_group_name(int group) {
  return group >= 0 && group < kNumRegionGroups ? kGroupNames[group] : "none";
}

int region_group_from_name(const std::string& name) {
  for (int g = 0; g < kNumRegionGroups; ++g)
    if (name == kGroupNames[g]) return g;
  return -1;
}

at::Tensor patch_region_counts(const at::Tensor& region_map, const models::PatchLayout& grid) {
  FACEREP_CHECK(region_map.dim() == 3, "region map must be [B,H,W]");
  const int64_t b = region_map.size(0), gh = grid.grid_h, gw = grid.grid_w, p = grid.patch;
  FACEREP_CHECK(region_map.size(1) == grid.height() && region_map.size(2) == grid.width(),
                "region map is " + std::to_string(region_map.size(1)) + "x" +
                    std::to_string(region_map.size(2)) + " but the patch grid covers " +
                    std::to_string(grid.height()) + "x" + std::to_string(grid.width()));
  const at::Tensor labels = region_map.to(at::kLong);
  FACEREP_CHECK(labels.numel() == 0 || labels.max().item<int64_t>() < kClasses,
                "region map holds a value >= " + std::to_string(kClasses));
  return at::one_hot(labels, kClasses)
      .reshape({b, gh, p, gw, p, kClasses})
      .sum({2, 4})
      .reshape({b, gh * gw, kClasses});
}

at::Tensor patch_group_membership(const at::Tensor& counts) {
  auto c = [&](data::Region r) { return counts.select(2, cls(r)); };
  const at::Tensor face_edge =
      (c(data::Region::kSkin) > 0).logical_and(c(data::Region::kBackground) + c(data::Region::kNeck) > 0);
  return at::stack({c(data::Region::kLeftBrow) + c(data::Region::kRightBrow) > 0,
                    c(data::Region::kLeftEye) + c(data::Region::kRightEye) > 0, c(data::Region::kNose) > 0,
                    c(data::Region::kMouth) > 0, face_edge, c(data::Region::kHair) > 0},
                   2);
}

at::Tensor patch_primary_group(const at::Tensor& counts, const at::Tensor& membership) {
  auto c = [&](data::Region r) { return counts.select(2, cls(r)); };
  // Pixel counts per part group, in RegionGroup order with the boundary slot left at zero.
  const at::Tensor parts = at::stack({c(data::Region::kLeftBrow) + c(data::Region::kRightBrow),
                                      c(data::Region::kLeftEye) + c(data::Region::kRightEye), c(data::Region::kNose),
                                      c(data::Region::kMouth), at::zeros_like(c(data::Region::kNose)),
                                      c(data::Region::kHair)},
                                     2);
  const auto best = parts.max(2);
  const at::Tensor best_count = std::get<0>(best), best_group = std::get<1>(best);
  const at::Tensor boundary = membership.select(2, static_cast<int>(RegionGroup::kFaceBoundary));
  at::Tensor rest = at::where(boundary, at::full_like(best_group, static_cast<int>(RegionGroup::kFaceBoundary)),
                              at::full_like(best_group, kRestGroup));
  return at::where(best_count > 0, best_group, rest);
}

}  // namespace facerep::losses
