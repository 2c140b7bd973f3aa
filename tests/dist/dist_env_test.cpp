#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/error.h"
#include "dist/dist_env.h"

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
}

TEST(DistEnv, ReadsSlurmVariables) {
  DistEnv e = detect_dist_env(fake({{"SLURM_NTASKS", "8"}, {"SLURM_PROCID", "5"}, {"SLURM_LOCALID", "1"}}));
  EXPECT_EQ(e.launcher, "slurm");
  EXPECT_EQ(e.world_size, 8);
  EXPECT_EQ(e.rank, 5);
}

TEST(DistEnv, RejectsBadValues) {
  EXPECT_THROW(detect_dist_env(fake({{"WORLD_SIZE", "two"}})), core::ConfigError);
  EXPECT_THROW(detect_dist_env(fake({{"WORLD_SIZE", "2"}, {"RANK", "2"}})), core::ConfigError);
}

}  // namespace
}  // namespace facerep::dist
