#include <gtest/gtest.h>

#include <set>

#include <torch/torch.h>

#include "core/config_tree.h"
#include "losses/masking/masker.h"
#include "losses/masking/patch_regions.h"
#include "losses/masking/strategies.h"
#include "data/regions/face_regions.h"
#include "data/sample.h"
#include "test_support.h"

namespace facerep::losses {
using data::Batch;
using data::Region;
namespace {

at::Generator seeded(uint64_t seed) {
  at::Generator g = at::detail::createCPUGenerator(seed);
  return g;
}

Batch blank_batch(int64_t b, int64_t size) {
  Batch batch;
  batch.images = torch::zeros({b, 3, size, size});
  for (int64_t i = 0; i < b; ++i) batch.paths.push_back("synthetic:" + std::to_string(i));
  return batch;
}

void expect_consistent(const PatchMask& m, int64_t masked) {
  const int64_t b = m.mask.size(0), n = m.mask.size(1);
  EXPECT_TRUE(torch::equal(m.mask.sum(1), torch::full({b}, static_cast<float>(masked))));
  // ids_restore inverts the shuffle.
  EXPECT_TRUE(torch::equal(torch::gather(m.ids_shuffle, 1, m.ids_restore),
                           torch::arange(n).expand({b, n})));
  // Kept ids are exactly the patches with mask 0.
  EXPECT_EQ(m.num_kept(), n - masked);
  EXPECT_TRUE(torch::equal(torch::gather(m.mask, 1, m.ids_keep), torch::zeros({b, n - masked})));
}

TEST(Masking, LenKeepTruncatesLikePython) {
  EXPECT_EQ(mae_len_keep(196, 0.75), 49);
  EXPECT_EQ(mae_len_keep(49, 0.75), 12);  // int(12.25)
  EXPECT_EQ(mae_len_keep(16, 0.9), 1);    // int(1.6)
  EXPECT_EQ(mae_len_keep(4, 0.8), 0);     // no visible patch: the objective rejects this config
}

TEST(Masking, FromNoiseFollowsMaeConventions) {
  const at::Tensor noise = torch::tensor({{0.9f, 0.1f, 0.5f, 0.3f}});
  PatchMask m = mask_from_noise(noise, 2);
  EXPECT_TRUE(torch::equal(m.ids_shuffle, torch::tensor({{1, 3, 2, 0}}, torch::kLong)));
  EXPECT_TRUE(torch::equal(m.ids_keep, torch::tensor({{1, 3}}, torch::kLong)));
  EXPECT_TRUE(torch::equal(m.ids_restore, torch::tensor({{3, 0, 2, 1}}, torch::kLong)));
  EXPECT_TRUE(torch::equal(m.mask, torch::tensor({{1.f, 0.f, 1.f, 0.f}})));
}

TEST(Masking, RandomKeepsExactCountAndIsReproducible) {
  auto masker = make_random_masker({0.75});
  const models::PatchLayout grid{7, 7, 16, 3};
  PatchMask a = masker->make(blank_batch(5, 112), grid, seeded(3));
  expect_consistent(a, 49 - 12);
  PatchMask b = masker->make(blank_batch(5, 112), grid, seeded(3));
  EXPECT_TRUE(torch::equal(a.mask, b.mask));
  PatchMask c = masker->make(blank_batch(5, 112), grid, seeded(4));
  EXPECT_FALSE(torch::equal(a.mask, c.mask));
  // Different samples get different masks.
  EXPECT_FALSE(torch::equal(a.mask[0], a.mask[1]));
}

// Adjacent patch pairs where one is masked and the other is not: low for block-shaped masks.
int64_t mixed_edges(const at::Tensor& row, int64_t side) {
  auto m = row.reshape({side, side});
  return (m.slice(0, 1) != m.slice(0, 0, side - 1)).sum().item<int64_t>() +
         (m.slice(1, 1) != m.slice(1, 0, side - 1)).sum().item<int64_t>();
}

TEST(Masking, BlockHitsExactCountWithCompactBlocks) {
  const models::PatchLayout grid{14, 14, 16, 3};
  for (double ratio : {0.3, 0.5, 0.75}) {
    BlockMaskOptions o;
    o.ratio = ratio;
    PatchMask m = make_block_masker(o)->make(blank_batch(8, 224), grid, seeded(1));
    expect_consistent(m, 196 - mae_len_keep(196, ratio));
  }
  BlockMaskOptions o;
  o.ratio = 0.4;
  o.min_block = 16;
  PatchMask block = make_block_masker(o)->make(blank_batch(16, 224), grid, seeded(2));
  PatchMask rnd = make_random_masker({0.4})->make(blank_batch(16, 224), grid, seeded(2));
  int64_t block_edges = 0, random_edges = 0;
  for (int64_t i = 0; i < 16; ++i) {
    block_edges += mixed_edges(block.mask[i], 14);
    random_edges += mixed_edges(rnd.mask[i], 14);
  }
  // Random masking at 0.4 cuts ~48% of the 364 edges; blocks cut far fewer.
  EXPECT_LT(block_edges * 2, random_edges);
}

// 32x32 face on a 4x4 grid of 8-pixel patches.
const models::PatchLayout kToyGrid{4, 4, 8, 3};

// 32x32 face on a 4x4 grid of 8-pixel patches:
//   row 0: hair; row 1: brows in patches 5,6 (one pixel each); row 2: eyes in patch 9 only;
//   nose in patch 10; mouth in patches 13 and 14; skin elsewhere except background at column 3.
at::Tensor toy_region_map() {
  at::Tensor m = torch::full({32, 32}, static_cast<int>(Region::kSkin), torch::kByte);
  m.slice(1, 24, 32).fill_(static_cast<int>(Region::kBackground));
  m.slice(0, 0, 8).fill_(static_cast<int>(Region::kHair));
  m[12][12] = static_cast<int>(Region::kLeftBrow);
  m[12][20] = static_cast<int>(Region::kRightBrow);
  m.slice(0, 18, 22).slice(1, 10, 14).fill_(static_cast<int>(Region::kLeftEye));
  m.slice(0, 18, 22).slice(1, 18, 20).fill_(static_cast<int>(Region::kNose));
  m.slice(0, 26, 28).slice(1, 6, 18).fill_(static_cast<int>(Region::kMouth));
  return m;
}

TEST(Masking, RegionGroupsOnPatches) {
  const at::Tensor counts = patch_region_counts(toy_region_map().unsqueeze(0), kToyGrid);
  EXPECT_EQ(counts[0][5][static_cast<int>(Region::kLeftBrow)].item<int64_t>(), 1);
  EXPECT_EQ(counts[0][9][static_cast<int>(Region::kLeftEye)].item<int64_t>(), 16);
  const at::Tensor member = patch_group_membership(counts)[0];
  auto ids = [&](RegionGroup g) {
    return torch::nonzero(member.select(1, static_cast<int>(g))).flatten();
  };
  EXPECT_TRUE(torch::equal(ids(RegionGroup::kBrows), torch::tensor({5, 6}, torch::kLong)));
  EXPECT_TRUE(torch::equal(ids(RegionGroup::kEyes), torch::tensor({9}, torch::kLong)));
  EXPECT_TRUE(torch::equal(ids(RegionGroup::kNose), torch::tensor({10}, torch::kLong)));
  EXPECT_TRUE(torch::equal(ids(RegionGroup::kMouth), torch::tensor({12, 13, 14}, torch::kLong)));
  EXPECT_TRUE(torch::equal(ids(RegionGroup::kHair), torch::tensor({0, 1, 2, 3}, torch::kLong)));
  // Skin touching background: column 2 patches whose right neighbour column is background
  // (pixels 16-23 are skin, column 3 = pixels 24-31 is pure background) -> none; column 3 rows
  // 1-3 hold only background. So the boundary is empty here except where hair is not involved.
  EXPECT_EQ(ids(RegionGroup::kFaceBoundary).numel(), 0);
  const at::Tensor primary = patch_primary_group(counts, patch_group_membership(counts))[0];
  EXPECT_EQ(primary[5].item<int64_t>(), static_cast<int>(RegionGroup::kBrows));
  EXPECT_EQ(primary[4].item<int64_t>(), kRestGroup);
}

Batch toy_region_batch(int64_t b) {
  Batch batch = blank_batch(b, 32);
  batch.region_map = toy_region_map().unsqueeze(0).repeat({b, 1, 1});
  batch.region_mask = torch::ones({b}, torch::kBool);
  return batch;
}

TEST(Masking, CrfrMasksChosenRegionFullyAndHitsExactCount) {
  CrfrMaskOptions o;
  o.ratio = 0.5;  // 8 of 16 patches
  o.groups = {"mouth"};
  PatchMask m = make_crfr_masker(o)->make(toy_region_batch(4), kToyGrid, seeded(0));
  expect_consistent(m, 8);
  for (int64_t s = 0; s < 4; ++s) {
    EXPECT_EQ(m.region_group[s], static_cast<int>(RegionGroup::kMouth));
    for (int64_t p : {12, 13, 14}) {
      EXPECT_EQ(m.mask[s][p].item<float>(), 1.f) << "sample " << s << " patch " << p;
      EXPECT_TRUE(m.region[s][p].item<bool>());
    }
    EXPECT_EQ(m.region[s].sum().item<int64_t>(), 3);
  }
}

TEST(Masking, CrfrUnmasksPartOfARegionLargerThanTheBudget) {
  CrfrMaskOptions o;
  o.groups = {"hair"};
  o.ratio = 0.8;  // int(16 * 0.2) = 3 kept -> 13 masked: all 4 hair patches and 9 more
  PatchMask big = make_crfr_masker(o)->make(toy_region_batch(2), kToyGrid, seeded(0));
  expect_consistent(big, 13);
  EXPECT_EQ(big.region[0].sum().item<int64_t>(), 4);
  // A region bigger than the budget: make hair cover half the image.
  Batch batch = toy_region_batch(3);
  batch.region_map.slice(1, 0, 16).fill_(static_cast<int>(Region::kHair));
  o.ratio = 0.25;  // keep 12, mask 4 of the 8 hair patches
  PatchMask part = make_crfr_masker(o)->make(batch, kToyGrid, seeded(5));
  expect_consistent(part, 4);
  for (int64_t s = 0; s < 3; ++s) {
    EXPECT_EQ(part.mask[s].slice(0, 0, 8).sum().item<float>(), 4.f);
    EXPECT_TRUE(torch::equal(part.region[s], part.mask[s].to(torch::kBool)));
  }
}

TEST(Masking, CrfrFillsTheRestProportionally) {
  // Left half hair (8 patches), right half plain skin (8 patches, "rest"), tiny mouth in one hair
  // patch... chosen = nose in exactly one patch; 9 masked: 1 nose + 8 spread as 4/4 (7 hair +
  // 8 rest remain: exact shares 8*7/15=3.73 and 8*8/15=4.27 -> 4 and 4).
  Batch batch = blank_batch(6, 32);
  at::Tensor map = torch::full({32, 32}, static_cast<int>(Region::kSkin), torch::kByte);
  map.slice(1, 0, 16).fill_(static_cast<int>(Region::kHair));
  map[0][0] = static_cast<int>(Region::kNose);  // patch 0 holds hair and nose
  batch.region_map = map.unsqueeze(0).repeat({6, 1, 1});
  batch.region_mask = torch::ones({6}, torch::kBool);
  CrfrMaskOptions o;
  o.ratio = 0.5625;  // keep int(16*0.4375)=7 -> 9 masked
  o.groups = {"nose"};
  PatchMask m = make_crfr_masker(o)->make(batch, kToyGrid, seeded(9));
  expect_consistent(m, 9);
  const at::Tensor hair_cols = torch::tensor({0, 1, 4, 5, 8, 9, 12, 13}, torch::kLong);
  for (int64_t s = 0; s < 6; ++s) {
    EXPECT_EQ(m.mask[s][0].item<float>(), 1.f);
    EXPECT_EQ(m.mask[s].index_select(0, hair_cols).sum().item<float>(), 5.f);  // nose patch + 4
  }
}

TEST(Masking, CrfrPerSampleChoosesIndependently) {
  CrfrMaskOptions o;
  o.per_sample = true;
  o.ratio = 0.5;
  PatchMask m = make_crfr_masker(o)->make(toy_region_batch(32), kToyGrid, seeded(1));
  expect_consistent(m, 8);
  std::set<int> seen(m.region_group.begin(), m.region_group.end());
  EXPECT_GE(seen.size(), 3u);
  EXPECT_EQ(seen.count(static_cast<int>(RegionGroup::kFaceBoundary)), 0u);  // empty in this map
}

TEST(Masking, CrfrWithoutRegionsNamesTheSample) {
  Batch batch = blank_batch(2, 32);
  CrfrMaskOptions o;
  try {
    make_crfr_masker(o)->make(batch, kToyGrid, seeded(0));
    FAIL() << "expected RuntimeError";
  } catch (const core::RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("synthetic:0"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("region map or landmarks"), std::string::npos);
  }
}

TEST(Masking, RegionMapFromFivePointLandmarks) {
  // ArcFace's 112x112 template: eyes, nose tip, mouth corners.
  const std::vector<float> xy{38.29f, 51.70f, 73.53f, 51.50f, 56.03f, 71.74f, 41.55f, 92.37f, 70.73f, 92.20f};
  cv::Mat map = data::region_map_from_landmarks(xy, 112, 112);
  auto at = [&](int x, int y) { return static_cast<Region>(map.at<uint8_t>(y, x)); };
  EXPECT_EQ(at(38, 52), Region::kRightEye);
  EXPECT_EQ(at(73, 52), Region::kLeftEye);
  EXPECT_EQ(at(38, 41), Region::kRightBrow);  // the mean shape's brow, 11 px above the eye
  EXPECT_EQ(at(56, 68), Region::kNose);
  EXPECT_EQ(at(56, 92), Region::kMouth);
  EXPECT_EQ(at(56, 83), Region::kSkin);  // between the nostrils and the upper lip
  EXPECT_EQ(at(56, 8), Region::kHair);
  EXPECT_EQ(at(2, 110), Region::kBackground);
  EXPECT_THROW(data::region_map_from_landmarks({1, 2, 3, 4}, 32, 32), core::RuntimeError);

  // A batch with landmarks only gets the same map, and CRFR-P works on it.
  Batch batch = blank_batch(2, 112);
  batch.landmarks = torch::tensor(xy).reshape({1, 5, 2}).repeat({2, 1, 1});
  batch.landmarks_mask = torch::ones({2}, torch::kBool);
  const at::Tensor maps = data::batch_region_maps(batch);
  EXPECT_EQ(maps[1][52][38].item<uint8_t>(), static_cast<uint8_t>(Region::kRightEye));
  CrfrMaskOptions o;
  o.groups = {"eyes"};
  PatchMask m = make_crfr_masker(o)->make(batch, models::PatchLayout{7, 7, 16, 3}, seeded(0));
  expect_consistent(m, 49 - 12);
  EXPECT_EQ(m.mask[0][3 * 7 + 2].item<float>(), 1.f);  // patch holding pixel (38,52)
}

TEST(Masking, OptionsRejectBadRatiosAndGroups) {
  register_maskers();
  auto read = [](const std::string& yaml) { return testing::read_component(yaml, "mask", "masker", "m.yaml"); };
  EXPECT_NO_THROW(read("mask: {type: block, ratio: 0.4}\n"));
  try {
    read("mask: {type: random, ratio: 1.0}\n");
    FAIL();
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("mask.ratio"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read("mask: {type: crfr_p, groups: [ears]}\n"), core::ConfigError);
  EXPECT_THROW(read("mask: {type: crfr}\n"), core::ConfigError);
}

}  // namespace
}  // namespace facerep::losses
