#include "eval/fewshot/probes.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <string>
#include <utility>

#include <torch/torch.h>

#include "core/error.h"
#include "eval/fewshot/subsets.h"

namespace facerep::eval::fewshot {

namespace {

constexpr int64_t kKnnQueryChunk = 1024;  // bounds the [queries, train rows] similarity block

at::Tensor float_cpu(const at::Tensor& t) { return t.detach().to(torch::kCPU, torch::kFloat); }

void check_rows(const at::Tensor& features, const at::Tensor& targets, const char* what) {
  if (features.dim() != 2 || targets.dim() < 1 || features.size(0) != targets.size(0) || features.size(0) == 0)
    throw core::ConfigError(std::string(what) + ": expected features [N, D] and targets with the same N >= 1, got " +
                            c10::str(features.sizes()) + " and " + c10::str(targets.sizes()));
}

// Class count from the options or the labels; every label must lie in [0, count).
int64_t class_count(const at::Tensor& labels, int64_t configured, const char* what) {
  if (labels.dim() != 1) throw core::ConfigError(std::string(what) + ": class targets must be [N] indices");
  const int64_t lo = labels.min().item<int64_t>(), hi = labels.max().item<int64_t>();
  const int64_t count = configured > 0 ? configured : hi + 1;
  if (lo < 0 || hi >= count)
    throw core::ConfigError(std::string(what) + ": class labels must lie in [0, " + std::to_string(count) + "), got " +
                            std::to_string(lo) + ".." + std::to_string(hi));
  return count;
}

// Multi-label or regression targets as the [N, outputs] float matrix the probe and kNN fit
// (class targets stay int64 indices: the probe's cross-entropy takes them, kNN one-hot encodes them).
at::Tensor target_matrix(const at::Tensor& targets, ProbeTask task, const char* what) {
  if (task == ProbeTask::kMultiLabel) {
    if (targets.dim() != 2) throw core::ConfigError(std::string(what) + ": multi-label targets must be [N, units]");
    return float_cpu(targets);
  }
  if (targets.dim() > 2) throw core::ConfigError(std::string(what) + ": regression targets must be [N] or [N, T]");
  return float_cpu(targets).reshape({targets.size(0), -1});
}

}  // namespace

// ---- Linear probe ----------------------------------------------------------------------------

LinearProbe::LinearProbe(LinearProbeOptions options) : options_(std::move(options)) {
  if (options_.weight_decays.empty()) throw core::ConfigError("linear probe: the weight decay grid is empty");
  for (double wd : options_.weight_decays)
    if (!(wd >= 0)) throw core::ConfigError("linear probe: weight decays must be >= 0, got " + std::to_string(wd));
  if (!(options_.default_weight_decay >= 0))
    throw core::ConfigError("linear probe: default_weight_decay must be >= 0");
  if (options_.max_iterations < 1) throw core::ConfigError("linear probe: max_iterations must be >= 1");
}

ProbeFitReport LinearProbe::fit(const at::Tensor& features, const at::Tensor& targets) {
  check_rows(features, targets, "linear probe");
  // The caller may be evaluating under InferenceMode or NoGradGuard; fitting needs autograd.
  c10::InferenceMode normal_tensors(false);
  const at::Tensor x = float_cpu(features).clone();
  at::Tensor y;
  std::vector<int64_t> strata;
  squeeze_ = false;
  if (options_.task == ProbeTask::kClassification) {
    y = targets.detach().to(torch::kCPU, torch::kLong).contiguous().clone();  // read through data_ptr below
    outputs_ = class_count(y, options_.num_classes, "linear probe");
    strata.assign(y.data_ptr<int64_t>(), y.data_ptr<int64_t>() + y.numel());
  } else {
    y = target_matrix(targets, options_.task, "linear probe").clone();
    outputs_ = y.size(1);
    squeeze_ = options_.task == ProbeTask::kRegression && targets.dim() == 1;
  }
  const int64_t n = x.size(0);
  std::vector<int64_t> rows(static_cast<size_t>(n));
  std::iota(rows.begin(), rows.end(), int64_t{0});
  const TrainValidationSplit split = split_validation(rows, strata, options_.validation_fraction, options_.seed);

  report_ = ProbeFitReport{};
  report_.train_rows = static_cast<int64_t>(split.train.size());
  report_.validation_rows = static_cast<int64_t>(split.validation.size());
  report_.weight_decay = options_.default_weight_decay;
  weight_ = at::Tensor();  // the first fit starts from zero weights
  if (!split.validation.empty()) {
    const at::Tensor train = torch::tensor(split.train), validation = torch::tensor(split.validation);
    const at::Tensor x_train = x.index_select(0, train), y_train = y.index_select(0, train);
    const at::Tensor x_val = x.index_select(0, validation), y_val = y.index_select(0, validation);
    report_.candidates = options_.weight_decays;
    std::sort(report_.candidates.begin(), report_.candidates.end());
    report_.validation_losses.assign(report_.candidates.size(), 0.0);
    // Largest decay first, each fit starting from the previous solution (a regularisation path:
    // far fewer L-BFGS iterations than from zero). Strict `<`: an equal loss keeps the larger decay.
    double best = std::numeric_limits<double>::infinity();
    at::Tensor best_weight, best_bias;
    for (size_t i = report_.candidates.size(); i-- > 0;) {
      fit_rows(x_train, y_train, report_.candidates[i]);
      report_.validation_losses[i] = loss(x_val, y_val);
      if (report_.validation_losses[i] < best || !best_weight.defined()) {
        best = report_.validation_losses[i];
        report_.weight_decay = report_.candidates[i];
        best_weight = weight_;
        best_bias = bias_;
      }
    }
    weight_ = best_weight;  // the refit on all rows starts from the chosen candidate's solution
    bias_ = best_bias;
    report_.validated = true;
  }
  fit_rows(x, y, report_.weight_decay);
  return report_;
}

void LinearProbe::fit_rows(const at::Tensor& features, const at::Tensor& targets, double weight_decay) {
  mean_ = features.mean(0);
  // A constant feature keeps scale 1 instead of dividing by zero.
  std_ = features.std(0, /*unbiased=*/false);
  std_ = torch::where(std_ > 1e-8, std_, torch::ones_like(std_));
  const at::Tensor x = (features - mean_) / std_;
  const int64_t n = x.size(0), d = x.size(1);

  if (options_.task == ProbeTask::kRegression) {
    // Ridge on centred data: minimise ½·mean‖xW + b - y‖² + ½·wd·‖W‖², i.e. (XᵀX + N·wd·I) W = XᵀY,
    // solved in double in whichever of the primal (D×D) or dual (N×N) systems is smaller.
    const at::Tensor xd = x.to(torch::kDouble), yd = targets.to(torch::kDouble);
    const at::Tensor y_mean = yd.mean(0), yc = yd - y_mean;
    const double ridge = static_cast<double>(n) * weight_decay;
    at::Tensor w;
    if (d <= n) {
      w = at::linalg_solve(xd.t().matmul(xd) + ridge * torch::eye(d, torch::kDouble), xd.t().matmul(yc));
    } else {
      w = xd.t().matmul(at::linalg_solve(xd.matmul(xd.t()) + ridge * torch::eye(n, torch::kDouble), yc));
    }
    weight_ = w.to(torch::kFloat);
    bias_ = y_mean.to(torch::kFloat);  // standardised features have mean 0 on the fitting rows
    return;
  }

  torch::AutoGradMode grad_on(true);
  const bool warm = weight_.defined() && weight_.size(0) == d && weight_.size(1) == outputs_;
  at::Tensor w = (warm ? weight_.clone() : torch::zeros({d, outputs_})).requires_grad_();
  at::Tensor b = (warm ? bias_.clone() : torch::zeros({outputs_})).requires_grad_();
  torch::optim::LBFGS optimizer({w, b}, torch::optim::LBFGSOptions(1.0)
                                            .max_iter(options_.max_iterations)
                                            .history_size(20)
                                            .tolerance_grad(1e-7)
                                            .tolerance_change(1e-10)
                                            .line_search_fn("strong_wolfe"));
  const bool multilabel = options_.task == ProbeTask::kMultiLabel;
  auto closure = [&] {
    optimizer.zero_grad();
    const at::Tensor logits = torch::addmm(b, x, w);
    const at::Tensor data_loss = multilabel ? torch::binary_cross_entropy_with_logits(logits, targets)
                                            : torch::cross_entropy_loss(logits, targets);
    at::Tensor total = data_loss + 0.5 * weight_decay * w.square().sum();
    total.backward();
    return total;
  };
  optimizer.step(closure);
  weight_ = w.detach();
  bias_ = b.detach();
}

at::Tensor LinearProbe::raw_outputs(const at::Tensor& features) const {
  if (!weight_.defined()) throw core::RuntimeError("linear probe: predict called before fit");
  if (features.dim() != 2 || features.size(1) != weight_.size(0))
    throw core::ConfigError("linear probe: expected features [M, " + std::to_string(weight_.size(0)) + "], got " +
                            c10::str(features.sizes()));
  return torch::addmm(bias_, (float_cpu(features) - mean_) / std_, weight_);
}

double LinearProbe::loss(const at::Tensor& features, const at::Tensor& targets) const {
  torch::NoGradGuard no_grad;
  const at::Tensor out = raw_outputs(features);
  switch (options_.task) {
    case ProbeTask::kClassification: return torch::cross_entropy_loss(out, targets).item<double>();
    case ProbeTask::kMultiLabel: return torch::binary_cross_entropy_with_logits(out, targets).item<double>();
    case ProbeTask::kRegression: break;
  }
  return (out - targets).square().mean().item<double>();
}

at::Tensor LinearProbe::predict(const at::Tensor& features) const {
  torch::NoGradGuard no_grad;
  const at::Tensor out = raw_outputs(features);
  switch (options_.task) {
    case ProbeTask::kClassification: return out.softmax(1);
    case ProbeTask::kMultiLabel: return out.sigmoid();
    case ProbeTask::kRegression: break;
  }
  return squeeze_ ? out.squeeze(1) : out;
}

at::Tensor LinearProbe::weight() const {
  if (!weight_.defined()) throw core::RuntimeError("linear probe: weight() called before fit");
  return weight_ / std_.unsqueeze(1);
}

at::Tensor LinearProbe::bias() const {
  if (!weight_.defined()) throw core::RuntimeError("linear probe: bias() called before fit");
  return bias_ - (mean_ / std_).matmul(weight_);
}

// ---- k nearest neighbours --------------------------------------------------------------------

at::Tensor knn_predict(const at::Tensor& train_features, const at::Tensor& train_targets,
                       const at::Tensor& query_features, const KnnOptions& options) {
  check_rows(train_features, train_targets, "knn");
  if (query_features.dim() != 2 || query_features.size(1) != train_features.size(1))
    throw core::ConfigError("knn: expected query features [M, " + std::to_string(train_features.size(1)) + "], got " +
                            c10::str(query_features.sizes()));
  if (options.k < 1) throw core::ConfigError("knn: k must be >= 1, got " + std::to_string(options.k));
  if (!(options.temperature > 0))
    throw core::ConfigError("knn: temperature must be > 0, got " + std::to_string(options.temperature));
  torch::NoGradGuard no_grad;
  at::Tensor values;  // [N, outputs] averaged with the neighbour weights
  if (options.task == ProbeTask::kClassification) {
    const at::Tensor labels = train_targets.detach().to(torch::kCPU, torch::kLong);
    values = torch::one_hot(labels, class_count(labels, options.num_classes, "knn")).to(torch::kFloat);
  } else {
    values = target_matrix(train_targets, options.task, "knn");
  }
  namespace F = torch::nn::functional;
  const auto unit = F::NormalizeFuncOptions().dim(1);
  const at::Tensor bank = F::normalize(float_cpu(train_features), unit);
  const at::Tensor queries = F::normalize(float_cpu(query_features), unit);
  const int64_t k = std::min<int64_t>(options.k, bank.size(0)), outputs = values.size(1);
  std::vector<at::Tensor> chunks;
  for (int64_t start = 0; start < queries.size(0); start += kKnnQueryChunk) {
    const at::Tensor sims = queries.slice(0, start, start + kKnnQueryChunk).matmul(bank.t());
    const auto [sorted, order] = sims.sort(/*stable=*/true, /*dim=*/1, /*descending=*/true);
    const at::Tensor weights = (sorted.slice(1, 0, k) / options.temperature).softmax(1);  // [B, k]
    const at::Tensor neighbour_values = values.index_select(0, order.slice(1, 0, k).flatten()).view({-1, k, outputs});
    chunks.push_back((weights.unsqueeze(2) * neighbour_values).sum(1));
  }
  at::Tensor out = chunks.empty() ? torch::zeros({0, outputs}) : torch::cat(chunks);
  return options.task == ProbeTask::kRegression && train_targets.dim() == 1 ? out.squeeze(1) : out;
}

}  // namespace facerep::eval::fewshot
