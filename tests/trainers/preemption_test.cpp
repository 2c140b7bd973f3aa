// Preemption and crash recovery, through the real binary: SIGTERM stops a run with a checkpoint
// and `--resume auto` continues it to the same losses as an uninterrupted run; a truncated
// last.ckpt falls back to the newest intact step checkpoint; a run folder has one trainer at a
// time; a failing evaluation never costs the trained weights.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "../dist/rank_processes.h"
#include "core/run_lock.h"
#include "core/error.h"
#include "test_support.h"

namespace facerep::testing {
namespace {
namespace fs = std::filesystem;

std::string preemption_args(const TempDir& dir) {
  return "train " + source_dir() + "/configs/recognition/tiny_arcface.yaml --set run.root=" + dir.file("runs") +
         " --set run.name=pre --set run.threads=1 --set 'eval=[]' --set data.train.source.identities=16"
         " --set data.train.source.per_identity=4 --set data.loader.workers=1 --set train.steps=100000"
         " --set train.batch_size=8 --set train.log_every=1";
}

// step -> train loss from a run's metrics.jsonl (each step must appear once).
std::map<int64_t, std::string> train_losses(const std::string& metrics_path) {
  std::map<int64_t, std::string> out;
  std::ifstream in(metrics_path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("\"phase\": \"train\"") == std::string::npos) continue;
    const int64_t step = std::stoll(line.substr(line.find(':') + 1));
    const auto at = line.find("\"loss\": ");
    EXPECT_EQ(out.count(step), 0u) << "step " << step << " logged twice";
    out[step] = line.substr(at + 8, line.find_first_of(",}", at) - at - 8);
  }
  return out;
}

std::string only_run(const TempDir& dir) {
  std::vector<fs::path> runs;
  for (const auto& e : fs::directory_iterator(dir.file("runs/pre"))) runs.push_back(e.path());
  EXPECT_EQ(runs.size(), 1u);
  return runs.empty() ? "" : runs[0].string();
}

TEST(Preemption, SigtermCheckpointsAndResumeAutoReproducesTheLosses) {
  TempDir a, b;
  constexpr int kSteps = 12;
  std::string out;
  ASSERT_EQ(run_facerep(preemption_args(a) + " --stop-after " + std::to_string(kSteps), &out), 0) << out;
  const auto reference = train_losses(only_run(a) + "/metrics.jsonl");
  ASSERT_EQ(reference.size(), static_cast<size_t>(kSteps));

  FacerepProcess p(preemption_args(b), {}, b.file("first.log"));
  // Stopped once step 3 is logged: well before step kSteps (a step takes tens of milliseconds).
  const double deadline = now_seconds() + 60.0;
  const auto logged_step_3 = [&] {
    for (const auto& e : fs::recursive_directory_iterator(b.str()))
      if (e.path().filename() == "metrics.jsonl" && read_file(e.path().string()).find("{\"step\": 3,") != std::string::npos)
        return true;
    return false;
  };
  while (!logged_step_3() && p.running() && now_seconds() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  p.signal(SIGTERM);
  ASSERT_EQ(p.wait(60.0), 75) << p.output();
  EXPECT_NE(p.output().find("stopped by SIGTERM"), std::string::npos) << p.output();
  const std::string run = only_run(b);
  ASSERT_TRUE(fs::exists(run + "/checkpoints/last.ckpt"));

  ASSERT_EQ(run_facerep(preemption_args(b) + " --resume auto --stop-after " + std::to_string(kSteps), &out), 0) << out;
  EXPECT_EQ(only_run(b), run);  // continued in the same folder
  EXPECT_EQ(train_losses(run + "/metrics.jsonl"), reference);
}

TEST(Preemption, ResumeAutoWithoutAnyRunStartsFresh) {
  TempDir dir;
  std::string out;
  ASSERT_EQ(run_facerep(preemption_args(dir) + " --resume auto --stop-after 2", &out), 0) << out;
  EXPECT_TRUE(fs::exists(only_run(dir) + "/checkpoints/last.ckpt"));
}

TEST(Preemption, TruncatedLastCheckpointFallsBackToTheNewestIntactStep) {
  TempDir dir;
  std::string out;
  ASSERT_EQ(run_facerep(preemption_args(dir) + " --set train.checkpoint_every=2 --stop-after 6", &out), 0) << out;
  const std::string run = only_run(dir);
  // A kill during a copy: last.ckpt cut in half, and the newest step file too.
  for (const char* name : {"last.ckpt", "step_00000006.ckpt"}) {
    const std::string path = run + "/checkpoints/" + name;
    fs::remove(path);  // last.ckpt is a hard link of step 6: cut a private copy
    write_file(path, read_file(run + "/checkpoints/step_00000004.ckpt").substr(0, 5000));
  }
  write_file(run + "/checkpoints/last.ckpt.tmp.999999999", "left by a killed writer");
  ASSERT_EQ(run_facerep(preemption_args(dir) + " --set train.checkpoint_every=2 --resume " + run + " --stop-after 8", &out),
            0)
      << out;
  EXPECT_NE(out.find("resumed from " + run + "/checkpoints/step_00000004.ckpt"), std::string::npos) << out;
  EXPECT_EQ(train_losses(run + "/metrics.jsonl").size(), 8u);  // steps 5 and 6 logged once, not twice
}

TEST(Preemption, ARunFolderHasOneTrainerAtATime) {
  TempDir dir;
  core::RunLock first(dir.str());
  try {
    core::RunLock second(dir.str());  // flock: a second descriptor conflicts even in one process
    FAIL() << "expected a ConfigError";
  } catch (const core::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("in use by another facerep process"), std::string::npos) << e.what();
  }
}

TEST(Preemption, AFailingEvaluationKeepsTheTrainedWeights) {
  TempDir dir;
  std::string out;
  const int rc = run_facerep(
      "train " + source_dir() + "/configs/recognition/tiny_arcface.yaml --set run.root=" + dir.file("r") +
          " --set run.threads=1 --set train.steps=2 --set 'eval=[{type: verification, data: {source: {type: "
          "image_folder, root: nonexistent}}}]'",
      &out);
  EXPECT_NE(rc, 0);
  EXPECT_NE(find_file(dir.file("r"), "step_00000002.ckpt"), "") << out;
  EXPECT_NE(read_file(find_file(dir.file("r"), "log.txt")).find("fatal:"), std::string::npos);
}

}  // namespace
}  // namespace facerep::testing
