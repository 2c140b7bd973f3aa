#pragma once
// What a sweep writes from its log: results.csv (one row per cell), results.md (the primary
// metric's mean ± 95% CI over seeds, per task: encoders x protocols against shots or fractions)
// and one PNG per task and protocol (the metric against shots or fraction, one line per encoder,
// CI bands).
#include <string>
#include <vector>

#include "eval/fewshot/results_log.h"

namespace facerep::eval::fewshot {

// Writes results.csv, results.md and plots/<task>-<protocol>.png under `dir` from `records`
// (the latest ok record of each cell, e.g. ResultsLog::latest_ok()); `failed` lists the cells
// whose latest record failed, reported in results.md with their errors. Returns results.md's text.
std::string write_sweep_tables(const std::string& dir, const std::vector<CellRecord>& records,
                               const std::vector<CellRecord>& failed);

}  // namespace facerep::eval::fewshot
