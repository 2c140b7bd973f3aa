#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

#include "eval/fewshot/sweep.h"
#include "test_support.h"

namespace facerep::eval::fewshot {
namespace {

SweepGrid grid() {
  SweepGrid g;
  g.checkpoints = {"mae", "random_init"};
  g.tasks = {"identity"};
  g.protocols = {"linear", "knn"};
  g.amounts = {1, 5};
  g.seeds = {0, 1};
  return g;
}

struct Killed {};  // not a std::exception: escapes run_sweep as a kill would end it

TEST(FewShotSweep, GridIsCheckpointMajorAndComplete) {
  const auto cells = expand_grid(grid());
  ASSERT_EQ(cells.size(), 16u);
  EXPECT_EQ(cells[0].id(), "mae/identity/linear/shots=1/seed=0");
  EXPECT_EQ(cells[1].id(), "mae/identity/linear/shots=1/seed=1");
  EXPECT_EQ(cells[8].checkpoint, "random_init");
  std::set<std::string> ids;
  for (const auto& c : cells) ids.insert(c.id());
  EXPECT_EQ(ids.size(), 16u);
}

TEST(FewShotSweep, AKilledSweepResumesWithoutRedoingFinishedCellsAndRetriesFailedOnes) {
  testing::TempDir dir;
  const auto cells = expand_grid(grid());
  std::vector<std::string> ran;
  SweepCallbacks cb;
  cb.config_hash = [](const CellKey& k) { return config_hash(k.id()); };
  cb.report = [](const std::string&) {};
  cb.run = [&](const CellKey& k, CellRecord& r) {
    if (ran.size() == 6) throw Killed{};
    ran.push_back(k.id());
    if (ran.size() == 2) throw std::runtime_error("shots 1 > nothing");
    r.primary = "accuracy";
    r.metrics["accuracy"] = 0.5;
  };
  {
    ResultsLog log(dir.file("results.jsonl"));
    EXPECT_THROW(run_sweep(cells, cb, log), Killed);
  }
  ASSERT_EQ(ran.size(), 6u);
  const std::string failed_cell = ran[1];
  ran.clear();
  cb.run = [&](const CellKey& k, CellRecord& r) {
    ran.push_back(k.id());
    r.primary = "accuracy";
    r.metrics["accuracy"] = 0.75;
  };
  ResultsLog log(dir.file("results.jsonl"));
  EXPECT_EQ(log.records()[1].status, "failed");
  EXPECT_EQ(log.records()[1].error, "shots 1 > nothing");
  const SweepOutcome again = run_sweep(cells, cb, log);
  EXPECT_EQ(again.skipped, 5);  // six ran, one of them failed
  EXPECT_EQ(again.ran, 11);
  EXPECT_EQ(again.failed, 0);
  EXPECT_EQ(ran.front(), failed_cell) << "the failed cell runs again, first in grid order";
  EXPECT_EQ(log.latest_ok().size(), 16u);
  // A changed config invalidates every cell.
  cb.config_hash = [](const CellKey& k) { return config_hash("v2 " + k.id()); };
  ran.clear();
  EXPECT_EQ(run_sweep(cells, cb, log).ran, 16);
}

TEST(FewShotSweep, ShardsSplitTheGridWithoutOverlap) {
  testing::TempDir dir;
  const auto cells = expand_grid(grid());
  std::multiset<std::string> ran;
  SweepCallbacks cb;
  cb.config_hash = [](const CellKey& k) { return config_hash(k.id()); };
  cb.report = [](const std::string&) {};
  cb.run = [&](const CellKey& k, CellRecord& r) {
    ran.insert(k.id());
    r.primary = "accuracy";
  };
  ResultsLog a(dir.file("results.jsonl"));
  run_sweep(cells, cb, a, 0, 3);
  ResultsLog b(dir.file("results.jsonl"));
  run_sweep(cells, cb, b, 1, 3);
  run_sweep(cells, cb, b, 2, 3);
  EXPECT_EQ(ran.size(), 16u);
  EXPECT_EQ(std::set<std::string>(ran.begin(), ran.end()).size(), 16u);
  EXPECT_EQ(ResultsLog(dir.file("results.jsonl")).latest_ok().size(), 16u);
}

}  // namespace
}  // namespace facerep::eval::fewshot
