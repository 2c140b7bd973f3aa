#pragma once
// Writing evaluation results: results.json, results.md, and the ROC as CSV and a PNG plot.
#include <string>
#include <utility>
#include <vector>

#include "eval/evaluator.h"
#include "eval/verification_metrics.h"

namespace facerep::eval {

// A Markdown table of the metrics, in the given order (name, value) with a title line.
std::string metrics_markdown(const std::string& title, const std::vector<std::pair<std::string, double>>& rows);

// Writes <dir>/results.json ({"name", "role", "primary", "metrics": {...}}) and <dir>/results.md.
// Creates the folder. Throws core::RuntimeError naming the file when it cannot write.
void write_results(const std::string& dir, const EvalResult& result);

// Fills `result`'s metrics and Markdown table (titled "<role>: <title>") from `rows` and writes
// them to ctx.out_dir (when set).
void finish_result(EvalResult& result, const std::vector<std::pair<std::string, double>>& rows,
                   const std::string& title, const EvalContext& ctx);

// threshold,far,tar per line (header first), the +inf start point written as "inf".
void write_roc_csv(const std::string& path, const Roc& roc);
// TAR against FAR on a log10 x axis (from the smallest resolvable FAR to 1), with axes, grid
// lines, tick labels, a title and the EER point.
void write_roc_png(const std::string& path, const Roc& roc, const std::string& title);

}  // namespace facerep::eval
