#include "losses/triplet.h"

#include <limits>

#include <torch/torch.h>

#include "core/error.h"
#include "dist/collectives.h"
#include "losses/batch_checks.h"

namespace facerep::losses {

at::Tensor pairwise_distances(const at::Tensor& x, bool squared) {
  const at::Tensor sq = (x * x).sum(1);
  at::Tensor d = (sq.unsqueeze(1) + sq.unsqueeze(0) - 2.0 * x.matmul(x.t())).clamp_min(0.0);
  // The diagonal is exactly zero, not a rounding residue.
  d = d * (1.0 - torch::eye(x.size(0), x.options()));
  if (squared) return d;
  const at::Tensor zero = d.eq(0).to(d.scalar_type());
  // sqrt'(0) is infinite; shift zeros off zero and mask them back so their gradient is 0.
  return torch::sqrt(d + zero * 1e-16) * (1.0 - zero);
}

Triplets mine_triplets(const at::Tensor& dist_in, const at::Tensor& labels_in, const std::string& mining,
                       double margin) {
  torch::NoGradGuard no_grad;
  const at::Tensor dist = dist_in.detach().to(torch::kDouble).cpu();
  const at::Tensor labels = labels_in.cpu();
  const int64_t b = labels.numel();
  const at::Tensor same = labels.unsqueeze(0).eq(labels.unsqueeze(1));
  const at::Tensor pos = same & ~torch::eye(b, torch::kBool);
  const at::Tensor neg = ~same;
  const double inf = std::numeric_limits<double>::infinity();
  Triplets t;
  if (mining == "batch_all") {
    const at::Tensor valid = pos.unsqueeze(2) & neg.unsqueeze(1);  // [a,p,n]
    const at::Tensor idx = valid.nonzero();
    t.anchor = idx.select(1, 0);
    t.positive = idx.select(1, 1);
    t.negative = idx.select(1, 2);
  } else if (mining == "batch_hard") {
    const at::Tensor has = pos.any(1) & neg.any(1);
    const at::Tensor hardest_pos = dist.masked_fill(~pos, -inf).argmax(1);
    const at::Tensor hardest_neg = dist.masked_fill(~neg, inf).argmin(1);
    const at::Tensor anchors = has.nonzero().select(1, 0);
    t.anchor = anchors;
    t.positive = hardest_pos.index_select(0, anchors);
    t.negative = hardest_neg.index_select(0, anchors);
  } else if (mining == "semi_hard") {
    const at::Tensor pairs = (pos & neg.any(1).unsqueeze(1)).nonzero();
    const at::Tensor a = pairs.select(1, 0), p = pairs.select(1, 1);
    const at::Tensor d_ap = dist.index({a, p}).unsqueeze(1);     // [T,1]
    const at::Tensor d_an = dist.index_select(0, a);              // [T,B]
    const at::Tensor neg_a = neg.index_select(0, a);              // [T,B]
    const at::Tensor band = neg_a & (d_an > d_ap) & (d_an < d_ap + margin);
    const at::Tensor semi = d_an.masked_fill(~band, inf).argmin(1);
    const at::Tensor hardest = d_an.masked_fill(~neg_a, inf).argmin(1);
    t.anchor = a;
    t.positive = p;
    t.negative = torch::where(band.any(1), semi, hardest);
  } else {
    throw core::ConfigError("triplet: unknown mining '" + mining + "' (batch_all, batch_hard, semi_hard)");
  }
  return t;
}

TripletLoss triplet_loss(const at::Tensor& embeddings, const at::Tensor& labels, const TripletOptions& o) {
  namespace F = torch::nn::functional;
  const at::Tensor x = F::normalize(embeddings, F::NormalizeFuncOptions().dim(1));
  const at::Tensor dist = pairwise_distances(x, o.distance == "squared");
  const Triplets t = mine_triplets(dist, labels, o.mining, o.margin);
  TripletLoss out;
  out.mined = t.size();
  if (t.size() == 0) {
    // No valid triplet (a batch of one identity): a zero that still belongs to the graph.
    out.loss = dist.sum() * 0.0;
    return out;
  }
  const at::Tensor a = t.anchor.to(dist.device());
  const at::Tensor d_ap = dist.index({a, t.positive.to(dist.device())});
  const at::Tensor d_an = dist.index({a, t.negative.to(dist.device())});
  const at::Tensor per = torch::relu(d_ap - d_an + o.margin);
  const at::Tensor active = per.gt(0);
  const int64_t n_active = active.sum().item<int64_t>();
  out.fraction_active = static_cast<double>(n_active) / static_cast<double>(t.size());
  if (o.mining == "batch_all")
    out.loss = per.sum() / static_cast<double>(std::max<int64_t>(n_active, 1));
  else
    out.loss = per.mean();
  return out;
}

DataNeeds TripletObjective::needs() const {
  DataNeeds n;
  n.identity = true;
  n.m_per_class_sampler = true;
  return n;
}

LossOutput TripletObjective::compute(models::Backbone& model, const data::Batch& batch, StepContext&) {
  const at::Tensor emb = model.forward(batch.images);
  check_embeddings(emb, emb.dim() == 2 ? emb.size(1) : 0, batch, "triplet");
  if (!batch.identity.defined())
    throw core::RuntimeError("triplet: the batch has no identity labels (samples " + describe_samples(batch) + ")");
  const at::Tensor labels = batch.identity.to(torch::kLong);
  const at::Tensor unknown = batch.on_host().identity.lt(0).nonzero();
  if (unknown.numel() > 0) {
    std::vector<int64_t> rows;
    for (int64_t i = 0; i < unknown.size(0); ++i) rows.push_back(unknown[i][0].item<int64_t>());
    throw core::RuntimeError("triplet: sample(s) without an identity label (-1): " + describe_samples(batch, rows));
  }
  // Mining over the whole job's batch: every rank gathers every rank's embeddings (their gradient
  // flows back through the gather) and labels and computes the same loss, so the trainer's
  // average of the ranks' gradients is the gradient of the one-process loss over that batch
  // (each rank's rows get the gradient summed over the W identical losses, averaged by W).
  const TripletLoss r = triplet_loss(dist::all_gather_cat(emb), dist::all_gather_cat(labels), options_);
  LossOutput out;
  out.total = r.loss;
  out.terms.emplace_back("triplet", r.loss);
  out.metrics["fraction_active"] = host_metric(r.fraction_active);
  out.metrics["triplets"] = host_metric(static_cast<double>(r.mined));
  return out;
}

}  // namespace facerep::losses
