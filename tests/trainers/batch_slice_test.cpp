// Micro-batches keep their link to the host copy of the labels (data::Batch::host), so host-side
// work on a GPU micro-batch sees its own rows, not the whole batch's.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "trainers/batch_slice.h"

namespace facerep::trainers {
namespace {

data::Batch labelled(int64_t n, int64_t first_id) {
  data::Batch b;
  b.images = torch::zeros({n, 1, 2, 2});
  b.identity = torch::arange(first_id, first_id + n, torch::kLong);
  for (int64_t i = 0; i < n; ++i) b.paths.push_back("p" + std::to_string(i));
  return b;
}

TEST(BatchSlice, SlicesTheHostCopyWithTheBatch) {
  data::Batch batch = labelled(6, 0);
  // Stands in for a GPU batch: its host copy holds other values, so the test sees which one is read.
  batch.host = std::make_shared<const data::Batch>(labelled(6, 100));
  const data::Batch micro = slice_batch(batch, 2, 3);
  EXPECT_TRUE(torch::equal(micro.identity, torch::tensor({2, 3, 4}, torch::kLong)));
  ASSERT_TRUE(micro.host);
  EXPECT_TRUE(torch::equal(micro.on_host().identity, torch::tensor({102, 103, 104}, torch::kLong)));
  EXPECT_EQ(micro.on_host().paths, (std::vector<std::string>{"p2", "p3", "p4"}));
}

TEST(BatchSlice, ACpuBatchIsItsOwnHostCopy) {
  const data::Batch batch = labelled(4, 0);
  const data::Batch moved = batch.to(torch::kCPU);
  EXPECT_FALSE(moved.host);
  EXPECT_EQ(&moved.on_host(), &moved);
  EXPECT_FALSE(slice_batch(moved, 0, 2).host);
}

}  // namespace
}  // namespace facerep::trainers
