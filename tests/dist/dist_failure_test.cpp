// A lost rank must end the job with an error that names it, within run.dist_timeout_s, never a
// hang: killed (its connections close), or stopped as a whole (nothing closes; only the timeout
// can tell).
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <thread>

#include "rank_processes.h"
#include "test_support.h"

namespace facerep::testing {
namespace {

// Two ranks training far longer than the test waits; returns once rank 0 has finished a step.
struct LongJob {
  std::unique_ptr<FacerepProcess> ranks[2];

  LongJob(const TempDir& dir, double timeout_s) {
    const int port = free_tcp_port();
    const std::string args = "train " + source_dir() +
                             "/configs/recognition/tiny_arcface.yaml --set run.root=" + dir.file("runs") +
                             " --set run.threads=1 --set 'eval=[]' --set data.train.source.identities=16"
                             " --set data.train.source.per_identity=4 --set data.loader.workers=1"
                             " --set train.steps=100000 --set train.batch_size=8 --set run.dist_timeout_s=" +
                             std::to_string(timeout_s);
    for (int r = 0; r < 2; ++r)
      ranks[r] = std::make_unique<FacerepProcess>(args, rank_env(r, 2, port),
                                                  dir.file("rank_" + std::to_string(r) + ".log"));
    const double deadline = now_seconds() + 60.0;
    while (ranks[0]->output().find("step 1/") == std::string::npos && ranks[0]->running() &&
           now_seconds() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
};

// Sends `sig` to rank `victim`; how long the other rank then took to exit, its code and output.
struct Aftermath {
  double seconds = 0.0;
  int exit_code = 0;
  std::string output;
};

Aftermath lose_rank(LongJob& job, int victim, int sig, double timeout_s) {
  FacerepProcess& survivor = *job.ranks[1 - victim];
  Aftermath a;
  const bool training = job.ranks[0]->running() && job.ranks[1]->running() &&
                        job.ranks[0]->output().find("step 1/") != std::string::npos;
  if (!training) {
    ADD_FAILURE() << "the job did not start training:\n" << job.ranks[0]->output() << job.ranks[1]->output();
    return a;
  }
  const double lost_at = now_seconds();
  job.ranks[victim]->signal(sig);
  a.exit_code = survivor.wait(timeout_s + 20.0);
  a.seconds = survivor.ended_at() - lost_at;
  a.output = survivor.output();
  job.ranks[victim]->signal(SIGKILL);  // a stopped one too
  return a;
}

// One way of losing a rank, and what the survivor must then do.
struct LossCase {
  const char* name;
  int victim;
  int signal;
  double timeout_s;      // run.dist_timeout_s
  double min_seconds;    // the survivor may not give up before this (a stopped peer: the timeout)
  double max_seconds;    // ... and must have exited by this
  const char* verdict;   // in its error
};

class DistFailure : public ::testing::TestWithParam<LossCase> {};

TEST_P(DistFailure, TheSurvivorExitsInTimeNamingWhatHappened) {
  const LossCase& c = GetParam();
  TempDir dir;
  LongJob job(dir, c.timeout_s);
  const Aftermath a = lose_rank(job, c.victim, c.signal, c.timeout_s);
  std::cout << c.name << ": the survivor exited " << a.seconds << " s later (timeout " << c.timeout_s << " s)\n";
  EXPECT_EQ(a.exit_code, 1) << a.output;
  EXPECT_GT(a.seconds, c.min_seconds) << a.output;
  EXPECT_LT(a.seconds, c.max_seconds) << a.output;
  EXPECT_NE(a.output.find(c.verdict), std::string::npos) << a.output;
}

// Killed ranks close their connections: the survivor learns at once and names the rank after the
// heartbeat check. Stopped ones keep them open: only the timeout ends the wait (5 s: short, but not
// so short that a slow step on a loaded machine passes for a hang). Rank 0 stopped also silences
// the store; the survivor must hang neither in the diagnosis nor while closing its connections
// (the timeout, the bounded diagnosis and the attempt to leave its message).
INSTANTIATE_TEST_SUITE_P(
    DistLostRanks, DistFailure,
    ::testing::Values(
        LossCase{"Rank1Killed", 1, SIGKILL, 10.0, 0.0, 10.0, "rank 1 stopped responding"},
        LossCase{"Rank0Killed", 0, SIGKILL, 10.0, 0.0, 10.0,
                 "the rendezvous store is unreachable: rank 0, which hosts it, exited"},
        LossCase{"Rank1Stopped", 1, SIGSTOP, 5.0, 4.5, 10.0, "rank 1 stopped responding"},
        LossCase{"Rank0Stopped", 0, SIGSTOP, 5.0, 4.5, 15.0,
                 "the rendezvous store does not answer: rank 0, which hosts it, is stuck or stopped"}),
    [](const ::testing::TestParamInfo<LossCase>& info) { return std::string(info.param.name); });

// A rank that stops on an error of its own leaves it for the others, whose error then quotes it.
TEST(DistPeerError, APeersOwnErrorIsQuotedByTheOthers) {
  TempDir dir;
  const int port = free_tcp_port();
  const std::string args = "train " + source_dir() + "/configs/recognition/tiny_arcface.yaml --set run.root=" +
                           dir.file("runs") + " --set 'eval=[]' --set run.dist_timeout_s=20";
  // Only rank 1 gets a bad value, so rank 0 goes on and waits for it at the first collective.
  FacerepProcess rank0(args, rank_env(0, 2, port), dir.file("rank_0.log"));
  FacerepProcess rank1(args + " --set train.grad_accum=1000", rank_env(1, 2, port), dir.file("rank_1.log"));
  EXPECT_EQ(rank1.wait(60.0), 2) << rank1.output();
  EXPECT_EQ(rank0.wait(60.0), 1) << rank0.output();
  EXPECT_NE(rank1.output().find("rank 1 of 2: train.grad_accum: 1000 micro-batches"), std::string::npos)
      << rank1.output();
  EXPECT_NE(rank0.output().find("rank 1 failed: train.grad_accum: 1000 micro-batches"), std::string::npos)
      << rank0.output();
}

}  // namespace
}  // namespace facerep::testing
