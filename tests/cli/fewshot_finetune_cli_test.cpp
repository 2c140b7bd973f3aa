// `facerep sweep` with the finetune protocol: cells run per trainable encoder, encoders without
// parameters are skipped, and the finetune options are in the finetune cells' hash only.
#include <gtest/gtest.h>

#include "test_support.h"

namespace facerep {
namespace {

TEST(FewShotFinetuneCli, FinetunesTrainableEncodersAndRerunsOnlyWhatItsOptionsDecide) {
  testing::TempDir dir;
  testing::write_file(
      dir.file("s.yaml"),
      "run: {name: s, root: " + dir.file("runs") + ", threads: 1}\n"
      "encoders:\n"
      "  - {type: model, name: vit, model: {type: vit, depth: 2, width: 16, heads: 2, patch: 8, image_size: 16}}\n"
      "  - {type: model, name: pixels, model: {type: pixels, image_size: 16, grid: 4}}\n"
      "data:\n  source: {type: synthetic, identities: 4, per_identity: 5, size: 16, seed: 9}\n"
      "tasks: [identity, landmarks]\n"
      "protocols: [linear, finetune]\n"
      "shots: [2]\n"
      "seeds: [0]\n"
      "finetune: {steps: 3, batch_size: 4}\n");
  std::string out;
  ASSERT_EQ(testing::run_facerep("sweep " + dir.file("s.yaml"), &out), 0) << out;
  // vit: 2 tasks x 2 protocols; pixels (nothing to train): 2 tasks x linear.
  EXPECT_NE(out.find("(6 cells run, 0 failed, 0 already done)"), std::string::npos) << out;
  EXPECT_NE(out.find("## identity, finetune: accuracy"), std::string::npos) << out;
  EXPECT_NE(out.find("## landmarks, finetune: nme"), std::string::npos) << out;
  ASSERT_EQ(testing::run_facerep("sweep " + dir.file("s.yaml") + " --set finetune.steps=4", &out), 0) << out;
  EXPECT_NE(out.find("(2 cells run, 0 failed, 4 already done)"), std::string::npos) << out;
}

}  // namespace
}  // namespace facerep
