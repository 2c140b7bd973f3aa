#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "eval/report.h"
#include "test_support.h"

namespace facerep::eval {
namespace {

TEST(Report, RocCsvAndPlot) {
  testing::TempDir dir;
  // 1000 different pairs spread over [0, 1), 100 same pairs over [0.5, 1.5): a smooth curve.
  std::vector<double> s;
  std::vector<bool> same;
  for (int i = 0; i < 1000; ++i) s.push_back(i / 1000.0), same.push_back(false);
  for (int i = 0; i < 100; ++i) s.push_back(0.5 + i / 100.0), same.push_back(true);
  const Roc roc = compute_roc(s, same);
  write_roc_csv(dir.file("roc.csv"), roc);
  write_roc_png(dir.file("roc.png"), roc, "test");
  const std::string csv = testing::read_file(dir.file("roc.csv"));
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), static_cast<long>(roc.points.size()) + 1);
  EXPECT_EQ(csv.substr(0, 22), "threshold,far,tar\ninf,");
  const cv::Mat png = cv::imread(dir.file("roc.png"));
  ASSERT_FALSE(png.empty());
  // The curve is drawn in the first series colour of eval/line_plot (BGR 180, 119, 31).
  cv::Mat curve;
  cv::inRange(png, cv::Scalar(170, 109, 21), cv::Scalar(190, 129, 41), curve);
  EXPECT_GT(cv::countNonZero(curve), 200);
  if (const char* keep = std::getenv("FACEREP_KEEP_ROC_PNG"))  // to look at the plot by hand
    std::filesystem::copy_file(dir.file("roc.png"), keep, std::filesystem::copy_options::overwrite_existing);
}

TEST(Report, ResultsJsonAndMarkdown) {
  testing::TempDir dir;
  EvalResult r;
  r.name = "lfw";
  r.primary = "accuracy";
  r.metrics = {{"accuracy", 0.25}, {"eer", std::numeric_limits<double>::infinity()}};
  r.markdown = metrics_markdown("lfw", {{"accuracy", 0.25}});
  write_results(dir.file("out"), r);
  EXPECT_EQ(testing::read_file(dir.file("out/results.json")),
            "{\n  \"name\": \"lfw\",\n  \"role\": \"test\",\n  \"primary\": \"accuracy\",\n  \"metrics\": {\n    \"accuracy\": 0.25,\n"
            "    \"eer\": null\n  }\n}\n");
  EXPECT_EQ(testing::read_file(dir.file("out/results.md")), "### lfw\n\n| metric | value |\n|---|---|\n| accuracy | 0.2500 |\n");
}

}  // namespace
}  // namespace facerep::eval
