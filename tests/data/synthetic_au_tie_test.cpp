#include <gtest/gtest.h>

#include <algorithm>

#include <opencv2/core.hpp>

#include "data/synthetic/face.h"

namespace facerep::data {
namespace {

// Every image shows its identity's fixed units, drawn at `strength`.
SyntheticFaceOptions tied_faces(int size, double strength) {
  SyntheticFaceOptions o;
  o.size = size;
  o.au_identity_tie = 1.0;
  o.expression_strength = strength;
  return o;
}

TEST(SyntheticAuTie, FullTieFixesEachIdentitysUnitsAndZeroTieChangesNothing) {
  SyntheticFaceOptions tied;
  tied.size = 32;
  tied.au_identity_tie = 1.0;
  int distinct_patterns = 0;
  std::vector<std::vector<float>> patterns;
  for (int64_t id = 0; id < 12; ++id) {
    const std::vector<float> first = render_synthetic_face(5, id, 0, tied).aus;
    for (int64_t k = 1; k < 6; ++k) EXPECT_EQ(render_synthetic_face(5, id, k, tied).aus, first) << id << "/" << k;
    if (std::find(patterns.begin(), patterns.end(), first) == patterns.end()) ++distinct_patterns;
    patterns.push_back(first);
  }
  EXPECT_GE(distinct_patterns, 4);  // the pattern is the identity's, not one for everybody
  // The default (tie 0) draws nothing extra: same image and labels as options that never heard of it.
  SyntheticFaceOptions plain, zero;
  plain.size = zero.size = 32;
  zero.au_identity_tie = 0.0;
  const SyntheticFace a = render_synthetic_face(5, 3, 4, plain), b = render_synthetic_face(5, 3, 4, zero);
  EXPECT_EQ(cv::norm(a.image, b.image, cv::NORM_INF), 0.0);
  EXPECT_EQ(a.aus, b.aus);
  // Untied units vary within an identity (the images are not all alike).
  bool varies = false;
  for (int64_t k = 1; k < 12 && !varies; ++k) varies = render_synthetic_face(5, 0, k, plain).aus != a.aus;
  EXPECT_TRUE(varies);
}

TEST(SyntheticAuTie, ExpressionStrengthChangesPixelsNotLabels) {
  const SyntheticFaceOptions strong = tied_faces(32, 1.0), weak = tied_faces(32, 0.3);
  // Find an identity whose pattern has a unit on, so there is something to draw weaker.
  for (int64_t id = 0; id < 20; ++id) {
    const SyntheticFace s = render_synthetic_face(1, id, 0, strong), w = render_synthetic_face(1, id, 0, weak);
    EXPECT_EQ(s.aus, w.aus);
    if (std::find(s.aus.begin(), s.aus.end(), 1.0f) != s.aus.end()) {
      EXPECT_GT(cv::norm(s.image, w.image, cv::NORM_L1), 0.0);
      return;
    }
  }
  FAIL() << "no identity with a unit on";
}

TEST(SyntheticAuTie, ExaggeratedExpressionsMoveFurtherAndStayDrawable) {
  // Strength 3 (the maximum) on a fully closing lid would invert the eye without the clamp.
  const SyntheticFaceOptions normal = tied_faces(48, 1.0), strong = tied_faces(48, 3.0), neutral = tied_faces(48, 0.01);
  int compared = 0;
  for (int64_t id = 0; id < 20 && compared < 3; ++id) {
    const SyntheticFace n = render_synthetic_face(1, id, 0, normal), s = render_synthetic_face(1, id, 0, strong),
                        z = render_synthetic_face(1, id, 0, neutral);
    EXPECT_EQ(s.aus, n.aus);
    if (std::find(n.aus.begin(), n.aus.end(), 1.0f) == n.aus.end()) continue;
    ++compared;
    // Further from the neutral face than the normal expression is.
    EXPECT_GT(cv::norm(s.image, z.image, cv::NORM_L1), cv::norm(n.image, z.image, cv::NORM_L1)) << "identity " << id;
  }
  EXPECT_EQ(compared, 3);
}

}  // namespace
}  // namespace facerep::data
