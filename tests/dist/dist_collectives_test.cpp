#include <gtest/gtest.h>

#include <torch/torch.h>

#include "dist/collectives.h"
#include "dist/communicator.h"
#include "local_group.h"

namespace facerep::dist {
namespace {

using facerep::testing::run_local_group;

TEST(DistCollectives, AllReduceBroadcastGatherAndBarrierOverTwoRanks) {
  run_local_group(2, [](Communicator& comm) {
    const int r = comm.rank();
    at::Tensor sum = at::full({3}, static_cast<float>(r + 1));
    comm.all_reduce_sum(sum, "test all-reduce");
    EXPECT_TRUE(at::allclose(sum, at::full({3}, 3.0f)));
    at::Tensor b = at::full({2}, static_cast<float>(10 * (r + 1)));
    comm.broadcast(b, 1, "test broadcast");
    EXPECT_TRUE(at::equal(b, at::full({2}, 20.0f)));
    const std::vector<at::Tensor> parts = comm.all_gather(at::full({1}, static_cast<int64_t>(r)), "test gather");
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0].item<int64_t>(), 0);
    EXPECT_EQ(parts[1].item<int64_t>(), 1);
    comm.barrier("test barrier");
    EXPECT_EQ(comm.share_text("greeting", r == 0 ? "from rank 0" : "ignored", 0), "from rank 0");
  });
}

TEST(DistCollectives, BroadcastTensorsCopiesRankZerosValuesInAnyLayoutAndDtype) {
  run_local_group(2, [](Communicator& comm) {
    const float v = comm.rank() == 0 ? 1.5f : -7.0f;
    at::Tensor conv = at::full({2, 3, 4, 4}, v).contiguous(at::MemoryFormat::ChannelsLast);
    conv.select(1, 2).fill_(comm.rank() == 0 ? 2.5f : 0.0f);  // layout matters if copied raw
    at::Tensor counter = at::full({1}, comm.rank() == 0 ? 41 : 3, at::kLong);
    at::Tensor weight = at::full({5}, v).requires_grad_(true);  // a leaf parameter
    broadcast_tensors({conv, counter, weight}, comm, "test broadcast");
    EXPECT_TRUE(conv.is_contiguous(at::MemoryFormat::ChannelsLast));
    EXPECT_FLOAT_EQ(conv.select(1, 0).min().item<float>(), 1.5f);
    EXPECT_FLOAT_EQ(conv.select(1, 2).max().item<float>(), 2.5f);
    EXPECT_EQ(counter.item<int64_t>(), 41);
    EXPECT_TRUE(at::equal(weight.detach(), at::full({5}, 1.5f)));
  });
}

// Rank r contributes r + 1 rows; each rank's loss weights the whole gathered tensor with its own
// weights, so rank r's gradient is the sum over ranks of their weights on r's rows.
TEST(DistCollectives, AllGatherCatConcatenatesInRankOrderAndSumsGradients) {
  const int world = 3;
  auto rows_of = [](int r) { return static_cast<int64_t>(r + 1); };
  auto input_of = [&](int r) { return at::arange(rows_of(r) * 2, at::kFloat).reshape({rows_of(r), 2}) + 100.0 * r; };
  auto weights_of = [](int r, int64_t total_rows) {
    return at::arange(total_rows * 2, at::kFloat).reshape({total_rows, 2}) * static_cast<float>(r + 1) - 3.0;
  };
  const int64_t total = 1 + 2 + 3;
  run_local_group(world, [&](Communicator& comm) {
    const int r = comm.rank();
    at::Tensor x = input_of(r).requires_grad_(true);
    const at::Tensor y = all_gather_cat(x, comm);
    std::vector<at::Tensor> expected_parts;
    for (int s = 0; s < world; ++s) expected_parts.push_back(input_of(s));
    EXPECT_TRUE(at::equal(y.detach(), at::cat(expected_parts, 0)));
    (y * weights_of(r, total)).sum().backward();
    int64_t offset = 0;
    for (int s = 0; s < r; ++s) offset += rows_of(s);
    at::Tensor expected_grad = at::zeros({rows_of(r), 2});
    for (int s = 0; s < world; ++s) expected_grad += weights_of(s, total).narrow(0, offset, rows_of(r));
    EXPECT_TRUE(at::allclose(x.grad(), expected_grad)) << "rank " << r << "\n" << x.grad() << "\n" << expected_grad;
  });
}

TEST(DistCollectives, SingleProcessCollectivesAreIdentities) {
  ASSERT_EQ(current(), nullptr);
  EXPECT_EQ(world_size(), 1);
  EXPECT_EQ(rank(), 0);
  const at::Tensor x = at::ones({2, 3});
  EXPECT_TRUE(all_gather_cat(x).is_same(x));
  at::Tensor t = at::ones({2});
  all_reduce_sum(t);
  EXPECT_TRUE(at::equal(t, at::ones({2})));
  barrier();
  EXPECT_TRUE(broadcast_flag(true, 0, "flag"));
}

}  // namespace
}  // namespace facerep::dist
