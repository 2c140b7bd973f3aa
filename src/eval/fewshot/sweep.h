#pragma once
// Running a grid of few-shot cells: skips the cells the log already holds (same key, same config
// hash), runs the rest in grid order, records each as ok or failed (a failing cell never stops
// the sweep) and prints a progress line with an ETA. What a cell computes is the caller's
// function, so the same runner serves `facerep fewshot` (one cell) and `facerep sweep`.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "eval/fewshot/results_log.h"

namespace facerep::eval::fewshot {

// The axes of a sweep; every combination is a cell.
struct SweepGrid {
  std::vector<std::string> checkpoints, tasks, protocols;
  std::string regime = "shots";   // "shots" or "fraction"
  std::vector<double> amounts;    // shots per class, or fractions
  std::vector<int> seeds;
};

// The cells of `grid`, checkpoint-major (so a checkpoint's embeddings are reused by consecutive
// cells), then task, protocol, amount, seed.
std::vector<CellKey> expand_grid(const SweepGrid& grid);

struct SweepCallbacks {
  // The hash of everything that decides a cell's numbers (its resolved config).
  std::function<std::string(const CellKey&)> config_hash;
  // Computes a cell: fills primary and metrics. Throwing marks the cell failed.
  std::function<void(const CellKey&, CellRecord&)> run;
  // Progress lines ("" = print through the logger).
  std::function<void(const std::string&)> report;
};

struct SweepOutcome {
  int64_t ran = 0, skipped = 0, failed = 0;
};

// Runs the cells of `cells` whose index i has i % shards == shard (processes splitting a sweep
// share one log: each line is one O_APPEND write).
SweepOutcome run_sweep(const std::vector<CellKey>& cells, const SweepCallbacks& callbacks, ResultsLog& log,
                       int shard = 0, int shards = 1);

}  // namespace facerep::eval::fewshot
