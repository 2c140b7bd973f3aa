#pragma once
// Facial-region groups on the patch grid, for region-aware masking (FSFM's CRFR-P).
//
// A patch belongs to a group when any of its pixels does, so groups overlap (a patch may hold an
// eye and a brow). Groups come from the sample's region map; aligned faces without a map get a
// rough map drawn from their landmarks (region_map_from_landmarks).
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>
#include <opencv2/core/mat.hpp>

#include "data/batch.h"
#include "data/masking.h"

namespace facerep::data {

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
at::Tensor patch_region_counts(const at::Tensor& region_map, const PatchGrid& grid);
// Group membership per patch: [B,N,kNumRegionGroups] bool.
at::Tensor patch_group_membership(const at::Tensor& counts);
// One group per patch for proportional filling: the part class (brows, eyes, nose, mouth, hair)
// with most pixels in it; otherwise face boundary if the patch is on it; otherwise kRestGroup.
at::Tensor patch_primary_group(const at::Tensor& counts, const at::Tensor& membership);

// A rough region map of an aligned face from its landmarks (pixel coordinates x0,y0,x1,y1,...).
// 5 points (eye, eye, nose tip, mouth corner, mouth corner, in any left/right order) or 68 iBUG
// points (reduced to those 5). Everything is scaled by the inter-ocular distance d:
//   eyes: ellipses 0.24d x 0.12d around each eye; brows: ellipses 0.28d x 0.08d, 0.32d above
//   each eye; nose: ellipse from the eye line to just below the tip, 0.18d wide; mouth: ellipse
//   through both corners, 0.14d tall; skin: ellipse centred between eyes and mouth, 0.95d x 1.45d
//   (its contour is the face boundary); hair: the band above the skin ellipse, up to 0.6d higher.
// Throws RuntimeError for other point counts or degenerate points (eyes on top of each other).
cv::Mat region_map_from_landmarks(const std::vector<float>& xy, int height, int width);

// [B,H,W] uint8 region maps for a batch: batch.region_map where region_mask says so, else drawn
// from batch.landmarks. Throws RuntimeError naming the sample path when a sample has neither.
at::Tensor batch_region_maps(const Batch& batch);

}  // namespace facerep::data
