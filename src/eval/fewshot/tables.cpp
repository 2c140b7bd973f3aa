#include "eval/fewshot/tables.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "core/atomic_write.h"
#include "core/error.h"
#include "core/text_escape.h"
#include "eval/fewshot/metrics.h"
#include "eval/line_plot.h"

namespace facerep::eval::fewshot {
namespace {
namespace fs = std::filesystem;

std::string fixed(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Seeds of one (encoder, task, protocol, regime, amount), in first-seen order of each axis.
struct Group {
  std::string primary;
  std::vector<double> values;
};
using GroupKey = std::tuple<std::string, std::string, std::string, std::string, double>;

template <class T>
void add_unique(std::vector<T>& v, const T& x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

}  // namespace

std::string write_sweep_tables(const std::string& dir, const std::vector<CellRecord>& records,
                               const std::vector<CellRecord>& failed) {
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "plots", ec);

  // results.csv: the key, then every metric any cell reported.
  std::set<std::string> metric_names;
  for (const auto& r : records)
    for (const auto& [k, v] : r.metrics) metric_names.insert(k);
  std::ostringstream csv;
  csv << "encoder,task,protocol,regime,amount,seed,primary,seconds,config_hash";
  for (const auto& m : metric_names) csv << "," << m;
  csv << "\n";
  for (const auto& r : records) {
    csv << core::csv_field(r.key.checkpoint) << "," << r.key.task << "," << r.key.protocol << "," << r.key.regime << ","
        << r.key.amount << "," << r.key.seed << "," << r.primary << "," << fixed(r.seconds, 3) << "," << r.config_hash;
    for (const auto& m : metric_names) {
      csv << ",";
      if (r.metrics.count(m)) csv << r.metrics.at(m);
    }
    csv << "\n";
  }
  core::write_file_atomic((fs::path(dir) / "results.csv").string(), csv.str());

  std::map<GroupKey, Group> groups;
  std::vector<std::string> encoders, tasks, protocols;
  std::vector<double> amounts;
  std::string regime = records.empty() ? "shots" : records.front().key.regime;
  for (const auto& r : records) {
    const CellKey& k = r.key;
    Group& g = groups[{k.checkpoint, k.task, k.protocol, k.regime, k.amount}];
    g.primary = r.primary;
    if (r.metrics.count(r.primary)) g.values.push_back(r.metrics.at(r.primary));
    add_unique(encoders, k.checkpoint), add_unique(tasks, k.task), add_unique(protocols, k.protocol);
    add_unique(amounts, k.amount);
  }
  std::sort(amounts.begin(), amounts.end());

  std::ostringstream md;
  md << "# Few-shot sweep\n\nEach cell: the test metric's mean ± 95% confidence half-width over seeds (n seeds). "
     << "Hyper-parameters (weight decay, thresholds) were chosen on validation splits of the few-shot training "
        "data; the test part never influenced a choice.\n";
  for (const auto& task : tasks) {
    for (const auto& protocol : protocols) {
      std::string primary;
      LinePlot plot;
      plot.log_x = regime == "shots";
      plot.x_label = regime == "shots" ? "images per identity" : "fraction of the training pool";
      std::ostringstream table;
      table << "| encoder |";
      for (double a : amounts) table << " " << (regime == "shots" ? fixed(a, 0) + "-shot" : fixed(a, 3)) << " |";
      table << "\n|---|";
      for (size_t i = 0; i < amounts.size(); ++i) table << "---|";
      table << "\n";
      bool any = false;
      for (const auto& enc : encoders) {
        PlotSeries series;
        series.label = enc;
        table << "| " << enc << " |";
        for (double a : amounts) {
          auto it = groups.find({enc, task, protocol, regime, a});
          if (it == groups.end() || it->second.values.empty()) {
            table << " – |";
            continue;
          }
          any = true;
          primary = it->second.primary;
          const SeedSummary s = summarize(it->second.values);
          table << " " << fixed(s.mean, 3) << " ± " << fixed(s.ci95, 3) << " (" << s.n << ") |";
          series.x.push_back(a), series.y.push_back(s.mean);
          series.lo.push_back(s.mean - s.ci95), series.hi.push_back(s.mean + s.ci95);
        }
        table << "\n";
        if (!series.x.empty()) plot.series.push_back(series);
      }
      if (!any) continue;
      md << "\n## " << task << ", " << protocol << ": " << primary << "\n\n" << table.str();
      plot.title = task + ", " + protocol;
      plot.y_label = primary;
      plot.x_ticks = amounts;
      write_plot_png((fs::path(dir) / "plots" / (task + "-" + protocol + ".png")).string(), plot);
    }
  }
  if (!failed.empty()) {
    md << "\n## Failed cells\n\n| cell | error |\n|---|---|\n";
    for (const auto& f : failed) md << "| " << f.key.id() << " | " << f.error << " |\n";
  }
  core::write_file_atomic((fs::path(dir) / "results.md").string(), md.str());
  return md.str();
}

}  // namespace facerep::eval::fewshot
