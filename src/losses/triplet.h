#pragma once
// Triplet loss on L2-normalised embeddings with in-batch mining:
//   batch_all  every valid (anchor, positive, negative); averaged over the triplets whose loss is
//              positive ("active"), whose fraction is reported
//   batch_hard per anchor, its farthest positive and nearest negative
//   semi_hard  per (anchor, positive), FaceNet's choice: the nearest negative that is farther than
//              the positive but within the margin; the nearest negative when there is none
// loss(a,p,n) = max(0, d(a,p) − d(a,n) + margin), d squared or plain Euclidean.
#include <cstdint>
#include <string>

#include <ATen/core/Tensor.h>

#include "losses/objective.h"

namespace facerep::losses {

struct TripletOptions {
  double margin = 0.2;
  std::string mining = "semi_hard";
  std::string distance = "squared";

  template <class V> void visit(V& v) {
    v("margin", margin, "α in max(0, d(a,p) − d(a,n) + α)").greater(0.0);
    v("mining", mining, "triplet selection in the batch").one_of({"batch_all", "batch_hard", "semi_hard"});
    v("distance", distance, "squared or plain (euclidean) distance between normalised embeddings")
        .one_of({"squared", "euclidean"});
  }
};

// Pairwise distances [B,B] between rows of x; euclidean uses a sqrt whose gradient is zero (not
// NaN) where two rows coincide.
at::Tensor pairwise_distances(const at::Tensor& x, bool squared);

// Mined triplets as three int64 index tensors [T].
struct Triplets {
  at::Tensor anchor, positive, negative;
  int64_t size() const { return anchor.numel(); }
};
// dist [B,B], labels [B]. Selection only (no gradient).
Triplets mine_triplets(const at::Tensor& dist, const at::Tensor& labels, const std::string& mining, double margin);

struct TripletLoss {
  at::Tensor loss;              // scalar
  double fraction_active = 0;   // mined triplets with positive loss / mined triplets
  int64_t mined = 0;
};
TripletLoss triplet_loss(const at::Tensor& embeddings, const at::Tensor& labels, const TripletOptions& o);

class TripletObjective : public Objective {
 public:
  explicit TripletObjective(const TripletOptions& options) : options_(options) {}
  LossOutput compute(models::Backbone& model, const data::Batch& batch, StepContext& ctx) override;
  DataNeeds needs() const override;

 private:
  TripletOptions options_;
};

}  // namespace facerep::losses
