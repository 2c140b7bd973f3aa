// What a launcher's environment does to commands: only train and bench train join a job; the
// others refuse rather than run N times side by side; a job the build cannot serve is refused
// naming the key, never trained alone in each process.
#include <gtest/gtest.h>

#include "rank_processes.h"
#include "test_support.h"

namespace facerep::testing {
namespace {

TEST(DistLaunch, SingleProcessCommandsRefuseAMultiProcessLaunch) {
  TempDir dir;
  FacerepProcess p("eval " + source_dir() + "/configs/recognition/tiny_arcface.yaml --checkpoint none.ckpt",
                   rank_env(1, 2, free_tcp_port()), dir.file("eval.log"));
  EXPECT_EQ(p.wait(60.0), 2);
  const std::string out = p.output();
  EXPECT_NE(out.find("facerep eval runs in one process, but torchrun started this one as rank 1 of 2"),
            std::string::npos)
      << out;
}

TEST(DistLaunch, NcclForACpuJobIsAConfigErrorNamingTheKey) {
  TempDir dir;
  FacerepProcess p("train " + source_dir() + "/configs/recognition/tiny_arcface.yaml --set run.device=cpu" +
                       " --set run.dist_backend=nccl --set run.root=" + dir.file("runs"),
                   rank_env(0, 2, free_tcp_port()), dir.file("train.log"));
  EXPECT_EQ(p.wait(60.0), 2);
  const std::string out = p.output();
  EXPECT_NE(out.find("run.dist_backend: nccl communicates CUDA tensors"), std::string::npos) << out;
}

TEST(DistLaunch, AGlobalBatchThatDoesNotSplitOverTheRanksIsAConfigError) {
  TempDir dir;
  const std::vector<RankResult> ranks = run_facerep_ranks(
      2,
      "train " + source_dir() + "/configs/recognition/tiny_arcface.yaml --set train.batch_size=7" +
          " --set 'eval=[]' --set run.dist_timeout_s=30 --set run.root=" + dir.file("runs"),
      dir.str(), 60.0);
  for (const auto& r : ranks) {
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("train.batch_size: 7 (the global batch) does not split evenly over 2 processes"),
              std::string::npos)
        << r.output;
  }
}

}  // namespace
}  // namespace facerep::testing
