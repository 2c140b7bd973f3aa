// The spatial feature-map capability (Backbone::feature_map): shapes, and how the maps relate to
// each model's embedding.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/error.h"
#include "models/iresnet.h"
#include "models/mobilefacenet.h"
#include "models/model_test_util.h"
#include "models/pixels.h"
#include "models/vit.h"

namespace facerep::models {
namespace {

using Shape = std::vector<int64_t>;

TEST(FeatureMap, VitGivesTheNormedPatchTokensOnThePatchGrid) {
  VitOptions o = testing::tiny_vit_options();  // 4x4 grid
  o.pool = "flatten";
  VisionTransformer vit(o);
  vit.eval();
  ASSERT_TRUE(vit.has_feature_map());
  torch::manual_seed(0);
  const at::Tensor images = torch::randn({2, 3, 32, 32});
  const at::Tensor map = vit.feature_map(images);
  EXPECT_EQ(map.sizes(), (Shape{2, 32, 4, 4}));
  // Patch (row 1, column 2) is token 1 + 1*4 + 2 of forward_tokens (the class token first).
  EXPECT_TRUE(torch::allclose(map.select(2, 1).select(2, 2), vit.forward_tokens(images).select(1, 1 + 6), 1e-5, 1e-6));
  // pool: flatten is the same tokens in grid order: the map laid out location-major.
  EXPECT_TRUE(torch::allclose(map.permute({0, 2, 3, 1}).flatten(1), vit.forward(images), 1e-5, 1e-6));
}

TEST(FeatureMap, ConvNetsGiveTheirLastStageBeforeTheFlatten) {
  IResNet resnet(testing::tiny_iresnet_options());  // width 8, 32x32 input
  resnet.eval();
  ASSERT_TRUE(resnet.has_feature_map());
  EXPECT_EQ(resnet.feature_map(torch::randn({2, 3, 32, 32})).sizes(), (Shape{2, 64, 2, 2}));
  EXPECT_THROW(resnet.feature_map(torch::randn({2, 3, 16, 16})), core::RuntimeError);

  MobileFaceNetOptions mo;
  mo.image_size = 32;
  mo.scale = 1;
  mo.embedding_size = 16;
  MobileFaceNet mbf(mo);
  mbf.eval();
  ASSERT_TRUE(mbf.has_feature_map());
  EXPECT_EQ(mbf.feature_map(torch::randn({2, 3, 32, 32})).sizes(), (Shape{2, 512, 2, 2}));
}

TEST(FeatureMap, PixelsGiveThePooledImageWhoseFlatteningIsTheEmbedding) {
  PixelsOptions o;
  o.image_size = 16;
  o.grid = 4;
  Pixels pooled(o);
  const at::Tensor images = torch::rand({3, 3, 16, 16});
  const at::Tensor map = pooled.feature_map(images);
  EXPECT_EQ(map.sizes(), (Shape{3, 3, 4, 4}));
  EXPECT_TRUE(torch::allclose(map.flatten(1), pooled.forward(images)));
  o.grid = 0;
  o.standardize = false;
  EXPECT_TRUE(Pixels(o).feature_map(images).equal(images)) << "every pixel, as it is";
}

// A backbone without the capability: it says so, and asking anyway is a named error.
class EmbeddingOnly : public Backbone {
 public:
  at::Tensor forward(const at::Tensor& images) override { return images.flatten(1); }
  int64_t embedding_dim() const override { return 12; }
  int64_t image_size() const override { return 2; }
};

TEST(FeatureMap, ModelsWithoutItSaySoAndThrowWhenAskedAnyway) {
  EmbeddingOnly model;
  EXPECT_FALSE(model.has_feature_map());
  EXPECT_THROW(model.feature_map(torch::zeros({1, 3, 2, 2})), core::RuntimeError);
}

}  // namespace
}  // namespace facerep::models
