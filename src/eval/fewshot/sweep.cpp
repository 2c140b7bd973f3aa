#include "eval/fewshot/sweep.h"

#include <chrono>
#include <exception>
#include <sstream>

#include "core/error.h"
#include "core/logging.h"
#include "core/progress.h"

namespace facerep::eval::fewshot {

std::vector<CellKey> expand_grid(const SweepGrid& grid) {
  std::vector<CellKey> cells;
  for (const auto& checkpoint : grid.checkpoints)
    for (const auto& task : grid.tasks)
      for (const auto& protocol : grid.protocols)
        for (double amount : grid.amounts)
          for (int seed : grid.seeds) cells.push_back({checkpoint, task, protocol, grid.regime, amount, seed});
  return cells;
}

SweepOutcome run_sweep(const std::vector<CellKey>& cells, const SweepCallbacks& cb, ResultsLog& log, int shard,
                       int shards) {
  FACEREP_CHECK(shards >= 1 && shard >= 0 && shard < shards, "run_sweep: shard must be in [0, shards)");
  FACEREP_CHECK(cb.config_hash && cb.run, "run_sweep: config_hash and run are required");
  const auto report = [&](const std::string& line) { cb.report ? cb.report(line) : core::log_info(line); };
  std::vector<size_t> mine;
  for (size_t i = 0; i < cells.size(); ++i)
    if (static_cast<int>(i % static_cast<size_t>(shards)) == shard) mine.push_back(i);

  SweepOutcome outcome;
  double compute_seconds = 0.0;
  for (size_t done = 0; done < mine.size(); ++done) {
    const CellKey& key = cells[mine[done]];
    const std::string hash = cb.config_hash(key);
    if (log.finished(key, hash)) {
      ++outcome.skipped;
      continue;
    }
    CellRecord record;
    record.key = key;
    record.config_hash = hash;
    const auto start = std::chrono::steady_clock::now();
    try {
      cb.run(key, record);
      record.status = "ok";
    } catch (const std::exception& e) {
      record.status = "failed";
      record.error = e.what();
      record.metrics.clear();
      ++outcome.failed;
    }
    record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    log.append(record);
    ++outcome.ran;
    compute_seconds += record.seconds;
    // ETA from the cells computed in this process (skipped ones cost nothing).
    const size_t left = mine.size() - done - 1;
    std::ostringstream line;
    line << "cell " << (done + 1) << "/" << mine.size() << " " << key.id() << ": ";
    if (record.status == "ok") {
      line << record.primary << " " << (record.metrics.count(record.primary) ? record.metrics.at(record.primary) : 0.0);
    } else {
      line << "FAILED (" << record.error << ")";
    }
    line << " in " << core::format_duration(record.seconds) << ", ETA "
         << core::format_duration(compute_seconds / static_cast<double>(outcome.ran) * static_cast<double>(left));
    report(line.str());
  }
  std::ostringstream end;
  end << "sweep: " << outcome.ran << " cells run (" << outcome.failed << " failed), " << outcome.skipped
      << " already done";
  report(end.str());
  return outcome;
}

}  // namespace facerep::eval::fewshot
