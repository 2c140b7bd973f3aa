#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "dist/dist_env.h"
#include "dist/hostlist.h"

namespace facerep::dist {
namespace {

std::function<const char*(const char*)> fake(const std::map<std::string, std::string>& vars) {
  return [vars](const char* name) -> const char* {
    auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

TEST(DistEnv, SingleProcessWhenNoLauncher) {
  DistEnv e = detect_dist_env(fake({}));
  EXPECT_EQ(e.world_size, 1);
  EXPECT_EQ(e.rank, 0);
  EXPECT_EQ(e.launcher, "none");
  EXPECT_FALSE(e.distributed());
}

TEST(DistEnv, ReadsTorchrunVariables) {
  DistEnv e = detect_dist_env(fake({{"WORLD_SIZE", "4"}, {"RANK", "3"}, {"LOCAL_RANK", "1"},
                                    {"MASTER_ADDR", "10.0.0.1"}, {"MASTER_PORT", "29500"}}));
  EXPECT_EQ(e.launcher, "torchrun");
  EXPECT_EQ(e.world_size, 4);
  EXPECT_EQ(e.rank, 3);
  EXPECT_EQ(e.local_rank, 1);
  EXPECT_EQ(e.master_port, 29500);
  EXPECT_FALSE(e.launcher_store);
}

TEST(DistEnv, JoinsTorchrunsAgentStoreUnderItsRestartAttempt) {
  DistEnv e = detect_dist_env(fake({{"WORLD_SIZE", "2"},
                                    {"RANK", "0"},
                                    {"MASTER_ADDR", "127.0.0.1"},
                                    {"MASTER_PORT", "29500"},
                                    {"TORCHELASTIC_USE_AGENT_STORE", "True"},
                                    {"TORCHELASTIC_RESTART_COUNT", "3"}}));
  EXPECT_TRUE(e.launcher_store);  // rank 0 must not try to serve a second store on that port
  EXPECT_EQ(e.restart_count, 3);
}

TEST(DistEnv, ReadsSlurmVariablesAndTakesTheFirstNodeAsMaster) {
  DistEnv e = detect_dist_env(fake({{"SLURM_NTASKS", "8"},
                                    {"SLURM_STEP_NUM_TASKS", "8"},
                                    {"SLURM_PROCID", "5"},
                                    {"SLURM_LOCALID", "1"},
                                    {"SLURM_JOB_ID", "123456"},
                                    {"SLURM_JOB_NODELIST", "gpu[07-08,11],cpu1"}}));
  EXPECT_EQ(e.launcher, "slurm");
  EXPECT_EQ(e.world_size, 8);
  EXPECT_EQ(e.rank, 5);
  EXPECT_EQ(e.local_rank, 1);
  EXPECT_EQ(e.master_addr, "gpu07");
  EXPECT_EQ(e.master_addr_from, "SLURM_JOB_NODELIST");
  EXPECT_EQ(e.master_port, 20000 + 123456 % 20000);  // per job, so jobs sharing a node differ
}

TEST(DistEnv, SlurmPrefersTheStepNodesAndExplicitMaster) {
  auto base = std::map<std::string, std::string>{{"SLURM_STEP_NUM_TASKS", "2"},
                                                 {"SLURM_PROCID", "0"},
                                                 {"SLURM_JOB_NODELIST", "n[1-4]"},
                                                 {"SLURM_STEP_NODELIST", "n[3-4]"}};
  EXPECT_EQ(detect_dist_env(fake(base)).master_addr, "n3");
  EXPECT_EQ(detect_dist_env(fake(base)).master_port, kDefaultMasterPort);
  base["MASTER_ADDR"] = "head";
  base["MASTER_PORT"] = "4000";
  EXPECT_EQ(detect_dist_env(fake(base)).master_addr, "head");
  EXPECT_EQ(detect_dist_env(fake(base)).master_port, 4000);
}

TEST(DistEnv, ABatchScriptOutsideSrunIsOneProcess) {
  // sbatch's own shell sees the allocation's task count, but only srun starts ranks.
  DistEnv e = detect_dist_env(fake({{"SLURM_NTASKS", "8"}, {"SLURM_PROCID", "0"}, {"SLURM_JOB_NODELIST", "n[1-2]"}}));
  EXPECT_EQ(e.launcher, "none");
  EXPECT_FALSE(e.distributed());
}

TEST(DistEnv, ReadsOpenMpiVariablesBeforeSlurmOnes) {
  // mpirun inside a Slurm allocation: every rank also sees the batch step's SLURM_PROCID=0.
  DistEnv e = detect_dist_env(fake({{"OMPI_COMM_WORLD_SIZE", "4"},
                                    {"OMPI_COMM_WORLD_RANK", "2"},
                                    {"OMPI_COMM_WORLD_LOCAL_RANK", "2"},
                                    {"OMPI_COMM_WORLD_LOCAL_SIZE", "4"},
                                    {"SLURM_STEP_NUM_TASKS", "1"},
                                    {"SLURM_PROCID", "0"}}));
  EXPECT_EQ(e.launcher, "mpirun");
  EXPECT_EQ(e.world_size, 4);
  EXPECT_EQ(e.rank, 2);
  EXPECT_EQ(e.local_rank, 2);
  EXPECT_EQ(e.master_addr, "127.0.0.1");  // all four on this node
}

TEST(DistEnv, RejectsBadValuesNamingTheVariable) {
  auto message = [](const std::map<std::string, std::string>& vars) {
    try {
      detect_dist_env(fake(vars));
    } catch (const core::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message({{"WORLD_SIZE", "two"}}).find("WORLD_SIZE"), std::string::npos);
  EXPECT_NE(message({{"WORLD_SIZE", "2"}, {"RANK", "2"}, {"MASTER_ADDR", "h"}}).find("RANK"), std::string::npos);
  EXPECT_NE(message({{"WORLD_SIZE", "2"}, {"RANK", "1"}}).find("MASTER_ADDR"), std::string::npos);
  EXPECT_NE(message({{"WORLD_SIZE", "2"}, {"RANK", "1"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "70000"}})
                .find("MASTER_PORT"),
            std::string::npos);
  EXPECT_NE(message({{"OMPI_COMM_WORLD_SIZE", "2"}, {"OMPI_COMM_WORLD_RANK", "0"}}).find("MASTER_ADDR"),
            std::string::npos);  // two nodes, or unknown: the address must be given
}

TEST(DistHostlist, ExpandsRangesPaddingAndProducts) {
  EXPECT_EQ(expand_hostlist("node[01-03,07]", "V"), (std::vector<std::string>{"node01", "node02", "node03", "node07"}));
  EXPECT_EQ(expand_hostlist("a,b[9-10]-ib", "V"), (std::vector<std::string>{"a", "b9-ib", "b10-ib"}));
  EXPECT_EQ(expand_hostlist("r[1-2]n[1,3]", "V"), (std::vector<std::string>{"r1n1", "r1n3", "r2n1", "r2n3"}));
  EXPECT_EQ(first_host("node[08-10],gpu1", "V"), "node08");
  EXPECT_EQ(first_host("single", "V"), "single");
}

TEST(DistHostlist, RejectsMalformedListsNamingTheVariable) {
  for (const char* bad : {"node[01-", "node]1[", "node[a-b]", "node[5-3]", "a,,b", ""}) {
    try {
      expand_hostlist(bad, "SLURM_JOB_NODELIST");
      ADD_FAILURE() << bad;
    } catch (const core::ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("SLURM_JOB_NODELIST"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace facerep::dist
