#include <gtest/gtest.h>

#include <torch/torch.h>

#include "dist/communicator.h"
#include "dist/grad_reducer.h"
#include "local_group.h"

namespace facerep::dist {
namespace {

using facerep::testing::run_local_group;

// Parameters d (never used), a, b, c (used by rank 0 only); a loss that differs per rank and
// micro-batch.
struct ReducerFixture {
  at::Tensor d = at::zeros({2}).requires_grad_(true);
  at::Tensor a = at::linspace(-1.0, 1.0, 4).requires_grad_(true);
  at::Tensor b = at::linspace(0.5, 2.0, 6).reshape({3, 2}).requires_grad_(true);
  at::Tensor c = at::ones({2}).requires_grad_(true);

  std::vector<at::Tensor> params() const { return {d, a, b, c}; }

  // Loss of rank r's micro-batch m on the given parameter values.
  static at::Tensor loss(int r, int m, const at::Tensor& a, const at::Tensor& b, const at::Tensor& c) {
    const double k = 1.0 + r + 0.5 * m;
    at::Tensor l = (a * at::arange(4, at::kFloat) * k).sum() + (b * b * k).sum();
    if (r == 0) l = l + (c * (m + 2.0)).sum();
    return l;
  }

  // The gradient one process would have for the mean over `world` ranks of their summed
  // micro-batch losses (what data-parallel training must produce).
  std::vector<at::Tensor> expected(int world, int micro) const {
    at::Tensor ga = at::zeros_like(a), gb = at::zeros_like(b), gc = at::zeros_like(c);
    for (int r = 0; r < world; ++r)
      for (int m = 0; m < micro; ++m) {
        at::Tensor a2 = a.detach().clone().requires_grad_(true), b2 = b.detach().clone().requires_grad_(true),
                   c2 = c.detach().clone().requires_grad_(true);
        loss(r, m, a2, b2, c2).backward();
        ga += a2.grad();
        gb += b2.grad();
        if (c2.grad().defined()) gc += c2.grad();
      }
    return {ga / world, gb / world, gc / world};
  }
};

TEST(DistGradReducer, AveragesAccumulatedGradientsWithOneReductionPerStep) {
  run_local_group(2, [](Communicator& comm) {
    ReducerFixture f;
    // About one byte per bucket: every parameter in its own bucket, launched in reverse order.
    GradReducer reducer(comm, f.params(), 1e-6);
    EXPECT_EQ(reducer.bucket_count(), 4u);
    const int r = comm.rank();
    for (int m = 0; m < 2; ++m) {
      reducer.prepare(/*last=*/m == 1);
      ReducerFixture::loss(r, m, f.a, f.b, f.c).backward();
    }
    EXPECT_EQ(reducer.finish().item<double>(), 0.0);
    EXPECT_EQ(reducer.collectives_launched(), 4);  // the first micro-batch communicated nothing
    // Rank 0 filled c, b, a during backward and launched them before finish(); rank 1 never
    // fills c (bucket 0), so everything waits for finish() there, in the same order.
    EXPECT_EQ(reducer.launched_during_backward(), r == 0 ? 3u : 0u);
    const std::vector<at::Tensor> want = f.expected(2, 2);
    EXPECT_TRUE(at::allclose(f.a.grad(), want[0])) << f.a.grad() << want[0];
    EXPECT_TRUE(at::allclose(f.b.grad(), want[1])) << f.b.grad() << want[1];
    ASSERT_TRUE(f.c.grad().defined());  // rank 1 gets rank 0's half
    EXPECT_TRUE(at::allclose(f.c.grad(), want[2])) << f.c.grad() << want[2];
    EXPECT_FALSE(f.d.grad().defined());  // no rank used it: no gradient, as in one process
  });
}

TEST(DistGradReducer, OneRanksSkipVoteSkipsTheStepEverywhere) {
  run_local_group(2, [](Communicator& comm) {
    ReducerFixture f;
    GradReducer reducer(comm, f.params(), 25.0);
    EXPECT_EQ(reducer.bucket_count(), 1u);
    for (int step = 0; step < 2; ++step) {
      reducer.prepare(true, /*skip_vote=*/at::scalar_tensor(step == 1 && comm.rank() == 1 ? 1.0 : 0.0));
      ReducerFixture::loss(comm.rank(), 0, f.a, f.b, f.c).backward();
      EXPECT_EQ(reducer.finish().item<double>() > 0.0, step == 1) << "step " << step << " rank " << comm.rank();
      f.a.mutable_grad().reset();
      f.b.mutable_grad().reset();
      f.c.mutable_grad().reset();
    }
    EXPECT_EQ(reducer.collectives_launched(), 2);
  });
}

}  // namespace
}  // namespace facerep::dist
