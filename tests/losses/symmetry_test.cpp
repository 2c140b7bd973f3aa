#include <cmath>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "losses/symmetry.h"
#include "losses/test_backbone.h"

namespace facerep::losses {
namespace {

std::vector<float> row(const at::Tensor& img) {
  const at::Tensor r = img.reshape({-1}).to(torch::kFloat).contiguous();
  return std::vector<float>(r.data_ptr<float>(), r.data_ptr<float>() + r.numel());
}

std::vector<bool> to_vec_bool(const at::Tensor& t) {
  std::vector<bool> out;
  for (int64_t i = 0; i < t.numel(); ++i) out.push_back(t[i].item<bool>());
  return out;
}

TEST(Symmetry, MirroredHalvesForEvenAndOddWidths) {
  const at::Tensor even = torch::tensor({1.f, 2.f, 3.f, 4.f}).view({1, 1, 1, 4});
  EXPECT_EQ(row(left_mirrored(even)), (std::vector<float>{1, 2, 2, 1}));
  EXPECT_EQ(row(right_mirrored(even)), (std::vector<float>{4, 3, 3, 4}));
  const at::Tensor odd = torch::tensor({1.f, 2.f, 3.f, 4.f, 5.f}).view({1, 1, 1, 5});
  EXPECT_EQ(row(left_mirrored(odd)), (std::vector<float>{1, 2, 3, 2, 1}));
  EXPECT_EQ(row(right_mirrored(odd)), (std::vector<float>{5, 4, 3, 4, 5}));
}

TEST(Symmetry, AsymmetryFromFiveAndSixtyEightPoints) {
  // Eyes at x = 30 and 70 (IOD 40), nose at x = 58: |58 − 50| / 40 = 0.2.
  const at::Tensor five = torch::tensor({30.f, 40.f, 70.f, 40.f, 58.f, 60.f, 35.f, 80.f, 65.f, 80.f}).view({1, 5, 2});
  EXPECT_NEAR(landmark_asymmetry(five).item<double>(), 0.2, 1e-6);
  at::Tensor pts = torch::zeros({1, 68, 2});
  pts.index_put_({0, torch::indexing::Slice(36, 42), 0}, 30.f);
  pts.index_put_({0, torch::indexing::Slice(42, 48), 0}, 70.f);
  pts.index_put_({0, 30, 0}, 46.f);
  EXPECT_NEAR(landmark_asymmetry(pts).item<double>(), 0.1, 1e-6);
  EXPECT_THROW(landmark_asymmetry(torch::zeros({1, 7, 2})), core::RuntimeError);
}

data::Batch landmark_batch() {
  data::Batch b;
  b.images = torch::randn({3, 1, 4, 4});
  b.paths = {"frontal.png", "turned.png", "unlabelled.png"};
  b.landmarks = torch::tensor({30.f, 40.f, 70.f, 40.f, 51.f, 60.f, 35.f, 80.f, 65.f, 80.f,    //
                               30.f, 40.f, 70.f, 40.f, 66.f, 60.f, 35.f, 80.f, 65.f, 80.f,    //
                               0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f})
                    .view({3, 5, 2});
  b.landmarks_mask = torch::tensor({true, true, false});
  return b;
}

TEST(Symmetry, FrontalSelectionFollowsThresholdAndPolicy) {
  SymmetryOptions o;
  o.frontal_only = true;
  o.max_asymmetry = 0.15;  // sample 0: 0.025, sample 1: 0.4
  EXPECT_EQ(to_vec_bool(SymmetryObjective(o).selected(landmark_batch())), (std::vector<bool>{true, false, true}));
  o.without_landmarks = "exclude";
  EXPECT_EQ(to_vec_bool(SymmetryObjective(o).selected(landmark_batch())), (std::vector<bool>{true, false, false}));
  EXPECT_TRUE(SymmetryObjective(o).needs().region_map_or_landmarks);
  o.frontal_only = false;
  EXPECT_EQ(to_vec_bool(SymmetryObjective(o).selected(landmark_batch())), (std::vector<bool>{true, true, true}));
}

TEST(Symmetry, LossValueAndGradient) {
  torch::manual_seed(4);
  auto model = std::make_shared<testing::LinearBackbone>(1, 4, 3);
  model->to(torch::kDouble);
  data::Batch b = landmark_batch();
  b.images = b.images.to(torch::kDouble);
  SymmetryOptions o;
  o.weight = 0.5;
  SymmetryObjective obj(o);
  StepContext ctx;
  const LossOutput out = obj.compute(*model, b, ctx);
  const at::Tensor el = model->forward(left_mirrored(b.images));
  const at::Tensor er = model->forward(right_mirrored(b.images));
  double expected = 0;
  for (int i = 0; i < 3; ++i)
    expected += 1 - (el[i] * er[i]).sum().item<double>() / (el[i].norm().item<double>() * er[i].norm().item<double>());
  EXPECT_NEAR(out.total.item<double>(), 0.5 * expected / 3, 1e-9);
  EXPECT_EQ(out.terms.at(0).first, "symmetry");
  // Gradient with respect to the images through the mirroring and the model.
  EXPECT_LT(testing::max_grad_error(
                [&](const at::Tensor& x) {
                  data::Batch c = b;
                  c.images = x;
                  return obj.compute(*model, c, ctx).total;
                },
                b.images),
            1e-6);
  // A left-right symmetric image has identical halves: zero loss.
  data::Batch sym = b;
  sym.images = left_mirrored(b.images);
  EXPECT_NEAR(obj.compute(*model, sym, ctx).total.item<double>(), 0.0, 1e-12);
}

TEST(Symmetry, NoSelectedSampleGivesZeroInTheGraph) {
  auto model = std::make_shared<testing::LinearBackbone>(1, 4, 3);
  SymmetryOptions o;
  o.frontal_only = true;
  o.without_landmarks = "exclude";
  data::Batch b;
  b.images = torch::randn({2, 1, 4, 4});
  StepContext ctx;
  const LossOutput out = SymmetryObjective(o).compute(*model, b, ctx);
  EXPECT_EQ(out.total.item<double>(), 0.0);
  EXPECT_TRUE(out.total.requires_grad());
  EXPECT_EQ(out.metrics.at("frontal_fraction").item<double>(), 0.0);
}

}  // namespace
}  // namespace facerep::losses
