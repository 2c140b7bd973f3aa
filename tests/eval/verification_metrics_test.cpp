#include <gtest/gtest.h>

#include "core/error.h"
#include "eval/verification_metrics.h"

namespace facerep::eval {
namespace {

TEST(VerificationMetrics, PerfectlySeparableScores) {
  const std::vector<double> s{0.9, 0.1, 0.8, 0.2, 0.95, 0.05, 0.7, 0.3, 0.85, 0.15,
                              0.9, 0.1, 0.8, 0.2, 0.95, 0.05, 0.7, 0.3, 0.85, 0.15};
  std::vector<bool> same;
  for (size_t i = 0; i < s.size(); ++i) same.push_back(i % 2 == 0);
  const Roc roc = compute_roc(s, same);
  EXPECT_DOUBLE_EQ(roc.auc, 1.0);
  EXPECT_DOUBLE_EQ(roc.eer, 0.0);
  EXPECT_DOUBLE_EQ(kfold_accuracy(s, same, 10).mean, 1.0);
}

TEST(VerificationMetrics, HandComputedAucAndEer) {
  // same: 0.9 0.8 0.4; different: 0.7 0.3 0.2. AUC = P(same > different) = (3 + 3 + 2) / 9.
  // At threshold 0.7: FAR = 1/3, TAR = 2/3, so FAR = FRR = 1/3.
  const Roc roc = compute_roc({0.9, 0.8, 0.4, 0.7, 0.3, 0.2}, {true, true, true, false, false, false});
  EXPECT_NEAR(roc.auc, 8.0 / 9.0, 1e-12);
  EXPECT_NEAR(roc.eer, 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(roc.eer_threshold, 0.7, 1e-12);
  ASSERT_EQ(roc.points.size(), 7u);  // +inf and six distinct scores
  EXPECT_DOUBLE_EQ(roc.points[3].far, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(roc.points[3].tar, 2.0 / 3.0);
}

TEST(VerificationMetrics, EerInterpolatesBetweenPoints) {
  // same: 0.9, 0.6; different: 0.7, 0.1. Points: (0,.5) at 0.9, (.5,.5) at 0.7, (.5,1) at 0.6.
  // FAR − FRR: −0.5 → 0 at the 0.7 point exactly.
  const Roc roc = compute_roc({0.9, 0.6, 0.7, 0.1}, {true, true, false, false});
  EXPECT_NEAR(roc.eer, 0.5, 1e-12);
  EXPECT_NEAR(roc.auc, 0.75, 1e-12);
}

TEST(VerificationMetrics, TarAtFarCountedByHand) {
  // Ten different pairs at 0.1 … 1.0; six same pairs at 0.55 … 1.05.
  std::vector<double> s;
  std::vector<bool> same;
  for (int i = 1; i <= 10; ++i) s.push_back(i / 10.0), same.push_back(false);
  for (int i = 0; i < 6; ++i) s.push_back(0.55 + i / 10.0), same.push_back(true);
  const Roc roc = compute_roc(s, same);
  // FAR ≤ 0.1 admits one different pair (1.0): the best threshold then also accepts 0.95 and 1.05.
  EXPECT_NEAR(tar_at_far(roc, 0.1), 2.0 / 6.0, 1e-12);
  // FAR ≤ 0.3: differents 0.8, 0.9, 1.0 → same pairs ≥ 0.75: 0.75 0.85 0.95 1.05.
  EXPECT_NEAR(tar_at_far(roc, 0.3), 4.0 / 6.0, 1e-12);
  EXPECT_NEAR(tar_at_far(roc, 0.01), 1.0 / 6.0, 1e-12);  // only 1.05 is above every different pair
  EXPECT_EQ(resolvable_fars(10), (std::vector<double>{0.1}));
  EXPECT_EQ(resolvable_fars(1000), (std::vector<double>{0.1, 0.01, 0.001}));
  EXPECT_TRUE(resolvable_fars(9).empty());
}

TEST(VerificationMetrics, TenFoldThresholdNeverSeesItsOwnFold) {
  // Fold 0 = pairs 0-1 (same 0.4, different 0.3); folds 1-9 = (same 0.9, different 0.1).
  std::vector<double> s{0.4, 0.3};
  std::vector<bool> same{true, false};
  for (int f = 1; f < 10; ++f) s.insert(s.end(), {0.9, 0.1}), same.insert(same.end(), {true, false});
  const FoldAccuracy acc = kfold_accuracy(s, same, 10);
  // Without fold 0 the only midpoint is 0.5, which rejects its same pair: accuracy 1/2.
  EXPECT_DOUBLE_EQ(acc.threshold[0], 0.5);
  EXPECT_DOUBLE_EQ(acc.accuracy[0], 0.5);
  // The other folds see 0.4/0.3 in training and pick 0.35: all correct.
  EXPECT_DOUBLE_EQ(acc.threshold[1], 0.35);
  EXPECT_DOUBLE_EQ(acc.accuracy[1], 1.0);
  EXPECT_NEAR(acc.mean, 0.95, 1e-12);
  EXPECT_NEAR(acc.std, 0.15, 1e-12);
}

TEST(VerificationMetrics, BadInputsThrow) {
  EXPECT_THROW(compute_roc({0.1, 0.2}, {true}), core::RuntimeError);
  EXPECT_THROW(compute_roc({0.1, 0.2}, {true, true}), core::RuntimeError);
  EXPECT_THROW(kfold_accuracy({0.1, 0.2}, {true, false}, 10), core::RuntimeError);
  EXPECT_THROW(compute_roc({std::nan(""), 0.2}, {true, false}), core::RuntimeError);
}

}  // namespace
}  // namespace facerep::eval
