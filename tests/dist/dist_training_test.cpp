// Data-parallel training end to end: the real binary as 2 ranks (Gloo on CPU) against 1 process
// with the same global batch, compared through their checkpoints.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "rank_processes.h"
#include "runtime/checkpoint.h"
#include "test_support.h"

namespace facerep::testing {
namespace {

// Tiny and fast: 64 synthetic faces, 3 steps of a global batch of 8, no evaluation, full lr from
// step 1 (no warm-up), one thread per process.
std::string tiny_args(const std::string& config) {
  return source_dir() + "/" + config +
         " --set run.threads=1 --set 'eval=[]' --set data.train.source.identities=16"
         " --set data.train.source.per_identity=4 --set data.loader.workers=1 --set schedule.warmup_steps=0"
         " --set train.steps=3 --set train.batch_size=8 --set run.dist_timeout_s=60";
}

struct TrainingRun {
  std::vector<RankResult> ranks;
  std::string checkpoint;  // the run's last.ckpt
};

TrainingRun train_ranks(const TempDir& dir, const std::string& name, int world, const std::string& args) {
  const std::string root = dir.file(name);
  const std::string logs = dir.file(name + "_logs");
  std::filesystem::create_directories(logs);
  TrainingRun run;
  run.ranks = run_facerep_ranks(world, "train " + args + " --set run.root=" + root, logs);
  for (size_t r = 0; r < run.ranks.size(); ++r)
    EXPECT_EQ(run.ranks[r].exit_code, 0) << name << " rank " << r << ":\n" << run.ranks[r].output;
  run.checkpoint = find_file(root, "last.ckpt");
  return run;
}

bool is_batch_norm_statistic(const std::string& name) {
  return name.find("running_mean") != std::string::npos || name.find("running_var") != std::string::npos ||
         name.find("num_batches_tracked") != std::string::npos;
}

// Largest |a - b| over the trained tensors (model and objective) of two checkpoints, relative to
// the largest |a|. Batch-norm running statistics are left out: each rank keeps its own (rank 0's
// are saved), while one process updates them once per micro-batch.
double max_relative_difference(const std::string& file_a, const std::string& file_b) {
  const runtime::Checkpoint a = runtime::load_checkpoint(file_a);
  const runtime::Checkpoint b = runtime::load_checkpoint(file_b);
  double diff = 0.0, scale = 1e-12;
  auto compare = [&](const runtime::NamedTensors& x, const runtime::NamedTensors& y) {
    EXPECT_EQ(x.size(), y.size());
    for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
      EXPECT_EQ(x[i].first, y[i].first);
      if (is_batch_norm_statistic(x[i].first) || !x[i].second.is_floating_point()) continue;
      diff = std::max(diff, (x[i].second - y[i].second).abs().max().item<double>());
      scale = std::max(scale, x[i].second.abs().max().item<double>());
    }
  };
  compare(a.model, b.model);
  compare(a.objective, b.objective);
  return diff / scale;
}

// Trains `args` on 2 processes (plus `two_extra`), on 1 process meant to compute the same (plus
// `same_extra`) and on 1 process meant to differ (plus `other_extra`): the relative weight
// differences of the 2-process run from the other two.
struct Agreement {
  double same = 1.0;
  double other = 0.0;
  std::vector<RankResult> ranks;  // of the 2-process run
};

Agreement two_against_one(const std::string& args, const std::string& two_extra, const std::string& same_extra,
                          const std::string& other_extra) {
  TempDir dir;
  const TrainingRun two = train_ranks(dir, "two", 2, args + two_extra);
  const TrainingRun same = train_ranks(dir, "same", 1, args + same_extra);
  const TrainingRun other = train_ranks(dir, "other", 1, args + other_extra);
  Agreement a;
  a.ranks = two.ranks;
  if (two.checkpoint.empty() || same.checkpoint.empty() || other.checkpoint.empty()) {
    ADD_FAILURE() << "a run left no checkpoint";
    return a;
  }
  a.same = max_relative_difference(two.checkpoint, same.checkpoint);
  a.other = max_relative_difference(two.checkpoint, other.checkpoint);
  return a;
}

// Two processes with 4 samples each must end where one process with all 8 (split into the same
// two micro-batches, so batch norm sees the same 4-sample batches) ends, and clearly not where one
// process with only 4 samples per step ends.
TEST(DistTraining, TwoProcessesArcFaceMatchOneProcessWithTheSameGlobalBatch) {
  const Agreement a = two_against_one(tiny_args("configs/recognition/tiny_arcface.yaml"), "",
                                      " --set train.grad_accum=2", " --set train.batch_size=4");
  std::cout << "arcface: 2 processes vs 1 (same global batch) " << a.same << ", vs 1 (half the batch) " << a.other
            << "\n";
  EXPECT_LT(a.same, 1e-5);
  EXPECT_GT(a.other, 100 * a.same + 1e-4);
  // One run folder for the job, written by rank 0 only.
  ASSERT_EQ(a.ranks.size(), 2u);
  EXPECT_NE(a.ranks[0].output.find("run folder"), std::string::npos);
  EXPECT_EQ(a.ranks[1].output.find("run folder"), std::string::npos) << a.ranks[1].output;
}

// train.host_sync: log_interval (the CUDA default) keeps the ranks' skip votes and the clipped
// gradient norm on the device; 2 such processes must still end where 1 process syncing every
// step ends.
TEST(DistTraining, TwoProcessesSyncingOnlyAtTheLogIntervalMatchOneProcess) {
  const Agreement a =
      two_against_one(tiny_args("configs/recognition/tiny_arcface.yaml") + " --set train.grad_clip=1.0",
                      " --set train.host_sync=log_interval --set train.log_every=2",
                      " --set train.grad_accum=2 --set train.host_sync=step", " --set train.batch_size=4");
  std::cout << "arcface, log_interval: 2 processes vs 1 (same global batch) " << a.same << ", vs 1 (half the batch) "
            << a.other << "\n";
  EXPECT_LT(a.same, 1e-5);
  EXPECT_GT(a.other, 100 * a.same + 1e-4);
}

// partial_fc splits the centres over the ranks and draws them alike on 1 or 2 processes: the
// backbone of 2 processes must end where 1 process with the same micro-batches ends, and the
// checkpoint of the 2-process run holds the whole centres, gathered from both ranks.
TEST(DistTraining, TwoProcessesPartialFcMatchOneProcessWithTheSameGlobalBatch) {
  TempDir dir;
  // Two steps: the first is bit-identical; after it the split sums (softmax normaliser over two
  // shards, embedding gradient summed over two ranks) round differently, and this tiny recipe's
  // centres grow ~100× in a step, which amplifies that rounding (≈2e-6 after 2 steps, 1e-4 after 3).
  const std::string args =
      tiny_args("configs/recognition/tiny_arcface.yaml") + " --set objective.type=partial_fc --set train.steps=2";
  const TrainingRun two = train_ranks(dir, "two", 2, args);
  const TrainingRun same = train_ranks(dir, "same", 1, args + " --set train.grad_accum=2");
  ASSERT_FALSE(two.checkpoint.empty());
  ASSERT_FALSE(same.checkpoint.empty());
  const runtime::Checkpoint a = runtime::load_checkpoint(two.checkpoint);
  const runtime::Checkpoint b = runtime::load_checkpoint(same.checkpoint);
  double diff = 0.0, scale = 1e-12;
  ASSERT_EQ(a.model.size(), b.model.size());
  for (size_t i = 0; i < a.model.size(); ++i) {
    if (is_batch_norm_statistic(a.model[i].first) || !a.model[i].second.is_floating_point()) continue;
    diff = std::max(diff, (a.model[i].second - b.model[i].second).abs().max().item<double>());
    scale = std::max(scale, a.model[i].second.abs().max().item<double>());
  }
  std::cout << "partial_fc: 2 processes vs 1 (same micro-batches), model " << diff / scale << " centres "
            << (a.objective[0].second - b.objective[0].second).abs().max().item<double>() << " of "
            << b.objective[0].second.abs().max().item<double>() << "\n";
  EXPECT_LT(diff / scale, 1e-5);
  // All 16 classes: rank 0's 8 and rank 1's 8, in order.
  ASSERT_EQ(a.objective.size(), 1u);
  EXPECT_EQ(a.objective[0].second.size(0), 16);
  EXPECT_TRUE(at::allclose(a.objective[0].second, b.objective[0].second, 1e-4, 1e-6));
}

// A sharded classifier resumes on any number of processes: the checkpoint holds the centres and
// their momentum whole, and each rank takes its rows back. A ViT (no batch norm) and sampling
// rate 1 (nothing drawn) make the split of a step's batch irrelevant, so stopping a 2-process run
// and continuing it on 2 or on 1 process must end where the uninterrupted run ends.
std::string partial_fc_vit_args(int steps) {
  return tiny_args("configs/recognition/tiny_arcface.yaml") +
         " --set objective.type=partial_fc --set train.steps=" + std::to_string(steps) +
         " --set 'model={type: vit, size: tiny, depth: 1, width: 32, heads: 2, patch: 8, image_size: 32, pool: mean}'";
}

std::string stop_and_resume(const TempDir& dir, const std::string& args, int stop_after, int resume_world) {
  const TrainingRun first = train_ranks(dir, "split", 2, args + " --stop-after " + std::to_string(stop_after));
  if (first.checkpoint.empty()) return "";
  const runtime::Checkpoint stopped = runtime::load_checkpoint(first.checkpoint);
  EXPECT_EQ(stopped.counter("step"), stop_after);
  EXPECT_EQ(stopped.objective.at(0).second.size(0), 16);  // whole, not rank 0's 8
  const std::string run_dir = std::filesystem::path(first.checkpoint).parent_path().parent_path().string();
  const std::string logs = dir.file("resume_logs");
  std::filesystem::create_directories(logs);
  const auto ranks = run_facerep_ranks(resume_world, "train " + run_dir + "/config.yaml --resume " + run_dir, logs);
  for (size_t r = 0; r < ranks.size(); ++r) {
    EXPECT_EQ(ranks[r].exit_code, 0) << "resumed rank " << r << ":\n" << ranks[r].output;
    if (r == 0) EXPECT_NE(ranks[r].output.find("resumed from"), std::string::npos) << ranks[r].output;
  }
  return run_dir + "/checkpoints/last.ckpt";
}

TEST(DistTraining, PartialFcStoppedOnTwoProcessesResumesOnTwo) {
  TempDir dir;
  const std::string args = partial_fc_vit_args(3);
  const TrainingRun reference = train_ranks(dir, "reference", 2, args);
  const std::string resumed = stop_and_resume(dir, args, 2, 2);
  ASSERT_FALSE(reference.checkpoint.empty());
  ASSERT_FALSE(resumed.empty());
  const double diff = max_relative_difference(reference.checkpoint, resumed);
  std::cout << "partial_fc: 2 processes stopped and resumed on 2 vs uninterrupted: " << diff << "\n";
  EXPECT_LT(diff, 1e-6);
}

TEST(DistTraining, PartialFcStoppedOnTwoProcessesResumesOnOne) {
  TempDir dir;
  const std::string args = partial_fc_vit_args(2);
  const TrainingRun reference = train_ranks(dir, "reference", 1, args);
  const std::string resumed = stop_and_resume(dir, args, 1, 1);
  ASSERT_FALSE(reference.checkpoint.empty());
  ASSERT_FALSE(resumed.empty());
  const double diff = max_relative_difference(reference.checkpoint, resumed);
  std::cout << "partial_fc: 2 processes for 1 step then 1 process vs 1 throughout: " << diff << "\n";
  EXPECT_LT(diff, 1e-5);
}

// Triplet mining over the whole job's batch: 2 processes with 4 samples each gather their
// embeddings and mine over all 8, as 1 process with the 8 does (a ViT: no batch norm), and not as
// 1 process mining within each half (grad_accum 2 splits the batch the same way).
TEST(DistTraining, TwoProcessesTripletMineOverTheWholeBatch) {
  const std::string args =
      tiny_args("configs/recognition/tiny_triplet.yaml") +
      " --set 'model={type: vit, size: tiny, depth: 1, width: 32, heads: 2, patch: 8, image_size: 32, pool: mean}'";
  const Agreement a = two_against_one(args, "", "", " --set train.grad_accum=2");
  std::cout << "triplet: 2 processes vs 1 (whole batch) " << a.same << ", vs 1 mining within halves " << a.other << "\n";
  EXPECT_LT(a.same, 1e-5);
  EXPECT_GT(a.other, 10 * a.same + 1e-5);
}

// Evaluation shares its work: each of 2 ranks embeds half of an evaluation set (13 images each
// from 26, a split that is not a multiple of the batch) and the halves are gathered in order, so
// the metrics equal a single process's evaluation of the same checkpoint.
TEST(DistTraining, TwoProcessesEvaluateTheirHalvesAndAgreeWithOneProcess) {
  TempDir dir;
  const std::string eval =
      " --set 'eval=[{type: verification, role: test, pairs: generate, num_pairs: 60, folds: 5, batch_size: 4,"
      " data: {source: {type: synthetic, identities: 13, per_identity: 2, size: 32, seed: 1000}}},"
      " {type: identification, name: ident, batch_size: 4, gallery_per_identity: 1,"
      " data: {source: {type: synthetic, identities: 13, per_identity: 2, size: 32, seed: 1000}}}]'";
  const TrainingRun two = train_ranks(dir, "two", 2, tiny_args("configs/recognition/tiny_arcface.yaml") + eval);
  ASSERT_FALSE(two.checkpoint.empty());
  const std::string run_dir = std::filesystem::path(two.checkpoint).parent_path().parent_path().string();
  const std::string metrics = read_file(run_dir + "/metrics.jsonl");
  std::string output;
  ASSERT_EQ(run_facerep("eval " + run_dir + "/config.yaml --checkpoint " + two.checkpoint + " --out " +
                            dir.file("single"),
                        &output),
            0)
      << output;
  // The same numbers in the trained run's metrics and in the single-process evaluation's.
  const std::string single = read_file(dir.file("single") + "/metrics.jsonl");
  auto value = [](const std::string& jsonl, const std::string& key) {
    const size_t at = jsonl.rfind("\"" + key + "\"");
    EXPECT_NE(at, std::string::npos) << key << " not in " << jsonl;
    return at == std::string::npos ? -1.0 : std::stod(jsonl.substr(jsonl.find(':', at) + 1));
  };
  for (const char* key : {"test/verification/accuracy", "test/verification/auc", "test/ident/rank1"}) {
    const double trained = value(metrics, key), alone = value(single, key);
    std::cout << key << ": 2 ranks " << trained << ", 1 process " << alone << "\n";
    EXPECT_NEAR(trained, alone, 1e-9) << key;
  }
}

// MAE masks are drawn per micro-batch from (seed, step, micro-batch index over all ranks): 2
// processes × 2 micro-batches each draw what 1 process × 4 micro-batches draws, and not what 1
// process × 2 micro-batches draws (the same samples, other masks). AdamW divides by the
// gradient's running magnitude, which turns summation-order rounding in near-zero gradients into
// visible (still tiny) weight differences, hence a looser bound than for SGD.
TEST(DistTraining, TwoProcessesMaeMatchOneProcessWithTheSameMicroBatches) {
  const Agreement a = two_against_one(tiny_args("configs/pretrain/tiny_mae.yaml"), " --set train.grad_accum=2",
                                      " --set train.grad_accum=4", " --set train.grad_accum=2");
  std::cout << "mae: 2 processes x 2 micro-batches vs 1 x 4 " << a.same << ", vs 1 x 2 (other masks) " << a.other
            << "\n";
  EXPECT_LT(a.same, 1e-4);
  EXPECT_GT(a.other, 10 * a.same);
}

// Stopped after 2 of 4 steps on 2 processes, continued on 1: the same samples in the same order,
// so the same weights as 1 process running all 4 steps (a ViT: no batch norm, and ArcFace draws
// nothing at random, so the split of a step's batch does not matter). The config is unchanged:
// train.batch_size is the global batch.
TEST(DistTraining, ResumingATwoProcessCheckpointInOneProcessContinuesTheSameSamples) {
  TempDir dir;
  const std::string args =
      tiny_args("configs/recognition/tiny_arcface.yaml") +
      " --set 'model={type: vit, size: tiny, depth: 1, width: 32, heads: 2, patch: 8, image_size: 32, pool: mean}'"
      " --set train.steps=4";
  const TrainingRun reference = train_ranks(dir, "reference", 1, args);
  const TrainingRun first = train_ranks(dir, "split", 2, args + " --stop-after 2 --set run.dist_rank_logs=true");
  ASSERT_FALSE(first.checkpoint.empty());
  const std::string run_dir =
      std::filesystem::path(first.checkpoint).parent_path().parent_path().string();
  // Rank 1 printed no info lines but kept them in its own log, tagged.
  const std::string rank1_log = read_file(run_dir + "/logs/rank_1.txt");
  EXPECT_NE(rank1_log.find("[rank 1] INFO device cpu"), std::string::npos) << rank1_log;
  EXPECT_EQ(first.ranks[1].output.find("device cpu"), std::string::npos) << first.ranks[1].output;
  EXPECT_NE(first.ranks[0].output.find("device cpu"), std::string::npos) << first.ranks[0].output;
  const runtime::Checkpoint stopped = runtime::load_checkpoint(first.checkpoint);
  EXPECT_EQ(stopped.counter("step"), 2);
  EXPECT_EQ(stopped.counter("loader_samples"), 16);  // 2 global batches of 8
  std::string output;
  ASSERT_EQ(run_facerep("train " + run_dir + "/config.yaml --resume " + run_dir, &output), 0) << output;
  EXPECT_NE(output.find("resumed from"), std::string::npos) << output;
  const double same = max_relative_difference(reference.checkpoint, run_dir + "/checkpoints/last.ckpt");
  std::cout << "resume: 2 processes then 1 vs 1 throughout: " << same << "\n";
  EXPECT_LT(same, 1e-5);
}

}  // namespace
}  // namespace facerep::testing
