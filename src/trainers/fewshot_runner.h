#pragma once
// Runs a few-shot sweep end to end: loads every encoder and checks the whole request before the
// first cell (a checkpoint that does not fit its model, a task whose labels the data lacks, shots
// above the smallest identity), extracts each encoder's features once (cached under
// <out>/features), runs the grid through eval::fewshot::run_sweep (finished cells skipped, failed
// ones recorded) and writes results.csv, results.md and the plots.
#include <string>
#include <vector>

#include "eval/fewshot/results_log.h"
#include "trainers/fewshot_config.h"

namespace facerep::trainers {

struct FewshotRunOptions {
  int shard = 0, shards = 1;
  // Only this encoder's cells ("" = every encoder; `facerep fewshot` narrows to one cell).
  std::string encoder;
};

struct FewshotRunResult {
  std::string out_dir;
  int64_t ran = 0, skipped = 0, failed = 0;
  std::string markdown;  // results.md
};

FewshotRunResult run_fewshot(const FewshotConfig& config, const FewshotRunOptions& options = {});

}  // namespace facerep::trainers
