// A real full disk: the test mounts a 6 MB tmpfs (when it may: root, or a sandbox that allows
// mounts; otherwise it skips) and trains into it with a checkpoint per step. The first 4 MB
// checkpoint fits, the second cannot: the run must stop with an error naming the file and the
// cause, leave no temporary behind, and keep the first checkpoint intact and loadable.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "runtime/checkpoint.h"
#include "test_support.h"

namespace facerep::testing {
namespace {
namespace fs = std::filesystem;

// Mounts a tmpfs of `megabytes` at `dir` for the object's life.
class SmallTmpfs {
 public:
  SmallTmpfs(const std::string& dir, int megabytes) : dir_(dir) {
    fs::create_directories(dir);
    const std::string cmd =
        "mount -t tmpfs -o size=" + std::to_string(megabytes) + "m facerep_test " + dir + " 2>/dev/null";
    mounted_ = std::system(cmd.c_str()) == 0;
  }
  ~SmallTmpfs() {
    if (mounted_) std::system(("umount " + dir_ + " 2>/dev/null").c_str());
  }
  bool mounted() const { return mounted_; }

 private:
  std::string dir_;
  bool mounted_ = false;
};

TEST(FullDisk, ACheckpointThatDoesNotFitFailsCleanlyAndKeepsThePreviousOne) {
  TempDir dir;
  const SmallTmpfs disk(dir.file("disk"), 6);
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here (needs root or a sandbox that allows it)";
  std::string output;
  const int code = run_facerep("train " + source_dir() + "/configs/recognition/tiny_arcface.yaml --set run.root=" +
                                   dir.file("disk") +
                                   " --set run.name=full --set run.threads=1 --set 'eval=[]' --set train.steps=4"
                                   " --set train.checkpoint_every=1 --set data.loader.workers=1",
                               &output);
  EXPECT_EQ(code, 1) << output;
  EXPECT_NE(output.find("No space left on device"), std::string::npos) << output;
  EXPECT_NE(output.find("step_00000002.ckpt"), std::string::npos) << "the error names the file:\n" << output;

  fs::path checkpoints;
  for (const auto& e : fs::recursive_directory_iterator(dir.file("disk")))
    if (e.is_directory() && e.path().filename() == "checkpoints") checkpoints = e.path();
  ASSERT_FALSE(checkpoints.empty()) << output;
  for (const auto& e : fs::directory_iterator(checkpoints))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << "left behind: " << e.path();
  // The first checkpoint, and last.ckpt still naming it, load and verify.
  const runtime::Checkpoint first = runtime::load_checkpoint((checkpoints / "step_00000001.ckpt").string());
  EXPECT_EQ(first.counter("step"), 1);
  const runtime::Checkpoint last = runtime::load_checkpoint((checkpoints / "last.ckpt").string());
  EXPECT_EQ(last.counter("step"), 1);
}

}  // namespace
}  // namespace facerep::testing
