#include "eval/line_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "data/formats/image_io.h"

namespace facerep::eval {
namespace {

constexpr int kWidth = 640, kHeight = 480, kLeft = 70, kRight = 20, kTop = 40, kBottom = 60;
constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;
const cv::Scalar kInk(0, 0, 0), kGrid(220, 220, 220), kWhite(255, 255, 255);

// Distinct, print-friendly line colours (BGR), cycled.
cv::Scalar series_colour(size_t i) {
  static const cv::Scalar palette[] = {{180, 119, 31}, {14, 127, 255}, {44, 160, 44}, {40, 39, 214},
                                       {189, 103, 148}, {75, 86, 140},  {194, 119, 227}, {127, 127, 127}};
  return palette[i % (sizeof palette / sizeof palette[0])];
}

std::string tick_text(double v) {
  char buf[32];
  if (v != 0 && (std::fabs(v) >= 1e4 || std::fabs(v) < 1e-2)) std::snprintf(buf, sizeof buf, "%.0e", v);
  else std::snprintf(buf, sizeof buf, "%g", std::round(v * 1000) / 1000);
  return buf;
}

// The range of every value of `pick` over all series, padded by 5% (a flat range gets +-0.5).
std::pair<double, double> data_range(const LinePlot& plot, bool x_axis) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const auto& s : plot.series) {
    for (const auto* v : x_axis ? std::vector<const std::vector<double>*>{&s.x}
                                : std::vector<const std::vector<double>*>{&s.y, &s.lo, &s.hi})
      for (double d : *v) lo = std::min(lo, d), hi = std::max(hi, d);
    for (const auto& [mx, my] : s.marks) {
      const double d = x_axis ? mx : my;
      lo = std::min(lo, d), hi = std::max(hi, d);
    }
  }
  if (!std::isfinite(lo)) return {0.0, 1.0};
  if (x_axis && plot.log_x) return {lo, hi > lo ? hi : lo * 10};
  if (hi - lo < 1e-12) return {lo - 0.5, hi + 0.5};
  const double pad = 0.05 * (hi - lo);
  return {lo - pad, hi + pad};
}

void check_series(const LinePlot& plot) {
  for (const auto& s : plot.series) {
    FACEREP_CHECK(s.x.size() == s.y.size(), "plot series '" + s.label + "': x and y differ in length");
    FACEREP_CHECK((s.lo.empty() && s.hi.empty()) || (s.lo.size() == s.x.size() && s.hi.size() == s.x.size()),
                  "plot series '" + s.label + "': band lengths differ from the line's");
    if (plot.log_x) {
      for (double x : s.x) FACEREP_CHECK(x > 0, "plot series '" + s.label + "': log x axis needs x > 0");
      for (const auto& m : s.marks) FACEREP_CHECK(m.first > 0, "plot series '" + s.label + "': log x axis needs x > 0");
    }
  }
}

}  // namespace

cv::Mat render_plot(const LinePlot& plot) {
  check_series(plot);
  const auto [x0, x1] = plot.x_range ? *plot.x_range : data_range(plot, true);
  const auto [y0, y1] = plot.y_range ? *plot.y_range : data_range(plot, false);
  FACEREP_CHECK(!plot.log_x || x0 > 0, "plot: log x axis needs a positive range");
  auto axis_x = [&](double x) { return plot.log_x ? std::log10(x) : x; };
  const double ax0 = axis_x(x0), ax1 = axis_x(x1) > ax0 ? axis_x(x1) : ax0 + 1;
  auto px = [&](double x) {
    const double t = (axis_x(std::max(x, plot.log_x ? x0 : -HUGE_VAL)) - ax0) / (ax1 - ax0);
    return kLeft + static_cast<int>(std::lround(t * (kWidth - kLeft - kRight)));
  };
  auto py = [&](double y) {
    const double t = (y - y0) / (y1 > y0 ? y1 - y0 : 1.0);
    return kHeight - kBottom - static_cast<int>(std::lround(t * (kHeight - kTop - kBottom)));
  };
  cv::Mat img(kHeight, kWidth, CV_8UC3, kWhite);

  std::vector<double> xt = plot.x_ticks;
  if (xt.empty()) {
    if (plot.log_x)
      for (int e = static_cast<int>(std::ceil(ax0 - 1e-9)); e <= static_cast<int>(std::floor(ax1 + 1e-9)); ++e)
        xt.push_back(std::pow(10.0, e));
    else
      for (int i = 0; i <= 4; ++i) xt.push_back(x0 + (x1 - x0) * i / 4.0);
  }
  for (double x : xt) {
    const int p = px(x);
    cv::line(img, {p, kTop}, {p, kHeight - kBottom}, kGrid);
    const std::string t = tick_text(x);
    cv::putText(img, t, {p - 4 * static_cast<int>(t.size()), kHeight - kBottom + 18}, kFont, 0.4, kInk, 1, cv::LINE_AA);
  }
  for (int i = 0; i <= 5; ++i) {
    const double y = y0 + (y1 - y0) * i / 5.0;
    const int p = py(y);
    cv::line(img, {kLeft, p}, {kWidth - kRight, p}, kGrid);
    cv::putText(img, tick_text(y), {kLeft - 45, p + 4}, kFont, 0.4, kInk, 1, cv::LINE_AA);
  }

  // Bands first (blended), so lines and dots stay on top.
  for (size_t k = 0; k < plot.series.size(); ++k) {
    const PlotSeries& s = plot.series[k];
    if (s.lo.empty() || s.x.size() < 1) continue;
    std::vector<cv::Point> poly;
    for (size_t i = 0; i < s.x.size(); ++i) poly.push_back({px(s.x[i]), py(s.hi[i])});
    for (size_t i = s.x.size(); i-- > 0;) poly.push_back({px(s.x[i]), py(s.lo[i])});
    cv::Mat layer = img.clone();
    cv::fillPoly(layer, std::vector<std::vector<cv::Point>>{poly}, series_colour(k), cv::LINE_AA);
    cv::addWeighted(layer, 0.25, img, 0.75, 0.0, img);
  }
  for (size_t k = 0; k < plot.series.size(); ++k) {
    const PlotSeries& s = plot.series[k];
    std::vector<cv::Point> pts;
    for (size_t i = 0; i < s.x.size(); ++i) pts.push_back({px(s.x[i]), py(s.y[i])});
    if (pts.size() >= 2) cv::polylines(img, pts, false, series_colour(k), 2, cv::LINE_AA);
    if (pts.size() <= 12)
      for (const auto& p : pts) cv::circle(img, p, 3, series_colour(k), -1, cv::LINE_AA);
    for (const auto& [mx, my] : s.marks) cv::circle(img, {px(mx), py(my)}, 4, cv::Scalar(0, 0, 220), -1, cv::LINE_AA);
  }
  cv::rectangle(img, {kLeft, kTop}, {kWidth - kRight, kHeight - kBottom}, kInk);

  int legend_y = kTop + 16;
  for (size_t k = 0; k < plot.series.size(); ++k) {
    if (plot.series[k].label.empty()) continue;
    cv::line(img, {kLeft + 10, legend_y - 4}, {kLeft + 30, legend_y - 4}, series_colour(k), 2, cv::LINE_AA);
    cv::putText(img, plot.series[k].label, {kLeft + 36, legend_y}, kFont, 0.4, kInk, 1, cv::LINE_AA);
    legend_y += 16;
  }
  cv::putText(img, plot.x_label + (plot.log_x ? " (log scale)" : ""), {kLeft + 150, kHeight - 18}, kFont, 0.5, kInk,
              1, cv::LINE_AA);
  // Vertical y label: drawn on a strip, then rotated.
  cv::Mat label(20, 200, CV_8UC3, kWhite);
  cv::putText(label, plot.y_label, {10, 15}, kFont, 0.5, kInk, 1, cv::LINE_AA);
  cv::rotate(label, label, cv::ROTATE_90_COUNTERCLOCKWISE);
  label.copyTo(img(cv::Rect(4, kTop + (kHeight - kTop - kBottom - 200) / 2, label.cols, label.rows)));
  cv::putText(img, plot.title, {kLeft, 25}, kFont, 0.5, kInk, 1, cv::LINE_AA);
  return img;
}

void write_plot_png(const std::string& path, const LinePlot& plot) {
  const cv::Mat img = render_plot(plot);
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  data::write_image(path, img);
}

}  // namespace facerep::eval
