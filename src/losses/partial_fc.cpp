#include "losses/partial_fc.h"

#include <algorithm>
#include <cmath>

#include <torch/torch.h>

#include "core/error.h"
#include "dist/collectives.h"
#include "dist/communicator.h"
#include "losses/batch_checks.h"
#include "losses/sharded_cross_entropy.h"
#include "runtime/rng.h"

namespace facerep::losses {

namespace {
namespace F = torch::nn::functional;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Identity forward; multiplies the gradient by `factor` (the world size: see partial_fc.h).
class ScaleGradient : public torch::autograd::Function<ScaleGradient> {
 public:
  static variable_list forward(AutogradContext* ctx, const at::Tensor& x, double factor) {
    ctx->saved_data["factor"] = factor;
    return {x.clone()};
  }
  static variable_list backward(AutogradContext* ctx, variable_list grad) {
    return {grad[0] * ctx->saved_data["factor"].toDouble(), at::Tensor()};
  }
};

at::Tensor gathered(const at::Tensor& x, dist::Communicator* comm) {
  return comm ? dist::all_gather_cat(x, *comm) : x;
}

// Fraction of rows whose best plain cosine over every rank's (sampled) centres is their class.
at::Tensor sharded_accuracy(const at::Tensor& cos_theta, const at::Tensor& global_class, const at::Tensor& labels,
                        dist::Communicator* comm) {
  const auto [best, column] = cos_theta.detach().to(at::kFloat).max(1);
  at::Tensor predicted = global_class.index_select(0, column);
  if (comm) {
    const at::Tensor all_best = at::stack(comm->all_gather(best.contiguous(), "sharded accuracy (cosines)"), 0);
    const at::Tensor all_class = at::stack(comm->all_gather(predicted.contiguous(), "sharded accuracy (classes)"), 0);
    predicted = all_class.gather(0, all_best.argmax(0).unsqueeze(0)).squeeze(0);
  }
  return predicted.eq(labels).to(at::kDouble).mean();
}
// N(0, 0.01) centres (insightface's initialisation) for the shard's classes, the same values
// whatever the number of ranks: blocks of kInitBlock classes each come from their own generator,
// and a rank draws only the blocks its classes fall in (two partial ones at most).
constexpr int64_t kInitBlock = 4096;

at::Tensor initial_centres(const ClassShard& shard, int64_t dim, uint64_t seed) {
  at::Tensor out = at::empty({shard.count, dim});
  const int64_t end = shard.begin + shard.count;
  for (int64_t block = shard.begin / kInitBlock; block * kInitBlock < end; ++block) {
    const int64_t lo = std::max(shard.begin, block * kInitBlock), hi = std::min(end, (block + 1) * kInitBlock);
    const at::Tensor drawn =
        at::randn({hi - block * kInitBlock, dim}, runtime::make_cpu_generator(seed, static_cast<uint64_t>(block)));
    out.narrow(0, lo - shard.begin, hi - lo).copy_(drawn.narrow(0, lo - block * kInitBlock, hi - lo));
  }
  return out.mul_(0.01);
}
}  // namespace

ClassShard class_shard(int64_t num_classes, int world, int rank) {
  ClassShard s;
  s.begin = num_classes * rank / world;
  s.count = num_classes * (rank + 1) / world - s.begin;
  return s;
}

PartialFC::PartialFC(const PartialFCOptions& options, const ObjectiveContext& ctx, dist::Communicator* comm)
    : options_(options), comm_(comm), world_(comm ? comm->world_size() : 1), num_classes_(ctx.num_classes) {
  if (ctx.num_classes < 1)
    throw core::ConfigError("objective partial_fc: needs identity labels, but the training source has no identities");
  if (ctx.embedding_dim < 1) throw core::ConfigError("objective partial_fc: the model's embedding size is unknown");
  if (ctx.num_classes < world_)
    throw core::ConfigError("objective partial_fc: " + std::to_string(ctx.num_classes) + " classes cannot be split over " +
                            std::to_string(world_) + " processes (every rank needs at least one)");
  shard_ = class_shard(ctx.num_classes, world_, comm ? comm->rank() : 0);
  // The run seeds every rank's default generator alike, so this seed is the same on every rank.
  const uint64_t seed = static_cast<uint64_t>(torch::randint(1LL << 40, {1}, at::kLong).item<int64_t>());
  weight_ = register_parameter("weight", initial_centres(shard_, ctx.embedding_dim, seed));
}

DataNeeds PartialFC::needs() const {
  DataNeeds n;
  n.identity = true;
  return n;
}

at::Tensor PartialFC::sampled_rows(const at::Tensor& local_target, at::Generator generator) const {
  const auto opts = at::TensorOptions().dtype(at::kLong);
  if (options_.sample_rate >= 1.0) return at::arange(shard_.count, opts);
  // Positives score above every random draw in [0, 1), so the top-k keeps them all.
  at::Tensor score = at::rand({shard_.count}, generator);
  at::Tensor positive = at::zeros({shard_.count}, at::TensorOptions().dtype(at::kBool));
  positive.index_fill_(0, local_target.masked_select(local_target >= 0).cpu(), true);
  score.masked_fill_(positive, 2.0);
  const int64_t wanted = static_cast<int64_t>(std::ceil(options_.sample_rate * static_cast<double>(shard_.count)));
  const int64_t keep = std::min(shard_.count, std::max(wanted, positive.sum().item<int64_t>()));
  return std::get<0>(at::sort(std::get<1>(score.topk(keep))));
}

LossOutput PartialFC::loss(const at::Tensor& embeddings, const data::Batch& batch, at::Generator generator) {
  check_embeddings(embeddings, weight_.size(1), batch, "partial_fc");
  const at::Tensor labels = gathered(checked_labels(batch, num_classes_, "partial_fc").to(embeddings.device()), comm_);
  const at::Tensor x = gathered(ScaleGradient::apply(embeddings, static_cast<double>(world_))[0], comm_);

  at::Tensor local = labels - shard_.begin;
  local = at::where((local >= 0) & (local < shard_.count), local, at::full_like(local, -1));
  at::Tensor rows = sampled_rows(local, generator).to(labels.device());
  at::Tensor w = weight_;
  if (rows.numel() < shard_.count) {
    // Labels become columns of the sampled centres: position of each kept row.
    at::Tensor column_of = at::full({shard_.count}, -1, local.options());
    column_of.index_copy_(0, rows, at::arange(rows.numel(), local.options()));
    local = at::where(local >= 0, column_of.index_select(0, local.clamp_min(0)), local);
    w = weight_.index_select(0, rows);
  }
  const at::Tensor cos_theta = F::linear(F::normalize(x, F::NormalizeFuncOptions().dim(1)),
                                         F::normalize(w.to(x.scalar_type()), F::NormalizeFuncOptions().dim(1)));
  const at::Tensor logits = margin_logits(cos_theta, local, options_);
  LossOutput out;
  out.total = sharded_cross_entropy(logits, local, comm_);
  out.terms.emplace_back("partial_fc", out.total);
  out.metrics["accuracy"] = sharded_accuracy(cos_theta, rows + shard_.begin, labels, comm_);
  return out;
}

LossOutput PartialFC::compute(models::Backbone& model, const data::Batch& batch, StepContext& ctx) {
  return loss(model.forward(batch.images), batch, ctx.generator);
}

}  // namespace facerep::losses
