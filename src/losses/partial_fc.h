#pragma once
// `partial_fc`: the margin softmax (margin_softmax.h) with its class centres split across the
// ranks of a multi-process run, so a classifier too large for one device (1M identities × 512)
// trains on several. Rank r of W holds classes [r·C/W, (r+1)·C/W) (class_shard); the embeddings
// and labels of the whole step are all-gathered, each rank computes margin logits against its own
// centres (optionally a sample of them) and sharded_cross_entropy assembles the softmax from the
// ranks' maxima and sums. No rank holds the full weight or logit matrix.
//
// Gradients: the centres get the whole job's gradient of the global mean loss directly (they are
// left out of the data-parallel averaging and of rank 0's initial broadcast: sharded_parameters).
// The embeddings' gradient flows back through the all-gather (summed over the ranks, each rank
// keeping its rows) and is multiplied by W, so that the trainer's averaging of the backbone's
// gradients over W ranks yields the gradient of the global mean loss.
//
// With sample_rate < 1, each step a rank keeps the centres of the batch's classes it holds plus
// random others up to ceil(sample_rate · its class count), drawn from the step's objective
// generator (deterministic from the run seed, step and rank).
#include <cstdint>
#include <string>
#include <vector>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include "losses/margin_softmax.h"
#include "losses/objective.h"

namespace facerep::dist {
class Communicator;
}

namespace facerep::losses {

struct PartialFCOptions : MarginOptions {
  double sample_rate = 1.0;

  template <class V> void visit(V& v) {
    MarginOptions::visit(v);
    v("sample_rate", sample_rate,
      "fraction of each rank's class centres in a step's softmax (the batch's classes always are)")
        .greater(0.0)
        .max(1.0);
  }
};

// The classes rank `rank` of `world` holds: [begin, begin + count).
struct ClassShard {
  int64_t begin = 0;
  int64_t count = 0;
};
ClassShard class_shard(int64_t num_classes, int world, int rank);

class PartialFC : public Objective {
 public:
  // `comm`: the run's communicator, nullptr in one process.
  PartialFC(const PartialFCOptions& options, const ObjectiveContext& ctx, dist::Communicator* comm);
  LossOutput compute(models::Backbone& model, const data::Batch& batch, StepContext& ctx) override;
  DataNeeds needs() const override;
  std::vector<at::Tensor> sharded_parameters() const override { return {weight_}; }

  // Loss on this rank's embeddings; `generator` draws the sampled centres (unused at rate 1).
  LossOutput loss(const at::Tensor& embeddings, const data::Batch& batch, at::Generator generator);
  const at::Tensor& weight() const { return weight_; }
  const ClassShard& shard() const { return shard_; }

 private:
  // Local rows of the centres in this step's softmax (sorted), given the gathered labels' local
  // columns (−1 elsewhere).
  at::Tensor sampled_rows(const at::Tensor& local_target, at::Generator generator) const;

  PartialFCOptions options_;
  dist::Communicator* comm_;
  int world_;
  int64_t num_classes_;
  ClassShard shard_;
  at::Tensor weight_;  // [shard_.count, D]
};

}  // namespace facerep::losses
