#include <gtest/gtest.h>

#include <cmath>

#include <opencv2/core.hpp>

#include "core/error.h"
#include "eval/line_plot.h"

namespace facerep::eval {
namespace {

// The plot area of render_plot: 70 px left, 20 right, 40 top, 60 bottom of 640x480.
int px_log(double x) { return 70 + static_cast<int>(std::lround(std::log10(x) * 550)); }
int py(double y) { return 420 - static_cast<int>(std::lround(y * 380)); }

LinePlot shots_plot() {
  LinePlot plot;
  plot.title = "identity 5-way";
  plot.x_label = "shots";
  plot.y_label = "accuracy";
  plot.log_x = true;
  plot.x_range = {1.0, 10.0};
  plot.y_range = {0.0, 1.0};
  plot.x_ticks = {1, 2, 5, 10};
  PlotSeries a;
  a.label = "mae";
  a.x = {1, 2, 5, 10};
  a.y = {0.2, 0.4, 0.6, 0.8};
  for (double y : a.y) a.lo.push_back(y - 0.1), a.hi.push_back(y + 0.1);
  plot.series.push_back(a);
  return plot;
}

TEST(LinePlot, DrawsTheLineAndItsBandWhereTheAxesSay) {
  const cv::Mat img = render_plot(shots_plot());
  ASSERT_EQ(img.rows, 480);
  ASSERT_EQ(img.cols, 640);
  // The line at x = 3 (between the points at 2 and 5, straight in log x) and the band 0.06 below.
  const double t = (std::log10(3.0) - std::log10(2.0)) / (std::log10(5.0) - std::log10(2.0));
  const double y_line = 0.4 + 0.2 * t;
  const cv::Vec3b on_line = img.at<cv::Vec3b>(py(y_line), px_log(3.0));
  EXPECT_NEAR(on_line[0], 180, 40) << "the first series' colour (BGR 180,119,31)";
  EXPECT_NEAR(on_line[2], 31, 40);
  const cv::Vec3b in_band = img.at<cv::Vec3b>(py(y_line - 0.06), px_log(3.0));
  // A quarter of the colour over white: (236, 221, 199).
  EXPECT_NEAR(in_band[0], 236, 4);
  EXPECT_NEAR(in_band[1], 221, 4);
  EXPECT_NEAR(in_band[2], 199, 4);
  const cv::Vec3b outside = img.at<cv::Vec3b>(py(0.75), px_log(1.5));
  EXPECT_EQ(outside, cv::Vec3b(255, 255, 255));
}

TEST(LinePlot, RejectsMismatchedSeriesAndNonPositiveLogValues) {
  LinePlot bad = shots_plot();
  bad.series[0].y.pop_back();
  EXPECT_THROW(render_plot(bad), core::RuntimeError);
  LinePlot zero = shots_plot();
  zero.series[0].x[0] = 0.0;
  EXPECT_THROW(render_plot(zero), core::RuntimeError);
}

}  // namespace
}  // namespace facerep::eval
