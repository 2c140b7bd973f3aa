#include <cmath>
#include <limits>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/error.h"
#include "eval/fewshot/metrics.h"

namespace facerep::eval::fewshot {
namespace {

TEST(FewShotMetrics, StudentTQuantiles) {
  EXPECT_NEAR(student_t_975(4), 2.776, 1e-3);   // n = 5 seeds
  EXPECT_NEAR(student_t_975(9), 2.262, 1e-3);   // n = 10
  EXPECT_NEAR(student_t_975(29), 2.045, 1e-3);  // n = 30
  EXPECT_NEAR(student_t_975(1), 12.706, 1e-3);
  // Past the table, the expansion against published values.
  EXPECT_NEAR(student_t_975(40), 2.021075, 1e-5);
  EXPECT_NEAR(student_t_975(60), 2.000298, 1e-5);
  EXPECT_NEAR(student_t_975(120), 1.979930, 1e-5);
  EXPECT_THROW(student_t_975(0), core::ConfigError);
}

TEST(FewShotMetrics, SummarizeUsesSampleStdAndT) {
  // mean 3, sample variance (4+1+0+1+4)/4 = 2.5, CI = t(4)·√2.5/√5.
  const SeedSummary s = summarize({1, 2, 3, 4, 5});
  EXPECT_EQ(s.n, 5);
  EXPECT_NEAR(s.mean, 3.0, 1e-12);
  EXPECT_NEAR(s.std, std::sqrt(2.5), 1e-12);
  EXPECT_NEAR(s.ci95, 2.776445105 * std::sqrt(2.5) / std::sqrt(5.0), 1e-9);
  const SeedSummary one = summarize({0.7});
  EXPECT_NEAR(one.mean, 0.7, 1e-12);
  EXPECT_EQ(one.std, 0.0);
  EXPECT_EQ(one.ci95, 0.0);
  EXPECT_EQ(summarize({}).n, 0);
}

// 68 landmarks along a line: point i at (i, 0), so the outer eye corners 36 and 45 are 9 apart.
at::Tensor line_of_68(double scale) {
  at::Tensor points = torch::zeros({68, 2}, torch::kDouble);
  points.select(1, 0).copy_(torch::arange(68, torch::kDouble) * scale);
  return points;
}

TEST(FewShotMetrics, NmeInterOcular68And5Points) {
  // Sample 0: every point off by (3, 4) → error 5, IOD 9. Sample 1 (scale 2, IOD 18): one point
  // off by 68 → mean error 1. NME = (5/9 + 1/18) / 2 = 11/36.
  const at::Tensor target = torch::stack({line_of_68(1), line_of_68(2)});
  at::Tensor pred = target.clone();
  pred[0] += torch::tensor({3.0, 4.0}, torch::kDouble);
  pred[1][0][1] += 68.0;
  EXPECT_NEAR(nme(pred, target), 11.0 / 36.0, 1e-12);

  // 5 points: eye centres 0 and 1 are 4 apart; bounding box 4 × 9 → size 6. Shift (0, 3) → error 3.
  const at::Tensor five = torch::tensor({0.0, 0.0, 4.0, 0.0, 2.0, 1.0, 1.0, 9.0, 3.0, 9.0}).view({1, 5, 2});
  const at::Tensor shifted = five + torch::tensor({0.0, 3.0});
  EXPECT_NEAR(nme(shifted, five), 0.75, 1e-6);
  EXPECT_NEAR(nme(shifted, five, NmeNormalization::kBoxSize), 0.5, 1e-6);
  EXPECT_THROW(nme(torch::zeros({1, 10, 2}), torch::rand({1, 10, 2})), core::ConfigError);  // no eye corners
}

TEST(FewShotMetrics, MeanIouLeavesOutAbsentClasses) {
  // class 0: ∩ {0}, ∪ {0,1,5} → 1/3; class 1: ∩ {2,3}, ∪ {1,2,3} → 2/3; class 2: ∩ {4}, ∪ {4,5}
  // → 1/2; class 3 appears nowhere → left out. Mean = 1/2.
  const at::Tensor target = torch::tensor({0, 0, 1, 1, 2, 2}).view({1, 2, 3});
  const at::Tensor pred = torch::tensor({0, 1, 1, 1, 2, 0}).view({1, 2, 3});
  EXPECT_NEAR(mean_iou(pred, target, 4), 0.5, 1e-12);
  // An ignored target pixel drops out whatever was predicted there.
  EXPECT_NEAR(mean_iou(torch::tensor({0, 1, 1, 1, 2, 0, 3}), torch::tensor({0, 0, 1, 1, 2, 2, 255}), 4, 255), 0.5,
              1e-12);
  // Last pixel: target 1, predicted 3. Class 1 becomes ∩ 2 / ∪ 4; class 3, only predicted, counts
  // with IoU 0: (1/3 + 1/2 + 1/2 + 0) / 4.
  EXPECT_NEAR(mean_iou(torch::tensor({0, 1, 1, 1, 2, 0, 3}), torch::tensor({0, 0, 1, 1, 2, 2, 1}), 4),
              (1.0 / 3 + 0.5 + 0.5 + 0.0) / 4, 1e-12);
  EXPECT_THROW(mean_iou(torch::tensor({0, 4}), torch::tensor({0, 1}), 4), core::ConfigError);
}

// Unit 0: scores 0.9 0.6 0.4 0.2, labels 1 0 1 0. Unit 1: no positive label.
at::Tensor au_scores() { return torch::tensor({0.9, 0.1, 0.6, 0.2, 0.4, 0.3, 0.2, 0.7}, torch::kDouble).view({4, 2}); }
at::Tensor au_labels() { return torch::tensor({1, 0, 0, 0, 1, 0, 0, 0}).view({4, 2}); }

TEST(FewShotMetrics, MultiLabelF1AndAccuracyAtHalf) {
  // Unit 0 at 0.5: TP 1, FP 1, FN 1 → F1 1/2. Unit 1: one false positive → F1 0.
  const std::vector<double> f1 = per_unit_f1(au_scores(), au_labels());
  ASSERT_EQ(f1.size(), 2u);
  EXPECT_NEAR(f1[0], 0.5, 1e-12);
  EXPECT_NEAR(f1[1], 0.0, 1e-12);
  EXPECT_NEAR(mean_f1(au_scores(), au_labels()), 0.25, 1e-12);
  // Correct: unit 0 samples 0 and 3, unit 1 samples 0, 1, 2 → 5 of 8.
  EXPECT_NEAR(multilabel_accuracy(au_scores(), au_labels()), 5.0 / 8.0, 1e-12);
  EXPECT_NEAR(per_unit_f1(au_scores(), au_labels(), {0.4, 0.8})[0], 0.8, 1e-12);
}

TEST(FewShotMetrics, ChooseThresholdsMaximisesF1) {
  // Unit 0 candidates: 0.9 → 2/3, 0.6 → 1/2, 0.4 → 4/5, 0.2 → 2/3: picks 0.4. Unit 1 has no
  // positive: just above its highest score, so nothing is predicted positive.
  const std::vector<double> t = choose_thresholds(au_scores(), au_labels());
  ASSERT_EQ(t.size(), 2u);
  EXPECT_DOUBLE_EQ(t[0], 0.4);
  EXPECT_GT(t[1], 0.7);
  EXPECT_LT(t[1], 0.7 + 1e-12);
  EXPECT_NEAR(mean_f1(au_scores(), au_labels(), t), 0.4, 1e-12);  // (0.8 + 0) / 2

  // Ties: labels 1 0 0 1 give F1 2/3 at 0.9 and again at 0.6 → the lower threshold, 0.6.
  const at::Tensor tie_scores = torch::tensor({0.9, 0.8, 0.7, 0.6}, torch::kDouble).view({4, 1});
  EXPECT_DOUBLE_EQ(choose_thresholds(tie_scores, torch::tensor({1, 0, 0, 1}).view({4, 1}))[0], 0.6);
  // Equal scores are one candidate: at 0.5 both samples are predicted positive (F1 4/5, not 1).
  const at::Tensor same = torch::tensor({0.9, 0.5, 0.5}, torch::kDouble).view({3, 1}), same_labels = torch::tensor({1, 1, 0}).view({3, 1});
  const std::vector<double> ts = choose_thresholds(same, same_labels);
  EXPECT_DOUBLE_EQ(ts[0], 0.5);
  EXPECT_NEAR(per_unit_f1(same, same_labels, ts)[0], 0.8, 1e-12);
}

TEST(FewShotMetrics, AccuracyFromIndicesOrScores) {
  // Argmax ties go to the lowest class: predictions 0, 1, 0 against 0, 0, 0.
  EXPECT_NEAR(accuracy(torch::tensor({0.5, 0.5, 0.1, 0.9, 0.8, 0.2}).view({3, 2}), torch::tensor({0, 0, 0})),
              2.0 / 3.0, 1e-12);
  EXPECT_NEAR(accuracy(torch::tensor({3, 1, 2, 2}), torch::tensor({3, 1, 0, 2})), 0.75, 1e-12);
  EXPECT_THROW(accuracy(torch::tensor({1, 2}), torch::tensor({1})), core::ConfigError);
}

TEST(FewShotMetrics, RegressionMaeRmseR2) {
  // Errors 0, -1, 1, -2: MAE 1, RMSE √(6/4); target mean 3, SS_tot 14, SS_res 6 → R² 4/7.
  const RegressionMetrics m = regression_metrics(torch::tensor({1.0, 2.0, 3.0, 4.0}), torch::tensor({1.0, 3.0, 2.0, 6.0}));
  EXPECT_NEAR(m.mae, 1.0, 1e-12);
  EXPECT_NEAR(m.rmse, std::sqrt(1.5), 1e-12);
  EXPECT_NEAR(m.r2, 4.0 / 7.0, 1e-12);
  // Second column: a constant target predicted exactly has R² 1; R² is averaged over columns.
  const at::Tensor pred = torch::tensor({1.0, 5.0, 2.0, 5.0, 3.0, 5.0, 4.0, 5.0}).view({4, 2});
  const at::Tensor target = torch::tensor({1.0, 5.0, 3.0, 5.0, 2.0, 5.0, 6.0, 5.0}).view({4, 2});
  const RegressionMetrics two = regression_metrics(pred, target);
  EXPECT_NEAR(two.mae, 0.5, 1e-12);
  EXPECT_NEAR(two.r2, (4.0 / 7.0 + 1.0) / 2.0, 1e-12);
}

}  // namespace
}  // namespace facerep::eval::fewshot
