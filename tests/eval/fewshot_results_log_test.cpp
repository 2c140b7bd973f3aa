#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "core/error.h"
#include "eval/fewshot/results_log.h"
#include "test_support.h"

namespace facerep::eval::fewshot {
namespace {

CellRecord record(int seed, const std::string& status, double accuracy) {
  CellRecord r;
  r.key = {"mae", "identity", "linear", "shots", 5, seed};
  r.config_hash = config_hash("cell config " + std::to_string(seed));
  r.status = status;
  if (status != "ok") r.error = "shots 5 > the 3 images of class \"b\"";
  r.primary = "accuracy";
  r.metrics = {{"accuracy", accuracy}, {"ci", std::nan("")}};
  r.seconds = 1.25;
  return r;
}

TEST(FewShotResultsLog, RecordsReadBackAndSayWhichCellsAreDone) {
  testing::TempDir dir;
  const std::string path = dir.file("sweep/results.jsonl");
  {
    ResultsLog log(path);
    log.append(record(0, "ok", 0.5));
    log.append(record(1, "failed", 0));
  }
  ResultsLog log(path);
  ASSERT_EQ(log.records().size(), 2u);
  const CellRecord& r = log.records()[1];
  EXPECT_EQ(r.key.id(), "mae/identity/linear/shots=5/seed=1");
  EXPECT_EQ(r.error, "shots 5 > the 3 images of class \"b\"");
  EXPECT_TRUE(std::isnan(r.metrics.at("ci")));
  EXPECT_EQ(log.records()[0].metrics.at("accuracy"), 0.5);
  EXPECT_TRUE(log.finished(record(0, "ok", 0).key, record(0, "ok", 0).config_hash));
  EXPECT_FALSE(log.finished(record(0, "ok", 0).key, config_hash("another config"))) << "config changed: run again";
  EXPECT_FALSE(log.finished(record(1, "ok", 0).key, record(1, "ok", 0).config_hash)) << "failed cells run again";
  EXPECT_FALSE(log.finished(record(2, "ok", 0).key, record(2, "ok", 0).config_hash));
}

TEST(FewShotResultsLog, ATornLastLineIsCutAndTheCellRunsAgain) {
  testing::TempDir dir;
  const std::string path = dir.file("results.jsonl");
  const std::string whole = record_json(record(0, "ok", 0.5)) + "\n";
  testing::write_file(path, whole + record_json(record(1, "ok", 0.7)).substr(0, 40));
  {
    ResultsLog log(path);
    EXPECT_EQ(log.records().size(), 1u);
    EXPECT_EQ(log.torn_lines(), 1);
    EXPECT_EQ(std::filesystem::file_size(path), whole.size());
    log.append(record(1, "ok", 0.7));
  }
  ResultsLog again(path);
  EXPECT_EQ(again.records().size(), 2u);
  EXPECT_EQ(again.torn_lines(), 0);
}

TEST(FewShotResultsLog, ACorruptLineInTheMiddleNamesTheFileAndLine) {
  testing::TempDir dir;
  const std::string path = dir.file("results.jsonl");
  testing::write_file(path, record_json(record(0, "ok", 0.5)) + "\n{\"task\": 3}\n");
  const std::string msg = testing::runtime_error_message([&] { ResultsLog log(path); });
  EXPECT_NE(msg.find(path + ":2: not a sweep record"), std::string::npos) << msg;
}

TEST(FewShotResultsLog, LatestOkKeepsOnlyEachCellsLastSuccessfulRecord) {
  testing::TempDir dir;
  ResultsLog log(dir.file("results.jsonl"));
  log.append(record(0, "failed", 0));
  log.append(record(0, "ok", 0.6));
  log.append(record(1, "ok", 0.4));
  log.append(record(1, "failed", 0));
  const auto latest = log.latest_ok();
  ASSERT_EQ(latest.size(), 1u);
  EXPECT_EQ(latest[0].key.seed, 0);
  EXPECT_EQ(latest[0].metrics.at("accuracy"), 0.6);
  // With a filter: the last record each key has among the accepted ones, failures included.
  const auto seed1 = log.latest([](const CellRecord& r) { return r.key.seed == 1; });
  ASSERT_EQ(seed1.size(), 1u);
  EXPECT_EQ(seed1[0].status, "failed");
  const auto accurate = log.latest([](const CellRecord& r) { return r.metrics.count("accuracy") && r.metrics.at("accuracy") > 0.3; });
  ASSERT_EQ(accurate.size(), 2u);
  EXPECT_EQ(accurate[1].metrics.at("accuracy"), 0.4) << "seed 1's last accepted record, not its last record";
  EXPECT_EQ(config_hash("abc"), config_hash("abc"));
  EXPECT_NE(config_hash("abc"), config_hash("abd"));
  EXPECT_EQ(config_hash(""), "cbf29ce484222325");  // FNV-1a 64 reference values
  EXPECT_EQ(config_hash("a"), "af63dc4c8601ec8c");
}

}  // namespace
}  // namespace facerep::eval::fewshot
