#include "eval/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "core/atomic_write.h"
#include "core/error.h"
#include "core/text_escape.h"
#include "eval/line_plot.h"

namespace facerep::eval {

namespace {
std::string number(double v) {
  if (!std::isfinite(v)) return v > 0 ? "inf" : (v < 0 ? "-inf" : "nan");
  std::ostringstream os;
  os << std::setprecision(10) << v;
  return os.str();
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
    std::ostringstream out;
    out << "{\n  \"name\": " << core::json_quote(result.name) << ",\n  \"role\": " << core::json_quote(result.role)
        << ",\n  \"primary\": " << core::json_quote(result.primary)
        << ",\n  \"metrics\": {";
    bool first = true;
    for (const auto& [k, v] : result.metrics) {
      // JSON has no inf/nan: write null for them.
      out << (first ? "\n" : ",\n") << "    " << core::json_quote(k) << ": " << core::json_number(v);
      first = false;
    }
    out << "\n  }\n}\n";
    core::write_file_atomic((std::filesystem::path(dir) / "results.json").string(), out.str());
  }
  core::write_file_atomic((std::filesystem::path(dir) / "results.md").string(), result.markdown);
}

void write_roc_csv(const std::string& path, const Roc& roc) {
  std::ostringstream out;
  out << "threshold,far,tar\n";
  for (const auto& p : roc.points) out << number(p.threshold) << "," << number(p.far) << "," << number(p.tar) << "\n";
  core::write_file_atomic(path, out.str());
}

void write_roc_png(const std::string& path, const Roc& roc, const std::string& title) {
  LinePlot plot;
  char head[160];
  std::snprintf(head, sizeof head, "%s  AUC %.4f  EER %.4f", title.c_str(), roc.auc, roc.eer);
  plot.title = head;
  plot.x_label = "false accept rate";
  plot.y_label = "true accept rate";
  plot.log_x = true;
  // From the smallest FAR the negatives can resolve (at most 0.1) to 1.
  const double lo = std::min(-1.0, std::floor(std::log10(1.0 / std::max<int64_t>(roc.negatives, 1))));
  plot.x_range = {std::pow(10.0, lo), 1.0};
  plot.y_range = {0.0, 1.0};
  PlotSeries curve;
  for (const auto& p : roc.points)
    if (p.far > 0) curve.x.push_back(std::max(p.far, plot.x_range->first)), curve.y.push_back(p.tar);
  if (roc.eer > 0) curve.marks.push_back({std::max(roc.eer, plot.x_range->first), 1.0 - roc.eer});
  plot.series.push_back(curve);
  write_plot_png(path, plot);
}

void finish_result(EvalResult& result, const std::vector<std::pair<std::string, double>>& rows,
                   const std::string& title, const EvalContext& ctx) {
  for (const auto& [k, v] : rows) result.metrics[k] = v;
  result.markdown = metrics_markdown(result.role + ": " + title, rows);
  if (!ctx.out_dir.empty()) write_results(ctx.out_dir, result);
}

}  // namespace facerep::eval
