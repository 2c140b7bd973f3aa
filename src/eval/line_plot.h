#pragma once
// Line plots as PNG, drawn with OpenCV (no plotting library on the dev machines): axes, grid,
// tick labels, a title, a legend, one line per series with an optional shaded band (e.g. a 95%
// confidence interval) and optional marked points. The ROC curve of verification reports and the
// few-shot curves (metric against shots or fraction, one line per checkpoint) both use it.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace facerep::eval {

struct PlotSeries {
  std::string label;             // legend entry ("" = not listed)
  std::vector<double> x, y;      // the line, in order of x
  std::vector<double> lo, hi;    // band around y at each x (both empty: no band)
  std::vector<std::pair<double, double>> marks;  // points drawn as dots (e.g. the EER)
};

struct LinePlot {
  std::string title, x_label, y_label;
  bool log_x = false;                              // log10 x axis (x values must be > 0)
  std::optional<std::pair<double, double>> x_range, y_range;  // default: the data's, padded
  std::vector<double> x_ticks;                     // tick positions (default: decades or 5 steps)
  std::vector<PlotSeries> series;
};

// A 640x480 BGR image of `plot`. Throws core::RuntimeError when a series' vectors disagree in
// length or a log axis gets a value <= 0.
cv::Mat render_plot(const LinePlot& plot);
// Renders `plot` and writes it as PNG (creating the folder); RuntimeError naming the path.
void write_plot_png(const std::string& path, const LinePlot& plot);

}  // namespace facerep::eval
