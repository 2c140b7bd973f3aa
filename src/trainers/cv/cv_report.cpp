#include "trainers/cv/cv_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "core/atomic_write.h"
#include "core/text_escape.h"

namespace facerep::trainers {
namespace fs = std::filesystem;

MeanStd mean_std(const std::vector<double>& values) {
  MeanStd s;
  double sum = 0.0;
  for (double v : values)
    if (std::isfinite(v)) sum += v, ++s.n;
  if (s.n == 0) return s;
  s.mean = sum / s.n;
  if (s.n < 2) return s;
  double sq = 0.0;
  for (double v : values)
    if (std::isfinite(v)) sq += (v - s.mean) * (v - s.mean);
  s.std = std::sqrt(sq / (s.n - 1));
  return s;
}

std::vector<CvFoldResult> read_cv_results(const CvPlan& plan) {
  std::vector<CvFoldResult> out;
  for (const auto& job : plan.jobs)
    if (auto r = read_cv_fold_result(job.dir)) out.push_back(*r);
  return out;
}

namespace {
std::string fixed(double v) {
  if (!std::isfinite(v)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

std::string cell(const MeanStd& s) {
  if (s.n == 0) return "—";
  if (s.n == 1) return fixed(s.mean) + " (1)";
  return fixed(s.mean) + " ± " + fixed(s.std) + " (" + std::to_string(s.n) + ")";
}

// Values of `metric` for `variant`, over its records.
std::vector<double> values(const std::vector<CvFoldResult>& results, const std::string& variant,
                           const std::string& metric) {
  std::vector<double> out;
  for (const auto& r : results) {
    if (r.variant != variant) continue;
    const auto it = r.metrics.find(metric);
    if (it != r.metrics.end()) out.push_back(it->second);
  }
  return out;
}
}  // namespace

std::string write_cv_report(const std::string& cv_dir, const CvPlan& plan, const std::vector<CvFoldResult>& results) {
  std::set<std::string> metric_set;
  for (const auto& r : results)
    for (const auto& kv : r.metrics) metric_set.insert(kv.first);
  const std::vector<std::string> metrics(metric_set.begin(), metric_set.end());
  std::vector<const CvJob*> missing;
  for (const auto& job : plan.jobs) {
    const bool found = std::any_of(results.begin(), results.end(), [&](const CvFoldResult& r) {
      return r.variant == job.variant && r.seed == job.seed && r.fold == job.fold;
    });
    if (!found) missing.push_back(&job);
  }
  const std::string over = plan.seeds_listed ? "folds × seeds" : "folds";

  // ---- cv.json ----
  std::ostringstream js;
  js << "{\n  \"folds\": " << plan.folds << ",\n  \"seeds\": [";
  for (size_t i = 0; i < plan.seeds.size(); ++i) js << (i ? ", " : "") << plan.seeds[i];
  js << "],\n  \"aggregated_over\": " << core::json_quote(plan.seeds_listed ? "folds x seeds" : "folds")
     << ",\n  \"variants\": [";
  for (size_t i = 0; i < plan.variants.size(); ++i) js << (i ? ", " : "") << core::json_quote(plan.variants[i]);
  js << "],\n  \"runs\": [";
  for (size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    js << (i ? ",\n" : "\n") << "    {\"variant\": " << core::json_quote(r.variant) << ", \"seed\": " << r.seed
       << ", \"fold\": " << r.fold << ", \"checkpoint\": " << core::json_quote(r.checkpoint) << ", \"metrics\": {";
    bool first = true;
    for (const auto& [k, v] : r.metrics) {
      js << (first ? "" : ", ") << core::json_quote(k) << ": " << core::json_number(v);
      first = false;
    }
    js << "}}";
  }
  js << "\n  ],\n  \"summary\": {";
  for (size_t vi = 0; vi < plan.variants.size(); ++vi) {
    js << (vi ? ",\n" : "\n") << "    " << core::json_quote(plan.variants[vi]) << ": {";
    bool first = true;
    for (const auto& m : metrics) {
      const MeanStd s = mean_std(values(results, plan.variants[vi], m));
      if (s.n == 0) continue;
      js << (first ? "\n" : ",\n") << "      " << core::json_quote(m) << ": {\"mean\": " << core::json_number(s.mean)
         << ", \"std\": " << (s.n < 2 ? std::string("null") : core::json_number(s.std)) << ", \"n\": " << s.n << "}";
      first = false;
    }
    js << (first ? "}" : "\n    }");
  }
  js << "\n  },\n  \"missing\": [";
  for (size_t i = 0; i < missing.size(); ++i)
    js << (i ? ", " : "") << "{\"variant\": " << core::json_quote(missing[i]->variant)
       << ", \"seed\": " << missing[i]->seed << ", \"fold\": " << missing[i]->fold << "}";
  js << "]\n}\n";

  // ---- cv.md ----
  std::ostringstream md;
  md << "# Subject-exclusive cross-validation\n\n"
     << plan.folds << " folds × " << plan.seeds.size() << (plan.seeds.size() == 1 ? " seed" : " seeds")
     << ", " << plan.variants.size() << (plan.variants.size() == 1 ? " variant" : " variants")
     << ". Every number is a test metric on the test fold's subjects, of the checkpoint chosen on validation "
        "subjects (best.ckpt; last.ckpt where none was chosen).\n\n";
  md << "## Variants side by side: mean ± std over " << over << " (n)\n\n| metric |";
  for (const auto& v : plan.variants) md << " " << v << " |";
  md << "\n|---|";
  for (size_t i = 0; i < plan.variants.size(); ++i) md << "---|";
  md << "\n";
  for (const auto& m : metrics) {
    md << "| " << m << " |";
    for (const auto& v : plan.variants) md << " " << cell(mean_std(values(results, v, m))) << " |";
    md << "\n";
  }
  md << "\n## Per fold\n";
  for (const auto& v : plan.variants) {
    md << "\n### " << v << "\n\n| fold |" << (plan.seeds_listed ? " seed |" : "") << " checkpoint |";
    for (const auto& m : metrics) md << " " << m << " |";
    md << "\n|---|" << (plan.seeds_listed ? "---|" : "") << "---|";
    for (size_t i = 0; i < metrics.size(); ++i) md << "---|";
    md << "\n";
    for (const auto& r : results) {
      if (r.variant != v) continue;
      md << "| " << r.fold << " |" << (plan.seeds_listed ? " " + std::to_string(r.seed) + " |" : "") << " "
         << r.checkpoint << " |";
      for (const auto& m : metrics) {
        const auto it = r.metrics.find(m);
        md << " " << (it == r.metrics.end() ? "—" : fixed(it->second)) << " |";
      }
      md << "\n";
    }
  }
  if (!missing.empty()) {
    md << "\n## Not finished\n\n";
    for (const auto* j : missing)
      md << "- " << j->variant << (plan.seeds_listed ? ", seed " + std::to_string(j->seed) : "") << ", fold "
         << j->fold << " (" << j->dir << ")\n";
  }
  fs::create_directories(cv_dir);
  core::write_file_atomic((fs::path(cv_dir) / "cv.json").string(), js.str());
  core::write_file_atomic((fs::path(cv_dir) / "cv.md").string(), md.str());
  return md.str();
}

}  // namespace facerep::trainers
