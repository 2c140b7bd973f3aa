#include <gtest/gtest.h>

#include <opencv2/core.hpp>

#include "core/config_tree.h"
#include "data/data_options.h"
#include "data/tools/dataset_tools.h"
#include "data/transforms/face_align.h"
#include "data/sources/list.h"
#include "data/sources/packed.h"
#include "source_test_util.h"
#include "test_support.h"

namespace facerep::data {
namespace {
using testing::error_of;

SynthExportOptions small_export() {
  SynthExportOptions o;
  o.identities = 3;
  o.per_identity = 4;
  o.seed = 5;
  o.face.size = 32;
  return o;
}

TEST(DatasetTools, SyntheticExportReadsBackWithEveryLabel) {
  testing::TempDir dir;
  const SynthExportOptions o = small_export();
  EXPECT_EQ(export_synthetic(dir.str(), o), 12);
  const auto src = open_source_path(dir.str());  // a folder with labels.csv opens as a list
  auto* list = dynamic_cast<ListSource*>(src.get());
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(list->size(), 12);
  EXPECT_EQ(list->num_identities(), 3);
  EXPECT_EQ(list->attribute_names(), synthetic_attribute_names());
  EXPECT_EQ(list->au_names(), synthetic_au_names());
  for (int64_t i : {0, 5, 11}) {
    const Sample s = list->get(i);
    const SyntheticFace f = render_synthetic_face(o.seed, i / 4, i % 4, o.face);
    EXPECT_EQ(s.identity, i / 4);
    EXPECT_EQ(cv::norm(s.image, f.image, cv::NORM_INF), 0.0);  // PNG: lossless
    EXPECT_EQ(cv::norm(s.region_map, f.region_map, cv::NORM_INF), 0.0);
    EXPECT_EQ(s.attributes, f.attributes);
    EXPECT_EQ(s.aus, f.aus);
    ASSERT_EQ(s.landmarks.size(), 10u);
    for (size_t k = 0; k < 10; ++k) EXPECT_NEAR(s.landmarks[k], f.landmarks5[k], 1e-4);
  }
}

TEST(DatasetTools, PackAlignsAndTheCheckReportCountsAndNamesFailures) {
  testing::TempDir dir;
  export_synthetic(dir.file("synth"), small_export());
  const auto src = open_source_path(dir.file("synth/labels.csv"));
  PackOptions po;
  po.size = 48;
  int64_t last = 0;
  const PackResult r = pack_source(*src, dir.file("out.frp"), po, [&](int64_t done, int64_t) { last = done; });
  EXPECT_EQ(r.written, 12);
  EXPECT_EQ(r.aligned, 12);
  EXPECT_EQ(last, 12);
  const auto packed = open_source_path(dir.file("out.frp"));
  ASSERT_EQ(packed->size(), 12);
  const Sample s = packed->get(7);
  EXPECT_EQ(s.image.size(), cv::Size(48, 48));
  EXPECT_EQ(s.identity, 1);
  EXPECT_EQ(s.attributes.size(), 5u);
  EXPECT_FALSE(s.region_map.empty());
  // Aligned: the five points land near the 48-pixel template (a similarity cannot fit exactly).
  const auto t = arcface_template(48);
  for (int k = 0; k < 5; ++k) {
    EXPECT_NEAR(s.landmarks[2 * k], t[k].x, 3.5);
    EXPECT_NEAR(s.landmarks[2 * k + 1], t[k].y, 3.5);
  }

  // Break one image: check reports it by path and reason, and still counts its identity.
  testing::write_bytes(dir.file("synth/images/2/1.png"), {});
  const CheckReport report = check_source(*src);
  EXPECT_EQ(report.images, 12);
  EXPECT_EQ(report.identities, 3);
  EXPECT_EQ(report.per_identity_min, 4);
  EXPECT_EQ(report.per_identity_median, 4);
  EXPECT_EQ(report.per_identity_max, 4);
  EXPECT_EQ(report.failure_count, 1);
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_EQ(report.failures[0].second, dir.file("synth/images/2/1.png") + ": empty file (zero bytes)");
  EXPECT_EQ(report.image_sizes.at("32x32"), 11);
  const std::string text = format_check_report(report);
  EXPECT_NE(text.find("images per identity: min 4, median 4, max 4"), std::string::npos);
  EXPECT_NE(text.find("unreadable: 1"), std::string::npos);
  // Packing a source with a bad sample fails naming it.
  EXPECT_NE(error_of([&] { pack_source(*src, dir.file("bad.frp"), po); }).find("synth/images/2/1.png"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.file("bad.frp")));
}

TEST(DatasetTools, OpenSourcePathRejectsUnknownKinds) {
  testing::TempDir dir;
  testing::write_file(dir.file("x.bin"), "?");
  EXPECT_NE(error_of([&] { open_source_path(dir.file("x.bin")); }).find("ConfigError: " + dir.file("x.bin") + ": cannot tell"),
            std::string::npos);
  EXPECT_NE(error_of([&] { open_source_path(dir.file("nope")); }).find("no such file"), std::string::npos);
}

TEST(SourceRegistry, BuildsEachTypeFromConfig) {
  const auto build = [](const std::string& yaml, const std::string& base) {
    core::ConfigTree tree = core::ConfigTree::load_string(yaml, "cfg.yaml");
    DatasetOptions o = core::read_options<DatasetOptions>(tree, tree.root(), "");
    SourceContext ctx;
    ctx.base_dir = base;
    ctx.seed = 3;
    return source_registry().build(o.source, ctx);
  };
  const auto synth = build("source: {type: synthetic, identities: 4, per_identity: 3, size: 32, landmarks: 68}\n", "");
  EXPECT_EQ(synth->size(), 12);
  EXPECT_EQ(synth->num_identities(), 4);
  EXPECT_EQ(synth->identity_of(11), 3);
  const Sample s = synth->get(4);
  EXPECT_EQ(s.landmarks.size(), 136u);
  EXPECT_EQ(s.path, "synthetic:1/1");
  EXPECT_EQ(s.image.size(), cv::Size(32, 32));
  SyntheticFaceOptions fo;
  fo.size = 32;
  EXPECT_EQ(cv::norm(s.image, render_synthetic_face(3, 1, 1, fo).image, cv::NORM_INF), 0.0);  // run seed 3 + 0

  testing::TempDir dir;
  export_synthetic(dir.file("d"), small_export());
  EXPECT_EQ(build("source: {type: list, path: d/labels.csv}\n", dir.str())->size(), 12);
  EXPECT_EQ(build("source: {type: image_folder, root: d/images}\n", dir.str())->num_identities(), 3);

  EXPECT_NE(error_of([&] { build("source:\n  type: synthetic\n  landmarks: 7\n", ""); })
                .find("cfg.yaml:3: source.landmarks: must be 5 or 68, got 7"),
            std::string::npos);
  EXPECT_NE(error_of([&] { build("source: {type: image_folder, root: x, reduce: 3}\n", ""); }).find("reduce: must be 1, 2, 4 or 8"),
            std::string::npos);
}

}  // namespace
}  // namespace facerep::data
