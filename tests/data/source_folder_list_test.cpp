#include <gtest/gtest.h>

#include <filesystem>

#include <opencv2/core.hpp>

#include "core/config_tree.h"
#include "data/data_options.h"
#include "data/sources/image_folder.h"
#include "data/sources/list.h"
#include "source_test_util.h"
#include "test_support.h"

namespace facerep::data {
namespace {
using testing::error_of;

TEST(ImageFolderSource, ReadsOrlWhenPresent) {
  const std::string root = testing::shared_data_dir();
  if (root.empty()) GTEST_SKIP() << "../shared/data not present";
  ImageFolderOptions o;
  o.root = "orl";
  SourceContext ctx;
  ctx.base_dir = root;  // relative root resolves against base_dir
  ImageFolderSource src(o, ctx);
  EXPECT_EQ(src.num_identities(), 25);
  EXPECT_EQ(src.size(), 250);
  EXPECT_EQ(src.identity_of(0), 0);
  EXPECT_EQ(src.identity_of(249), 24);
  EXPECT_TRUE(std::is_sorted(src.identity_names().begin(), src.identity_names().end()));
  const Sample s = src.get(13);
  EXPECT_EQ(s.image.type(), CV_8UC3);  // grey PGM expanded
  EXPECT_EQ(s.image.size(), cv::Size(92, 112));
  EXPECT_EQ(s.identity, 1);
  EXPECT_EQ(s.index, 13);
  EXPECT_NE(s.path.find("orl/" + src.identity_names()[1] + "/"), std::string::npos);
  EXPECT_TRUE(s.landmarks.empty());
}

TEST(ImageFolderSource, SortsIdentitiesFiltersFilesAndDropsSmallIdentities) {
  testing::TempDir dir;
  for (const char* id : {"zed", "amy", "bob"})
    for (int i = 0; i < (std::string(id) == "bob" ? 1 : 3); ++i)
      testing::write_bytes(dir.file(std::string(id) + "/" + std::to_string(i) + ".png"),
                           testing::encode(testing::gradient_image(8, 8, i), ".png"));
  testing::write_file(dir.file("amy/notes.txt"), "not an image");
  testing::write_file(dir.file("README"), "top-level file");
  ImageFolderOptions o;
  o.root = dir.str();
  ImageFolderSource all(o, {});
  EXPECT_EQ(all.identity_names(), (std::vector<std::string>{"amy", "bob", "zed"}));
  EXPECT_EQ(all.size(), 7);
  EXPECT_EQ(all.identity_of(3), 1);  // bob's single image
  EXPECT_NE(all.describe().find("2 non-image entries ignored"), std::string::npos);
  o.min_per_identity = 2;
  ImageFolderSource big(o, {});
  EXPECT_EQ(big.identity_names(), (std::vector<std::string>{"amy", "zed"}));
  EXPECT_EQ(big.size(), 6);
  EXPECT_EQ(big.identity_of(5), 1);
  // A corrupt file fails at get() naming it.
  testing::write_bytes(dir.file("zed/0.png"), {});
  EXPECT_EQ(error_of([&] { big.get(3); }), "RuntimeError: " + dir.file("zed/0.png") + ": empty file (zero bytes)");
  o.root = dir.file("missing");
  EXPECT_NE(error_of([&] { ImageFolderSource(o, {}); }).find("is not a directory"), std::string::npos);
}

// A .pts file of 68 points (x0 + i, y0) in the iBUG 300-W layout.
std::string pts_text(float x0, float y0) {
  std::string s = "version: 1\nn_points: 68\n{\n";
  for (int i = 0; i < 68; ++i) s += std::to_string(x0 + i) + " " + std::to_string(y0) + "\n";
  return s + "}\n";
}

TEST(ImageFolderSource, ReadsPtsLandmarksBesideEachImage) {
  testing::TempDir dir;
  for (int i = 0; i < 2; ++i) {
    const std::string stem = dir.file("amy/" + std::to_string(i));
    testing::write_bytes(stem + ".png", testing::encode(testing::gradient_image(16, 16, i), ".png"));
    testing::write_file(stem + ".pts", pts_text(2.0f * i, 6.0f));
  }
  ImageFolderOptions o;
  o.root = dir.str();
  o.landmarks = "pts";
  ImageFolderSource src(o, {});
  ASSERT_EQ(src.size(), 2);  // the .pts files are not images
  const Sample b = src.get(1);
  ASSERT_EQ(b.landmarks.size(), 136u);
  EXPECT_EQ(b.landmarks[0], 2.f);
  EXPECT_EQ(b.landmarks[1], 6.f);
  EXPECT_EQ(b.landmarks[134], 69.f);
  EXPECT_FALSE(src.get_encoded(1).has_value());  // landmarks need the full decode
  o.reduce = 2;  // coordinates follow the smaller decode, as in the list source
  const Sample half = ImageFolderSource(o, {}).get(1);
  EXPECT_EQ(half.image.size(), cv::Size(8, 8));
  EXPECT_EQ(half.landmarks[0], 1.f);
  EXPECT_EQ(half.landmarks[1], 3.f);
  o.reduce = 1;
  o.landmarks = "none";
  EXPECT_TRUE(ImageFolderSource(o, {}).get(1).landmarks.empty());

  o.landmarks = "pts";
  testing::write_file(dir.file("amy/1.pts"), "version: 1\nn_points: 68\n{\n1 2\n}\n");
  EXPECT_EQ(error_of([&] { src.get(1); }),
            "RuntimeError: image_folder: landmarks of " + dir.file("amy/1.png") + ": " + dir.file("amy/1.pts") +
                ": n_points says 68 but 1 points follow");
  std::filesystem::remove(dir.file("amy/0.pts"));
  EXPECT_EQ(error_of([&] { ImageFolderSource(o, {}); }),
            "RuntimeError: image_folder: " + dir.file("amy/0.png") + " has no landmark file " +
                dir.file("amy/0.pts") + " (landmarks: pts)");
}

class ListSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_bytes(dir_.file("img/a.png"), testing::encode(testing::gradient_image(16, 12, 1), ".png"));
    testing::write_bytes(dir_.file("img/b.png"), testing::encode(testing::gradient_image(16, 12, 2), ".png"));
    cv::Mat region(12, 16, CV_8U, cv::Scalar(0));
    region(cv::Rect(2, 2, 4, 4)).setTo(static_cast<int>(Region::kNose));
    testing::write_bytes(dir_.file("reg/a.png"), testing::encode(region, ".png"));
  }
  ListSource open(const std::string& text, const std::string& name = "list.csv", int reduce = 1) {
    testing::write_file(dir_.file(name), text);
    ListSourceOptions o;
    o.path = name;
    o.reduce = reduce;
    SourceContext ctx;
    ctx.base_dir = dir_.str();
    return ListSource(o, ctx);
  }
  testing::TempDir dir_;
};

TEST_F(ListSourceTest, ReadsEveryLabelKind) {
  ListSource src = open(
      "path,identity,attr_glasses,attr_beard,au_smile,value_azimuth,x0,y0,x1,y1,region_map\n"
      "img/a.png,carol,1,0,0.5,-35,1.5,2.5,10,11,reg/a.png\n"
      "img/b.png,alice,,,,,,,,,\n"
      "img/a.png,,0,1,1,20,,,,,\n");
  ASSERT_EQ(src.size(), 3);
  EXPECT_EQ(src.attribute_names(), (std::vector<std::string>{"glasses", "beard"}));
  EXPECT_EQ(src.au_names(), (std::vector<std::string>{"smile"}));
  EXPECT_EQ(src.value_names(), (std::vector<std::string>{"azimuth"}));
  EXPECT_EQ(src.identity_names(), (std::vector<std::string>{"alice", "carol"}));
  EXPECT_EQ(src.num_identities(), 2);
  const Sample a = src.get(0);
  EXPECT_EQ(a.identity, 1);
  EXPECT_EQ(a.attributes, (std::vector<float>{1, 0}));
  EXPECT_EQ(a.aus, (std::vector<float>{0.5f}));
  EXPECT_EQ(a.values, (std::vector<float>{-35}));
  EXPECT_EQ(a.landmarks, (std::vector<float>{1.5f, 2.5f, 10, 11}));
  ASSERT_EQ(a.region_map.size(), cv::Size(16, 12));
  EXPECT_EQ(a.region_map.at<uint8_t>(3, 3), static_cast<uint8_t>(Region::kNose));
  EXPECT_EQ(cv::norm(a.image, testing::gradient_image(16, 12, 1), cv::NORM_INF), 0.0);
  const Sample b = src.get(1);
  EXPECT_EQ(b.identity, 0);
  EXPECT_TRUE(b.attributes.empty());
  EXPECT_TRUE(b.values.empty());
  EXPECT_EQ(src.get(2).values, (std::vector<float>{20}));
  EXPECT_TRUE(b.landmarks.empty());
  EXPECT_TRUE(b.region_map.empty());
  EXPECT_EQ(src.get(2).identity, -1);  // unknown identity
  EXPECT_EQ(src.identity_of(2), -1);
  EXPECT_EQ(b.path, dir_.file("img/b.png"));  // relative to the list's folder
}

TEST_F(ListSourceTest, TsvWithIntegerIdentitiesAndReducedDecode) {
  ListSource src = open("path\tidentity\tx0\ty0\nimg/a.png\t4\t8\t6\n\"img/b.png\"\t0\t2\t2\n", "list.tsv", 2);
  EXPECT_EQ(src.num_identities(), 5);
  const Sample a = src.get(0);
  EXPECT_EQ(a.identity, 4);
  EXPECT_EQ(a.image.size(), cv::Size(8, 6));
  EXPECT_EQ(a.landmarks, (std::vector<float>{4, 3}));
  EXPECT_EQ(src.get(1).identity, 0);
}

TEST_F(ListSourceTest, MalformedRowsNameFileAndLine) {
  const std::string f = dir_.file("list.csv");
  EXPECT_EQ(error_of([&] { open("path,identity,attr_a\nimg/a.png,0,1\nimg/b.png,1\n"); }),
            "RuntimeError: " + f + ":3: expected 3 fields, got 2");
  EXPECT_EQ(error_of([&] { open("path,attr_a\nimg/a.png,yes\n"); }),
            "RuntimeError: " + f + ":2: column 'attr_a' is not a finite number: 'yes'");
  EXPECT_NE(error_of([&] { open("path,attr_a,attr_b\nimg/a.png,1,\n"); }).find("all or none"), std::string::npos);
  EXPECT_EQ(error_of([&] { open("path,colour\nimg/a.png,red\n"); }),
            "RuntimeError: " + f + ":1: unknown column 'colour' (expected path, identity, attr_<name>, au_<name>, value_<name>, x<k>, y<k>, region_map)");
  EXPECT_NE(error_of([&] { open("identity\n1\n"); }).find("no 'path' column"), std::string::npos);
  EXPECT_NE(error_of([&] { open("path,x0,y0,x2,y2\na.png,1,2,3,4\n"); }).find("missing x1"), std::string::npos);
  EXPECT_NE(error_of([&] { open("path\n\"img/a.png\n"); }).find(":2: unterminated quote"), std::string::npos);
  ListSource missing = open("path\nimg/nope.png\n");
  EXPECT_EQ(error_of([&] { missing.get(0); }), "RuntimeError: " + dir_.file("img/nope.png") + ": missing (no such file)");
}

TEST_F(ListSourceTest, NonFiniteLabelsAndLandmarksNameTheLine) {
  const std::string f = dir_.file("list.csv");
  EXPECT_EQ(error_of([&] { open("path,x0,y0\nimg/a.png,1,2\nimg/b.png,nan,2\n"); }),
            "RuntimeError: " + f + ":3: column 'x0' is not a finite number: 'nan'");
  EXPECT_NE(error_of([&] { open("path,value_light\nimg/a.png,inf\n"); }).find(":2: column 'value_light'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { open("path,au_smile\nimg/a.png,1e40\n"); }).find("not a finite number"), std::string::npos);
}

TEST_F(ListSourceTest, IdentitiesAreAllIndicesOrAllNames) {
  const std::string f = dir_.file("list.csv");
  // A malformed number is an error naming its line, not a reason to read every identity as a name.
  EXPECT_NE(error_of([&] { open("path,identity\nimg/a.png,3\nimg/b.png,-5\n"); }).find(f + ":3: identity '-5'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { open("path,identity\nimg/a.png,0.5\n"); }).find(":2: identity '0.5'"), std::string::npos);
  // Beyond int64: an error, never a silently dropped column.
  EXPECT_NE(error_of([&] { open("path,identity\nimg/a.png,0\nimg/b.png,99999999999999999999\n"); })
                .find(":3: identity '99999999999999999999'"),
            std::string::npos);
}

TEST_F(ListSourceTest, AHugeLabelSpaceMustBeDeclared) {
  const std::string text = "path,identity\nimg/a.png,2000000000\nimg/b.png,1\n";
  EXPECT_NE(error_of([&] { open(text); }).find(":2: identity 2000000000 makes 2000000001 classes for 2 labelled rows"),
            std::string::npos);
  testing::write_file(dir_.file("big.csv"), "path,identity\nimg/a.png,4000\nimg/b.png,1\n");
  ListSourceOptions o;
  o.path = "big.csv";
  o.identities = 5000;  // declared: a subset of a larger label space
  SourceContext ctx;
  ctx.base_dir = dir_.str();
  EXPECT_EQ(ListSource(o, ctx).num_identities(), 5000);
  o.identities = 100;
  EXPECT_NE(error_of([&] { ListSource(o, ctx); }).find("outside the declared label space"), std::string::npos);
}

TEST_F(ListSourceTest, RegionMapOfTheWrongSizeIsAnError) {
  cv::Mat small(4, 4, CV_8U, cv::Scalar(1));
  testing::write_bytes(dir_.file("reg/small.png"), testing::encode(small, ".png"));
  ListSource src = open("path,region_map\nimg/a.png,reg/small.png\n");
  EXPECT_NE(error_of([&] { src.get(0); }).find("region map is 4x4 but its image"), std::string::npos);
}

}  // namespace
}  // namespace facerep::data
