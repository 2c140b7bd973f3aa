#include "eval/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace facerep::eval {

namespace {
std::ofstream open_out(const std::string& path) {
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::ofstream out(path);
  if (!out) throw core::RuntimeError("cannot write " + path);
  return out;
}

std::string number(double v) {
  if (!std::isfinite(v)) return v > 0 ? "inf" : (v < 0 ? "-inf" : "nan");
  std::ostringstream os;
  os << std::setprecision(10) << v;
  return os.str();
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}
}  // namespace

std::string metrics_markdown(const std::string& title, const std::vector<std::pair<std::string, double>>& rows) {
  std::ostringstream os;
  os << "### " << title << "\n\n| metric | value |\n|---|---|\n";
  for (const auto& [name, value] : rows) os << "| " << name << " | " << std::fixed << std::setprecision(4) << value << " |\n";
  return os.str();
}

void write_results(const std::string& dir, const EvalResult& result) {
  {
    std::ofstream out = open_out((std::filesystem::path(dir) / "results.json").string());
    out << "{\n  \"name\": " << json_string(result.name) << ",\n  \"role\": " << json_string(result.role)
        << ",\n  \"primary\": " << json_string(result.primary)
        << ",\n  \"metrics\": {";
    bool first = true;
    for (const auto& [k, v] : result.metrics) {
      // JSON has no inf/nan: write null for them.
      out << (first ? "\n" : ",\n") << "    " << json_string(k) << ": " << (std::isfinite(v) ? number(v) : "null");
      first = false;
    }
    out << "\n  }\n}\n";
  }
  std::ofstream md = open_out((std::filesystem::path(dir) / "results.md").string());
  md << result.markdown;
}

void write_roc_csv(const std::string& path, const Roc& roc) {
  std::ofstream out = open_out(path);
  out << "threshold,far,tar\n";
  for (const auto& p : roc.points) out << number(p.threshold) << "," << number(p.far) << "," << number(p.tar) << "\n";
}

void write_roc_png(const std::string& path, const Roc& roc, const std::string& title) {
  const int w = 640, h = 480, left = 70, right = 20, top = 40, bottom = 60;
  cv::Mat img(h, w, CV_8UC3, cv::Scalar(255, 255, 255));
  const double min_exp = std::floor(std::log10(1.0 / std::max<int64_t>(roc.negatives, 1)));
  const double lo = std::min(-1.0, min_exp);
  auto x_of = [&](double far) {
    const double e = std::log10(std::max(far, std::pow(10.0, lo)));
    return left + static_cast<int>((e - lo) / (0.0 - lo) * (w - left - right));
  };
  auto y_of = [&](double tar) { return h - bottom - static_cast<int>(tar * (h - top - bottom)); };
  const cv::Scalar grid(220, 220, 220), ink(0, 0, 0), curve(200, 80, 0);
  const int font = cv::FONT_HERSHEY_SIMPLEX;
  for (int e = static_cast<int>(lo); e <= 0; ++e) {
    const int x = x_of(std::pow(10.0, e));
    cv::line(img, {x, top}, {x, h - bottom}, grid);
    cv::putText(img, "1e" + std::to_string(e), {x - 16, h - bottom + 18}, font, 0.4, ink, 1, cv::LINE_AA);
  }
  for (int i = 0; i <= 10; i += 2) {
    const int y = y_of(i / 10.0);
    cv::line(img, {left, y}, {w - right, y}, grid);
    char buf[8];
    std::snprintf(buf, sizeof buf, "%.1f", i / 10.0);
    cv::putText(img, buf, {left - 32, y + 4}, font, 0.4, ink, 1, cv::LINE_AA);
  }
  cv::rectangle(img, {left, top}, {w - right, h - bottom}, ink);
  std::vector<cv::Point> pts;
  for (const auto& p : roc.points)
    if (p.far > 0) pts.push_back({x_of(p.far), y_of(p.tar)});
  if (pts.size() >= 2) cv::polylines(img, pts, false, curve, 2, cv::LINE_AA);
  if (roc.eer > 0) cv::circle(img, {x_of(roc.eer), y_of(1.0 - roc.eer)}, 4, cv::Scalar(0, 0, 220), -1, cv::LINE_AA);
  cv::putText(img, "false accept rate (log scale)", {left + 170, h - 18}, font, 0.5, ink, 1, cv::LINE_AA);
  // Vertical y label: draw horizontally on a strip and rotate it.
  cv::Mat label(20, 200, CV_8UC3, cv::Scalar(255, 255, 255));
  cv::putText(label, "true accept rate", {30, 15}, font, 0.5, ink, 1, cv::LINE_AA);
  cv::rotate(label, label, cv::ROTATE_90_COUNTERCLOCKWISE);
  label.copyTo(img(cv::Rect(4, top + (h - top - bottom - 200) / 2, label.cols, label.rows)));
  char head[160];
  std::snprintf(head, sizeof head, "%s  AUC %.4f  EER %.4f", title.c_str(), roc.auc, roc.eer);
  cv::putText(img, head, {left, 25}, font, 0.5, ink, 1, cv::LINE_AA);
  const auto parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (!cv::imwrite(path, img)) throw core::RuntimeError("cannot write " + path);
}

void finish_result(EvalResult& result, const std::vector<std::pair<std::string, double>>& rows,
                   const std::string& title, const EvalContext& ctx) {
  for (const auto& [k, v] : rows) result.metrics[k] = v;
  result.markdown = metrics_markdown(result.role + ": " + title, rows);
  if (!ctx.out_dir.empty()) write_results(ctx.out_dir, result);
}

}  // namespace facerep::eval
