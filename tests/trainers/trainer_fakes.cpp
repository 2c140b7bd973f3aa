#include "trainer_fakes.h"

#include <torch/torch.h>

#include "core/config_tree.h"
#include "eval/evaluator.h"
#include "eval/report.h"
#include "losses/objective.h"
#include "models/backbone.h"

namespace facerep::trainers::testing {

namespace {

struct LinearOptions {
  int64_t width = 16;
  int64_t image_size = 8;
  template <class V> void visit(V& v) {
    v("width", width, "embedding size");
    v("image_size", image_size, "input size");
  }
};

class LinearBackbone : public models::Backbone {
 public:
  explicit LinearBackbone(const LinearOptions& o) : o_(o) {
    fc1_ = register_module("fc1", torch::nn::Linear(3 * o.image_size * o.image_size, 32));
    fc2_ = register_module("fc2", torch::nn::Linear(32, o.width));
  }
  at::Tensor forward(const at::Tensor& images) override {
    return fc2_(torch::relu(fc1_(images.flatten(1))));
  }
  int64_t embedding_dim() const override { return o_.width; }
  int64_t image_size() const override { return o_.image_size; }
  int64_t num_layers() const override { return 2; }
  int64_t layer_id(const std::string& name) const override { return name.rfind("fc1", 0) == 0 ? 1 : 2; }

 private:
  LinearOptions o_;
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr};
};

struct SoftmaxOptions {
  int64_t nan_at_step = 0;
  int64_t skip_at_step = 0;
  bool nan_always = false;
  int64_t nan_grad_at_step = 0;
  double dropout_noise = 0.0;  // adds generator-driven noise to the logits (exercises RNG state)
  template <class V> void visit(V& v) {
    v("nan_at_step", nan_at_step, "make the loss NaN at this step (tests)");
    v("nan_always", nan_always, "every loss is NaN (a diverged run)");
    v("nan_grad_at_step", nan_grad_at_step, "a finite loss with NaN gradients at this step (once)");
    v("skip_at_step", skip_at_step, "ask the trainer to skip the batch at this step, once (tests)");
    v("dropout_noise", dropout_noise, "logit noise drawn from the step generator");
  }
};

class SoftmaxObjective : public losses::Objective {
 public:
  SoftmaxObjective(const SoftmaxOptions& o, const losses::ObjectiveContext& ctx) : o_(o) {
    head_ = register_module("head", torch::nn::Linear(ctx.embedding_dim, std::max<int64_t>(ctx.num_classes, 1)));
  }
  losses::LossOutput compute(models::Backbone& model, const data::Batch& batch,
                             losses::StepContext& ctx) override {
    at::Tensor logits = head_(model.forward(batch.images));
    if (o_.dropout_noise > 0) {
      logits = logits + o_.dropout_noise * at::randn(logits.sizes(), ctx.generator, logits.options());
      // Global-RNG use too, so the default generator's state matters for resume.
      logits = logits + 1e-3 * torch::randn_like(logits);
    }
    at::Tensor ce = torch::nn::functional::cross_entropy(logits, batch.identity);
    // NaN once: a skipped batch does not advance the step, so the next batch must be clean.
    if (o_.nan_at_step > 0 && ctx.step + 1 == o_.nan_at_step && !fired_) {
      fired_ = true;
      ce = ce * std::nan("");
    }
    losses::LossOutput out;
    if (o_.skip_at_step > 0 && ctx.step + 1 == o_.skip_at_step && !skip_fired_) {
      skip_fired_ = true;
      out.skip("fake objective asked to skip");
    }
    if (o_.nan_always) ce = ce * std::nan("");
    if (o_.nan_grad_at_step > 0 && ctx.step + 1 == o_.nan_grad_at_step && !grad_fired_) {
      grad_fired_ = true;
      // sqrt(|0|) adds 0 to the loss, but its derivative at 0 is infinite: 0 · ∞ = NaN gradients.
      ce = ce + at::sqrt((logits.sum() * 0.0).abs());
    }
    out.total = ce;
    out.terms.emplace_back("ce", ce.detach());
    out.metrics["acc"] = (logits.argmax(1) == batch.identity).to(at::kDouble).mean();
    return out;
  }
  losses::DataNeeds needs() const override {
    losses::DataNeeds n;
    n.identity = true;
    return n;
  }

 private:
  SoftmaxOptions o_;
  bool fired_ = false, skip_fired_ = false, grad_fired_ = false;
  torch::nn::Linear head_{nullptr};
};

class FakeStream : public BatchStream {
 public:
  explicit FakeStream(const FakeStreamOptions& o) : o_(o) {
    torch::Generator g = at::make_generator<at::CPUGeneratorImpl>(o.seed + 7);
    prototypes_ = at::randn({std::max<int64_t>(o.classes, 1), 3, o.image_size, o.image_size}, g);
  }
  std::optional<data::Batch> next() override {
    if (pos_.batch >= batches_per_epoch()) {
      pos_ = {pos_.epoch + 1, 0};
      return std::nullopt;
    }
    at::Generator order_gen = at::make_generator<at::CPUGeneratorImpl>(o_.seed * 1000 + pos_.epoch);
    const at::Tensor order = at::randperm(o_.samples, order_gen);
    const at::Tensor idx = order.narrow(0, pos_.batch * o_.batch_size, o_.batch_size);
    at::Generator noise_gen =
        at::make_generator<at::CPUGeneratorImpl>(o_.seed * 7919 + pos_.epoch * 1000 + pos_.batch);
    data::Batch b;
    b.identity = idx.remainder(o_.classes);
    b.images = prototypes_.index_select(0, b.identity) +
               0.5 * at::randn({o_.batch_size, 3, o_.image_size, o_.image_size}, noise_gen);
    for (int64_t i = 0; i < o_.batch_size; ++i) {
      const int64_t k = idx[i].item<int64_t>();
      b.indices.push_back(k);
      b.paths.push_back("fake:" + std::to_string(k));
    }
    ++pos_.batch;
    return b;
  }
  StreamPosition position() const override { return pos_; }
  void seek(const StreamPosition& p) override { pos_ = p; }
  int64_t batches_per_epoch() const override { return o_.samples / o_.batch_size; }
  int64_t num_identities() const override { return o_.classes; }
  std::string sampler() const override { return o_.sampler; }
  std::string describe() const override { return "fake stream"; }

 private:
  FakeStreamOptions o_;
  at::Tensor prototypes_;
  StreamPosition pos_;
};

struct ScriptedOptions {
  std::string name = "scripted";
  std::string role = eval::kTestRole;
  std::vector<double> scores;
  template <class V> void visit(V& v) {
    v("name", name, "name in logs and reports");
    eval::visit_role(v, role);
    v("scores", scores, "the primary metric of each call in turn (the last repeats)");
  }
};

// Reports a scripted primary metric "score", so tests decide when the best improves.
class ScriptedEvaluator : public eval::Evaluator {
 public:
  explicit ScriptedEvaluator(const ScriptedOptions& o) : o_(o) {}
  eval::EvalResult evaluate(models::Backbone&, const eval::EvalContext& ctx) override {
    eval::EvalResult r;
    r.name = o_.name;
    r.role = o_.role;
    r.primary = "score";
    const double score = o_.scores.empty() ? 0.0 : o_.scores.at(std::min(calls_++, o_.scores.size() - 1));
    eval::finish_result(r, {{"score", score}}, r.name, ctx);
    return r;
  }

 private:
  ScriptedOptions o_;
  size_t calls_ = 0;
};

}  // namespace

void register_fakes() {
  if (!models::model_registry().contains("test_linear"))
    models::model_registry().add<LinearOptions>(
        "test_linear", "test backbone", [](const LinearOptions& o) -> std::shared_ptr<models::Backbone> {
          return std::make_shared<LinearBackbone>(o);
        });
  if (!losses::objective_registry().contains("test_softmax"))
    losses::objective_registry().add<SoftmaxOptions>(
        "test_softmax", "test objective",
        [](const SoftmaxOptions& o, const losses::ObjectiveContext& c) -> std::shared_ptr<losses::Objective> {
          return std::make_shared<SoftmaxObjective>(o, c);
        });
  if (!eval::evaluator_registry().contains("test_scripted"))
    eval::evaluator_registry().add<ScriptedOptions>(
        "test_scripted", "test evaluator", [](const ScriptedOptions& o) -> std::shared_ptr<eval::Evaluator> {
          return std::make_shared<ScriptedEvaluator>(o);
        });
}

std::unique_ptr<BatchStream> make_fake_stream(const FakeStreamOptions& o) {
  return std::make_unique<FakeStream>(o);
}

ExperimentConfig fake_config(const std::string& extra) {
  register_fakes();
  core::ConfigTree tree = core::ConfigTree::load_string(
      "run: {name: t, seed: 3, device: cpu, threads: 1, deterministic: true, log_level: warn}\n"
      "model: {type: test_linear, width: 16, image_size: 8}\n"
      "objective: {type: test_softmax}\n"
      "optim: {type: sgd, lr: 0.1, momentum: 0.9, weight_decay: 0.0005}\n"
      "schedule: {type: cosine, warmup_steps: 2}\n"
      "train: {steps: 12, batch_size: 16, log_every: 1}\n",
      "fake.yaml");
  if (!extra.empty()) {
    core::ConfigTree over = core::ConfigTree::load_string(extra, "test.yaml");
    for (const auto& kv : over.root()) {
      if (kv.second.IsSequence() || kv.second["type"]) {  // a list or another component: replace it whole
        tree.set(kv.first.as<std::string>(), YAML::Clone(kv.second), "test.yaml");
        continue;
      }
      for (const auto& inner : kv.second)
        tree.set(kv.first.as<std::string>() + "." + inner.first.as<std::string>(), YAML::Clone(inner.second),
                 "test.yaml");
    }
  }
  return load_experiment_tree(tree);
}

}  // namespace facerep::trainers::testing
