#include <gtest/gtest.h>

#include <filesystem>

#include <torch/torch.h>

#include "core/config_visit.h"
#include "core/error.h"
#include "data/inference.h"
#include "eval/fewshot/features.h"
#include "models/backbone.h"
#include "test_support.h"

namespace facerep::eval::fewshot {
namespace {

std::shared_ptr<data::Dataset> faces() {
  const auto options = testing::read_options<data::DatasetOptions>(
      "source: {type: synthetic, identities: 3, per_identity: 2, size: 24, seed: 5}\n");
  return data::build_inference_dataset(options, data::inference_preprocessing({}, 16), {});
}

std::shared_ptr<models::Backbone> pixels(const std::string& extra = "") {
  return models::model_registry().build(
      core::component_from_yaml("model", "{type: pixels, image_size: 16" + extra + "}", "model"));
}

TEST(FewShotFeatures, CarriesEveryLabelAlignedWithTheFeatures) {
  const FeatureSet set = extract_features(*pixels(), *faces(), 4, c10::Device(c10::kCPU));
  ASSERT_EQ(set.size(), 6);
  EXPECT_EQ(set.features.size(1), 3 * 16 * 16);
  EXPECT_TRUE(torch::equal(set.identity, torch::tensor({0, 0, 1, 1, 2, 2}, torch::kLong)));
  ASSERT_TRUE(set.attributes.defined());
  EXPECT_EQ(set.attributes.sizes(), (std::vector<int64_t>{6, 5}));
  EXPECT_TRUE(set.attributes_mask.all().item<bool>());
  ASSERT_TRUE(set.aus.defined());
  ASSERT_TRUE(set.landmarks.defined());
  // In units of the input side: the synthetic faces' landmarks lie inside the image.
  EXPECT_GT(set.landmarks.min().item<float>(), 0.0f);
  EXPECT_LT(set.landmarks.max().item<float>(), 1.0f);
  EXPECT_EQ(set.paths.size(), 6u);
}

TEST(FewShotFeatures, RoundTripsThroughTheCacheAndReadsItBackOnAHit) {
  testing::TempDir dir;
  const FeatureSet first = cached_features(dir.str(), "key1", *pixels(), *faces(), 4, c10::Device(c10::kCPU));
  ASSERT_TRUE(std::filesystem::exists(dir.file("key1.features")));
  // Another model under the same key: the cached features come back, not new ones.
  const FeatureSet hit = cached_features(dir.str(), "key1", *pixels(", grid: 2"), *faces(), 4, c10::Device(c10::kCPU));
  EXPECT_TRUE(torch::equal(hit.features, first.features));
  EXPECT_TRUE(torch::equal(hit.landmarks, first.landmarks));
  EXPECT_TRUE(torch::equal(hit.aus_mask, first.aus_mask));
  EXPECT_EQ(hit.paths, first.paths);
  const FeatureSet miss = cached_features(dir.str(), "key2", *pixels(", grid: 2"), *faces(), 4, c10::Device(c10::kCPU));
  EXPECT_EQ(miss.features.size(1), 3 * 2 * 2);
}

TEST(FewShotFeatures, ParsingKeepsFeatureMapsAndRegionMapsOnlyWhenAsked) {
  const FeatureSet plain = extract_features(*pixels(", grid: 4"), *faces(), 4, c10::Device(c10::kCPU));
  EXPECT_FALSE(plain.dense.defined());
  EXPECT_FALSE(plain.regions.defined());
  ExtractOptions parsing;
  parsing.parsing_size = 8;
  const FeatureSet set = extract_features(*pixels(", grid: 4"), *faces(), 4, c10::Device(c10::kCPU), parsing);
  ASSERT_TRUE(set.dense.defined());
  EXPECT_EQ(set.dense.sizes(), (std::vector<int64_t>{6, 3, 4, 4}));
  EXPECT_EQ(set.dense.scalar_type(), torch::kHalf);
  EXPECT_TRUE(torch::allclose(set.dense.flatten(1).to(torch::kFloat), set.features, 1e-2, 1e-2))
      << "the pixels' map is their embedding, at half precision";
  ASSERT_TRUE(set.regions.defined());
  EXPECT_EQ(set.regions.sizes(), (std::vector<int64_t>{6, 8, 8}));
  EXPECT_EQ(set.regions.scalar_type(), torch::kUInt8);
  EXPECT_TRUE(set.regions_mask.all().item<bool>());
  // Synthetic faces show skin and background at least; every value is a region class.
  EXPECT_LT(set.regions.max().item<int64_t>(), 11);
  EXPECT_GE((torch::bincount(set.regions.flatten().to(torch::kLong)) > 0).sum().item<int64_t>(), 2);

  // Round trip through the cache file.
  testing::TempDir dir;
  save_feature_set(set, dir.file("p.features"));
  const FeatureSet back = load_feature_set(dir.file("p.features"));
  EXPECT_TRUE(torch::equal(back.dense, set.dense));
  EXPECT_TRUE(torch::equal(back.regions, set.regions));
  EXPECT_TRUE(torch::equal(back.regions_mask, set.regions_mask));
  EXPECT_TRUE(torch::equal(back.features, set.features));
}

TEST(FewShotFeatures, AFileThatIsNotAFeatureSetIsANamedError) {
  testing::TempDir dir;
  testing::write_file(dir.file("bad.features"), "not a zip");
  const std::string msg = testing::runtime_error_message([&] { load_feature_set(dir.file("bad.features")); });
  EXPECT_NE(msg.find(dir.file("bad.features")), std::string::npos) << msg;
}

}  // namespace
}  // namespace facerep::eval::fewshot
