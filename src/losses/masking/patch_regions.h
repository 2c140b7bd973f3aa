#pragma once
// Facial-region groups on the patch grid, for region-aware masking (FSFM's CRFR-P).
//
// A patch belongs to a group when any of its pixels does, so groups overlap (a patch may hold an
// eye and a brow). Groups come from the sample's region map; aligned faces without a map get a
// rough map drawn from their landmarks (data/regions/face_regions.h).
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "data/batch.h"
#include "losses/masking/masker.h"

namespace facerep::losses {

enum class RegionGroup : int {
  kBrows = 0,
  kEyes = 1,
  kNose = 2,
  kMouth = 3,
  kFaceBoundary = 4,  // patches holding both face skin and background/neck: the face contour
  kHair = 5,
  kCount = 6,
};
inline constexpr int kNumRegionGroups = static_cast<int>(RegionGroup::kCount);
// The group id used by patch_primary_group for patches in none of the above (skin, background).
inline constexpr int kRestGroup = kNumRegionGroups;

std::string region_group_name(int group);
// Parses "brows", "eyes", "nose", "mouth", "face_boundary", "hair"; -1 when unknown.
int region_group_from_name(const std::string& name);

// Pixels of each Region class per patch: [B,N,Region::kCount] int64. region_map: [B,H,W] uint8.
at::Tensor patch_region_counts(const at::Tensor& region_map, const models::PatchLayout& grid);
// Group membership per patch: [B,N,kNumRegionGroups] bool.
at::Tensor patch_group_membership(const at::Tensor& counts);
// One group per patch for proportional filling: the part class (brows, eyes, nose, mouth, hair)
// with most pixels in it; otherwise face boundary if the patch is on it; otherwise kRestGroup.
at::Tensor patch_primary_group(const at::Tensor& counts, const at::Tensor& membership);

}  // namespace facerep::losses
