#include "trainers/fewshot_finetune.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>

#include <torch/torch.h>

#include "core/error.h"
#include "core/logging.h"
#include "data/dataset.h"
#include "eval/embed.h"
#include "eval/portable_random.h"
#include "trainers/adamw.h"
#include "trainers/schedule.h"

namespace facerep::trainers {
namespace {

namespace F = torch::nn::functional;

// The linear head on the embedding, standardised by statistics fixed before training.
class FinetuneHeadImpl : public torch::nn::Module {
 public:
  FinetuneHeadImpl(const at::Tensor& mean, const at::Tensor& scale, int64_t outputs) {
    mean_ = register_buffer("mean", mean);
    scale_ = register_buffer("scale", scale);
    fc_ = register_module("fc", torch::nn::Linear(mean.size(0), outputs));
  }
  at::Tensor forward(const at::Tensor& embedding) { return fc_->forward((embedding - mean_) * scale_); }

 private:
  at::Tensor mean_, scale_;
  torch::nn::Linear fc_{nullptr};
};

// Mean and 1 / standard deviation of every column of `x` over its rows; a constant column
// (or a single row) is only centred, not scaled by an infinite factor.
std::pair<at::Tensor, at::Tensor> finetune_column_stats(const at::Tensor& x) {
  const at::Tensor mean = x.mean(0);
  const at::Tensor sd = (x - mean).pow(2).mean(0).sqrt();
  return {mean, torch::where(sd > 1e-6, 1.0 / sd, torch::ones_like(sd))};
}

// What the head of one fit learns and how its outputs become the task's.
struct FinetuneTarget {
  enum class Kind { kClasses, kUnits, kValues } kind = Kind::kClasses;
  at::Tensor y;           // per training row, as the loss takes it
  int64_t outputs = 0;    // head width
  at::Tensor mean, sd;    // kValues: the standardisation the outputs undo
};

FinetuneTarget finetune_target(const eval::fewshot::ProtocolRequest& r, const at::Tensor& y) {
  const std::string what = "protocol finetune, task " + r.task + ": ";
  FinetuneTarget t;
  if (r.task == "verification") {
    // Verification is scored on embeddings; the training identities (`y`) only give the encoder
    // something to learn. Numbered 0..K-1 among the identities present.
    if (y.dim() != 1 || at::isFloatingType(y.scalar_type()))
      throw core::ConfigError(what + "expects the identity of every training row, got a " +
                              c10::toString(y.scalar_type()) + " tensor of " + std::to_string(y.dim()) + " dims");
    const at::Tensor ids = y.to(torch::kLong).contiguous().cpu();
    std::map<int64_t, int64_t> number;
    for (int64_t i = 0; i < ids.numel(); ++i) number.emplace(ids.data_ptr<int64_t>()[i], 0);
    if (number.size() < 2)
      throw core::ConfigError(what + "the training rows hold one identity; a classifier needs two or more");
    int64_t next = 0;
    for (auto& kv : number) kv.second = next++;
    std::vector<int64_t> labels;
    for (int64_t i = 0; i < ids.numel(); ++i) labels.push_back(number.at(ids.data_ptr<int64_t>()[i]));
    t.y = torch::tensor(labels, torch::kLong);
    t.outputs = next;
    return t;
  }
  switch (r.probe) {
    case eval::fewshot::ProbeTask::kClassification:
      if (r.classes < 1) throw core::ConfigError(what + "a classification request without classes");
      if (y.dim() != 1 || y.min().item<int64_t>() < 0 || y.max().item<int64_t>() >= r.classes)
        throw core::ConfigError(what + "class labels must be one per row in [0, " + std::to_string(r.classes) + ")");
      t.y = y.to(torch::kLong);
      t.outputs = r.classes;
      return t;
    case eval::fewshot::ProbeTask::kMultiLabel:
      t.kind = FinetuneTarget::Kind::kUnits;
      t.y = y.to(torch::kFloat);
      t.outputs = y.size(1);
      return t;
    case eval::fewshot::ProbeTask::kRegression: {
      // Standardised so that one lr fits targets in pixels, degrees or units of the image side.
      t.kind = FinetuneTarget::Kind::kValues;
      const at::Tensor v = y.to(torch::kFloat);
      auto [mean, inv_sd] = finetune_column_stats(v);
      t.mean = mean;
      t.sd = 1.0 / inv_sd;
      t.y = (v - mean) * inv_sd;
      t.outputs = y.size(1);
      return t;
    }
  }
  throw core::ConfigError(what + "unknown kind of targets");
}

at::Tensor finetune_loss(const FinetuneTarget& t, const at::Tensor& out, const at::Tensor& y) {
  switch (t.kind) {
    case FinetuneTarget::Kind::kClasses: return F::cross_entropy(out, y);
    case FinetuneTarget::Kind::kUnits: return F::binary_cross_entropy_with_logits(out, y);
    case FinetuneTarget::Kind::kValues: return F::mse_loss(out, y);
  }
  return {};
}

at::Tensor finetune_outputs(const FinetuneTarget& t, const at::Tensor& out) {
  switch (t.kind) {
    case FinetuneTarget::Kind::kClasses: return torch::softmax(out, 1);
    case FinetuneTarget::Kind::kUnits: return torch::sigmoid(out);
    case FinetuneTarget::Kind::kValues: return out * t.sd + t.mean;
  }
  return {};
}

// Training batches of row positions: a fresh permutation (from the fit's seed) every epoch,
// `size` rows at a time; the rows left over at an epoch's end wait for the next permutation,
// so every batch is full and holds no row twice.
class FinetuneBatches {
 public:
  FinetuneBatches(int64_t rows, int64_t size, uint64_t seed)
      : order_(static_cast<size_t>(rows)), size_(std::min(size, rows)), rng_(seed), next_(order_.size()) {
    for (size_t i = 0; i < order_.size(); ++i) order_[i] = static_cast<int64_t>(i);
  }
  at::Tensor next() {
    if (next_ + static_cast<size_t>(size_) > order_.size()) {
      eval::shuffle_in_place(order_, rng_);
      next_ = 0;
    }
    std::vector<int64_t> batch(order_.begin() + static_cast<std::ptrdiff_t>(next_),
                               order_.begin() + static_cast<std::ptrdiff_t>(next_) + size_);
    next_ += static_cast<size_t>(size_);
    return torch::tensor(batch, torch::kLong);
  }

 private:
  std::vector<int64_t> order_;
  int64_t size_;
  std::mt19937_64 rng_;
  size_t next_;
};

// Train mode, except modules whose parameters are all frozen: a frozen block keeps its batch-norm
// statistics and drops no paths, so "frozen" means its output does not change either.
void finetune_train_modes(torch::nn::Module& model) {
  model.train();
  for (const auto& m : model.modules(/*include_self=*/true)) {
    const auto params = m->parameters(/*recurse=*/true);
    const bool frozen =
        std::none_of(params.begin(), params.end(), [](const at::Tensor& p) { return p.requires_grad(); });
    if (!params.empty() && frozen) m->eval();
  }
}

// `model` over in-memory images, `batch` at a time, in eval mode without gradients; on the CPU.
at::Tensor finetune_forward_all(models::Backbone& model, const at::Tensor& images, int64_t batch, c10::Device device) {
  torch::NoGradGuard no_grad;
  eval::EvalModeGuard eval_mode(model);
  std::vector<at::Tensor> chunks;
  for (int64_t s = 0; s < images.size(0); s += batch)
    chunks.push_back(model.forward(images.slice(0, s, s + batch).to(device)).to(torch::kFloat).cpu());
  return torch::cat(chunks, 0);
}

}  // namespace

bool finetune_trains(const models::Backbone& model, const std::string& name, int blocks) {
  if (blocks < 0) return true;
  if (blocks == 0) return false;
  // Layers 1..L are the blocks, L + 1 what follows them: the last N blocks are L + 1 - N..L.
  return model.layer_id(name) > model.num_layers() - blocks;
}

bool can_finetune(const models::Backbone& model) { return !model.parameters(/*recurse=*/true).empty(); }

std::vector<ParamGroup> finetune_param_groups(const std::shared_ptr<models::Backbone>& model,
                                              const std::shared_ptr<torch::nn::Module>& head,
                                              const FinetuneOptions& options) {
  for (auto& p : model->named_parameters(/*recurse=*/true))
    p.value().set_requires_grad(finetune_trains(*model, p.key(), options.blocks));
  for (auto& p : head->parameters(/*recurse=*/true)) p.set_requires_grad(true);
  OptimizerInputs in;
  in.model = model;
  in.objective = head;  // optimised at head depth: the full lr
  return build_param_groups(in, options.weight_decay, options.layer_decay);
}

FinetuneProtocol::FinetuneProtocol(std::shared_ptr<models::Backbone> model,
                                   std::shared_ptr<const data::Dataset> dataset, c10::Device device,
                                   const FinetuneOptions& options, int64_t eval_batch)
    : model_(std::move(model)),
      dataset_(std::move(dataset)),
      device_(device),
      options_(options),
      eval_batch_(eval_batch) {
  if (!model_ || !dataset_) throw core::RuntimeError("protocol finetune: no encoder or no dataset");
  if (!can_finetune(*model_)) throw core::ConfigError("protocol finetune: the encoder has no parameters to train");
  if (eval_batch_ < 1) throw core::ConfigError("batch_size: must be >= 1, got " + std::to_string(eval_batch_));
  if (options_.blocks > 0 && model_->num_layers() == 0)
    core::log_warn("finetune.blocks: this encoder has no block structure (layer ids); it is trained whole");
  for (const auto& [name, t] : runtime::module_state(*model_)) initial_.emplace_back(name, t.detach().clone());
}

at::Tensor FinetuneProtocol::embed_rows(const std::vector<int64_t>& rows) {
  torch::NoGradGuard no_grad;
  eval::EvalModeGuard eval_mode(*model_);
  std::vector<at::Tensor> chunks;
  eval::for_each_batch(*dataset_, rows, eval_batch_, [&](const data::Batch& b) {
    chunks.push_back(model_->forward(b.images.to(device_)).to(torch::kFloat).cpu());
  });
  return chunks.empty() ? torch::zeros({0, model_->embedding_dim()}) : torch::cat(chunks, 0);
}

at::Tensor FinetuneProtocol::fit_predict(const eval::fewshot::ProtocolRequest& request,
                                         const std::vector<int64_t>& train, const at::Tensor& y,
                                         const std::vector<int64_t>& query) {
  if (train.empty()) throw core::ConfigError("protocol finetune, task " + request.task + ": no training rows");
  if (y.size(0) != static_cast<int64_t>(train.size()))
    throw core::RuntimeError("protocol finetune: " + std::to_string(y.size(0)) + " targets for " +
                             std::to_string(train.size()) + " training rows");
  // Every fit from the same weights and the same random stream: cells are independent of the
  // order they run in, and a resumed sweep reproduces them.
  runtime::load_module_state(*model_, initial_, "the encoder's initial weights");
  for (auto& p : model_->parameters(/*recurse=*/true)) p.mutable_grad() = at::Tensor();
  torch::manual_seed(request.seed);
  const FinetuneTarget target = finetune_target(request, y);

  std::vector<at::Tensor> chunks;
  eval::for_each_batch(*dataset_, train, eval_batch_, [&](const data::Batch& b) { chunks.push_back(b.images); });
  const at::Tensor images = torch::cat(chunks, 0);
  // Embeddings under the initial weights: the head's standardisation, and with a frozen encoder
  // the head's whole input (computed once instead of every step).
  const at::Tensor start = finetune_forward_all(*model_, images, eval_batch_, device_);
  auto [mean, scale] = finetune_column_stats(start);
  auto head = std::make_shared<FinetuneHeadImpl>(mean, scale, target.outputs);
  head->to(device_);

  AdamW optimizer(finetune_param_groups(model_, head, options_), options_.lr, 0.9, 0.999, 1e-8);
  bool encoder_trains = false;
  for (const auto& p : model_->parameters(/*recurse=*/true)) encoder_trains = encoder_trains || p.requires_grad();
  ScheduleContext ctx;
  ctx.base_lr = options_.lr;
  ctx.total_steps = options_.steps;
  const auto schedule =
      cosine_schedule(ctx, std::llround(options_.warmup * static_cast<double>(options_.steps)));
  FinetuneBatches batches(static_cast<int64_t>(train.size()), options_.batch_size, request.seed);
  finetune_train_modes(*model_);
  head->train();
  for (int64_t step = 0; step < options_.steps; ++step) {
    optimizer.set_lr(schedule->lr(step));
    const at::Tensor idx = batches.next();
    const at::Tensor embedding = encoder_trains ? model_->forward(images.index_select(0, idx).to(device_))
                                                : start.index_select(0, idx).to(device_);
    const at::Tensor loss = finetune_loss(target, head->forward(embedding), target.y.index_select(0, idx).to(device_));
    optimizer.zero_grad();
    loss.backward();
    optimizer.step();
  }
  model_->eval();
  head->eval();

  const at::Tensor embeddings = embed_rows(query);
  if (request.task == "verification") return embeddings;
  torch::NoGradGuard no_grad;
  return finetune_outputs(target, head->forward(embeddings.to(device_)).cpu());
}

}  // namespace facerep::trainers
