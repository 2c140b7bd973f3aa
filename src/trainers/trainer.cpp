#include "trainers/trainer.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <sstream>

#include <torch/torch.h>

#include "core/error.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "core/stop_signal.h"
#include "dist/collectives.h"
#include "dist/grad_reducer.h"
#include "dist/sharded_grad_norm.h"
#include "runtime/checkpoint.h"
#include "runtime/memory_format.h"
#include "runtime/rng.h"
#include "runtime/run_setup.h"
#include "trainers/batch_slice.h"
#include "trainers/checkpoint_model.h"
#include "trainers/loader_stream.h"
#include "trainers/sharded_state.h"
#include "trainers/trainer_hooks.h"

namespace facerep::trainers {
namespace fs = std::filesystem;

namespace {
bool in_tensor_set(const at::Tensor& t, const std::vector<at::Tensor>& set) {
  for (const auto& s : set)
    if (t.unsafeGetTensorImpl() == s.unsafeGetTensorImpl()) return true;
  return false;
}

std::vector<at::Tensor> without_tensors(const std::vector<at::Tensor>& all, const std::vector<at::Tensor>& drop) {
  std::vector<at::Tensor> out;
  for (const auto& t : all)
    if (!in_tensor_set(t, drop)) out.push_back(t);
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string first_paths(const data::Batch& batch, size_t n) {
  std::string s;
  for (size_t i = 0; i < batch.paths.size() && i < n; ++i) s += (i ? ", " : "") + batch.paths[i];
  if (batch.paths.size() > n) s += ", ... (" + std::to_string(batch.paths.size()) + " samples)";
  return s.empty() ? "(no paths)" : s;
}

// "line N: 'old' -> 'new'" for the first line where two YAML texts differ.
std::string first_difference(const std::string& a, const std::string& b) {
  std::istringstream sa(a), sb(b);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ha = static_cast<bool>(std::getline(sa, la));
    const bool hb = static_cast<bool>(std::getline(sb, lb));
    if (!ha && !hb) return "no difference";
    if (!ha) la = "";
    if (!hb) lb = "";
    if (la != lb) return "resolved line " + std::to_string(line) + ": '" + la + "' became '" + lb + "'";
  }
}
}  // namespace

Trainer::Trainer(ExperimentConfig config, TrainerSetup setup)
    : config_(std::move(config)), setup_(std::move(setup)) {
  build();
}

Trainer::~Trainer() = default;

void Trainer::build() {
  rank_ = dist::rank();
  world_ = dist::world_size();
  const runtime::RunSetup rs = runtime::setup_run(config_.run, dist::local_rank());
  device_ = rs.device;
  const runtime::Precision requested = runtime::parse_precision(config_.run.precision);
  precision_ = runtime::effective_precision(requested, device_);
  const std::string& host_sync = config_.train.host_sync;
  sync_every_step_ = host_sync == "step" || (host_sync == "auto" && !device_.is_cuda());
  core::log_info("device " + device_.str() + ", " + std::to_string(rs.threads) + " threads, precision " +
                 runtime::precision_name(precision_) +
                 (precision_ != requested ? std::string(" (run.precision=") + config_.run.precision +
                                                " applies to CUDA only; CPU runs fp32)"
                                          : ""));

  if (config_.train.batch_size % world_ != 0)
    throw core::ConfigError(core::SourceLoc{}, "train.batch_size",
                            std::to_string(config_.train.batch_size) +
                                " (the global batch) does not split evenly over " + std::to_string(world_) +
                                " processes (the launcher's world size): use a multiple of " + std::to_string(world_));
  const int64_t rank_batch = config_.train.batch_size / world_;
  data_ = setup_.data ? std::move(setup_.data)
                      : make_loader_stream(config_, rank_, world_,
                                           device_.is_cuda() && config_.data.loader.pin_memory);
  core::log_info("data: " + data_->describe());
  if (data_->batches_per_epoch() < 1)
    throw core::ConfigError("train.batch_size: " + std::to_string(config_.train.batch_size) +
                            " leaves no complete batch in an epoch of " + data_->describe());
  if (config_.train.grad_accum > rank_batch)
    throw core::ConfigError("train.grad_accum: " + std::to_string(config_.train.grad_accum) +
                            " micro-batches cannot split a batch of " + std::to_string(rank_batch) +
                            (world_ > 1 ? " (train.batch_size / " + std::to_string(world_) + " processes)" : ""));
  total_steps_ = config_.train.steps > 0 ? config_.train.steps
                                         : int64_t{config_.train.epochs} * data_->batches_per_epoch();

  model_ = models::model_registry().build(config_.model);
  model_->to(device_);
  if (config_.run.channels_last) runtime::to_channels_last(*model_);
  losses::ObjectiveContext octx;
  octx.num_classes = data_->num_identities();
  octx.num_aus = data_->num_aus();
  octx.data_description = data_->describe();
  objective_shape_ = {octx.num_classes, octx.num_aus};
  octx.embedding_dim = model_->embedding_dim();
  octx.image_size = model_->image_size();
  octx.model = model_;
  objective_ = losses::objective_registry().build(config_.objective, octx);
  objective_->to(device_);
  check_needs();
  sharded_ = objective_->sharded_parameters();
  if (!sharded_.empty()) sharded_keys_ = sharded_keys(*objective_, sharded_);
  // The fp16 loss scaler decides "overflow, skip the step" from each rank's own gradients; with
  // sharded centres those differ by rank and the ranks could disagree.
  if (world_ > 1 && !sharded_.empty() && precision_ == runtime::Precision::kFp16)
    throw core::ConfigError("run.precision: fp16 with objective " + config_.objective.type + " over " +
                            std::to_string(world_) + " processes is not supported (use bf16 or fp32)");
  if (world_ > 1) {
    // Rank 0's initial weights everywhere (before EMA and optimizer copy them); sharded centres
    // differ by rank by design.
    std::vector<at::Tensor> tensors;
    for (const auto& [name, t] : runtime::module_state(*model_)) tensors.push_back(t);
    for (const auto& [name, t] : runtime::module_state(*objective_))
      if (!in_tensor_set(t, sharded_)) tensors.push_back(t);
    dist::broadcast_tensors(tensors, *dist::current(), "broadcast of rank 0's initial parameters and buffers");
  }

  OptimizerInputs oin;
  oin.model = model_;
  oin.objective = objective_;
  oin.global_batch = config_.train.batch_size;
  optimizer_ = optimizer_registry().build(config_.optim, oin);
  ScheduleContext sctx;
  sctx.base_lr = optimizer_->base_lr();
  sctx.total_steps = total_steps_;
  sctx.steps_per_epoch = data_->batches_per_epoch();
  schedule_ = schedule_registry().build(config_.schedule, sctx);
  for (const auto& spec : config_.eval) evaluators_.push_back(eval::evaluator_registry().build(spec));
  if (config_.train.ema.enabled) ema_ = std::make_unique<runtime::Ema>(*model_, config_.train.ema.decay);
  scaler_ = std::make_unique<runtime::LossScaler>(precision_ == runtime::Precision::kFp16);
  objective_generator_ = runtime::make_cpu_generator(config_.run.seed, /*stream=*/1);
  if (world_ > 1)
    reducer_ = std::make_unique<dist::GradReducer>(*dist::current(), without_tensors(optimizer_->parameters(), sharded_),
                                                   config_.train.dist_bucket_mb);

  int64_t n_params = 0;
  for (const auto& p : optimizer_->parameters()) n_params += p.numel();
  core::log_info("model " + config_.model.type + ", objective " + config_.objective.type + ", optimizer " +
                 optimizer_->type() + " (" + std::to_string(optimizer_->groups().size()) + " groups, " +
                 std::to_string(n_params) + " parameters), " + std::to_string(total_steps_) + " steps of " +
                 std::to_string(config_.train.batch_size) + " samples (" +
                 std::to_string(data_->batches_per_epoch()) + " per epoch)" +
                 (world_ > 1 ? ", " + std::to_string(rank_batch) + " per process on each of " + std::to_string(world_) +
                                   " (gradients averaged in " + std::to_string(reducer_->bucket_count()) +
                                   " all-reduce buckets)"
                             : ""));

  if (!setup_.run_dir.empty() || setup_.progress) hooks_.push_back(std::make_unique<LoggingHook>());
  hooks_.push_back(std::make_unique<EvalHook>());
  if (!setup_.run_dir.empty()) hooks_.push_back(std::make_unique<CheckpointHook>());

  if (!setup_.resume.empty()) {
    TrainingState resumed;
    resumed.load(runtime::load_checkpoint(setup_.resume));
    restore(resumed);
  }
}

void Trainer::add_hook(std::unique_ptr<TrainerHook> hook) { hooks_.push_back(std::move(hook)); }

void Trainer::check_needs() const {
  const losses::DataNeeds needs = objective_->needs();
  const std::string who = "objective '" + config_.objective.type + "'";
  if (needs.identity && data_->num_identities() <= 0)
    throw core::ConfigError("data.train.source: " + who + " needs identity labels, but " +
                            data_->describe() + " has none");
  if (needs.m_per_class_sampler && data_->sampler() != "m_per_class")
    throw core::ConfigError("data.loader.sampler: " + who +
                            " needs batches of several samples per identity: set "
                            "data.loader.sampler.type: m_per_class (got '" + data_->sampler() + "')");
  if (needs.views > data_->views())
    throw core::ConfigError("data.train.views: " + who + " needs " + std::to_string(needs.views) +
                            " views per sample, got " + std::to_string(data_->views()));
}

data::Batch Trainer::next_batch() {
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::optional<data::Batch> b = data_->next();
    if (b) return std::move(*b);
    ++progress_.epoch;  // end of an epoch: the next call starts the following one
  }
  throw core::RuntimeError("the training data yielded an empty epoch (" + data_->describe() + ")");
}

bool Trainer::train_step(const data::Batch& host_batch, PendingStep& p) {
  data::Batch batch = host_batch.to(device_);
  if (config_.run.channels_last) batch.images = batch.images.contiguous(at::MemoryFormat::ChannelsLast);
  const int64_t n = batch.size();
  if (n < 1) throw core::RuntimeError("step " + std::to_string(progress_.step + 1) + ": empty batch");
  if (!first_batch_checked_) {
    first_batch_checked_ = true;
    if (objective_->needs().region_map_or_landmarks &&
        !(batch.region_map.defined() || batch.landmarks.defined()))
      throw core::ConfigError("data.train: objective '" + config_.objective.type +
                              "' needs region maps or landmarks, but the first batch has neither");
  }
  const double lr = schedule_->lr(progress_.step);
  optimizer_->set_lr(lr);
  optimizer_->zero_grad();

  losses::StepContext ctx;
  ctx.step = progress_.step;
  ctx.total_steps = total_steps_;
  ctx.epoch = progress_.epoch;
  ctx.generator = objective_generator_;
  ctx.training = true;
  p.paths = first_paths(host_batch, 8);

  const int64_t accum = std::min<int64_t>(config_.train.grad_accum, n);
  const int64_t chunk = (n + accum - 1) / accum;
  int64_t micro_index = 0;
  for (int64_t start = 0; start < n; start += chunk, ++micro_index) {
    const int64_t len = std::min(chunk, n - start);
    const data::Batch micro = accum > 1 ? slice_batch(batch, start, len) : batch;
    const double weight = static_cast<double>(len) / static_cast<double>(n);
    runtime::seed_for_micro_batch(objective_generator_, config_.run.seed, progress_.step,
                                  int64_t{rank_} * accum + micro_index);
    losses::LossOutput out;
    {
      runtime::AutocastGuard autocast(precision_);
      out = objective_->compute(*model_, micro, ctx);
    }
    p.flags.require("loss_finite", out.total.detach().isfinite());
    if (out.keep.defined()) {
      p.flags.require("keep", out.keep);
      p.skip_reason = out.skip_reason;
    }
    p.scalars.add("loss", out.total, weight);
    // One process that syncs every step does not run backward through a batch it will skip.
    // With peers, backward still runs (every rank issues the same collectives: an all-gather's
    // backward, the gradient buckets) and the vote below skips the step everywhere.
    if (sync_every_step_ && !reducer_ && !p.flags.all_true().item<bool>()) break;
    if (reducer_) {
      const bool last = start + len >= n;
      reducer_->prepare(last, last ? p.flags.all_true().logical_not() : at::Tensor());
    }
    scaler_->scale(out.total * weight).backward();
    for (const auto& [name, t] : out.terms) p.scalars.add(name, t, weight);
    for (const auto& [name, t] : out.metrics) p.scalars.add(name, t, weight);
  }
  if (reducer_) {
    p.flags.require("peers_ok", reducer_->finish().eq(0));
    p.info.comm_seconds = reducer_->last_wait_seconds();
  }
  // Syncing every step: a batch that should not count is dropped before its update.
  const auto rejected_now = [&] {
    if (!sync_every_step_ || p.flags.all_true().item<bool>()) return false;
    const auto values = StepScalars::read({&p.scalars, &p.flags});
    reject_step(p, values[0], values[1]);
    optimizer_->zero_grad();
    return true;
  };
  if (rejected_now()) return false;
  const std::vector<at::Tensor> params = optimizer_->parameters();
  // fp16 only: the loss scaler reads its overflow flag every step, as PyTorch's GradScaler does.
  const bool grads_finite = scaler_->unscale(params);
  if (grads_finite) {
    if (config_.train.grad_clip > 0.0) {
      // The norm is computed anyway: a finite loss with non-finite gradients follows the
      // non-finite loss policy (without clipping, looking would cost a pass over the gradients).
      const at::Tensor norm = dist::clip_grad_norm(without_tensors(params, sharded_), sharded_, config_.train.grad_clip,
                                                   sharded_.empty() ? nullptr : dist::current());
      p.scalars.add("grad_norm", norm);
      p.flags.require("grads_finite", norm.isfinite());
      if (rejected_now()) return false;
    }
    if (!sync_every_step_) {
      // Decided on the device: a step that should not count updates with zero gradients.
      const at::Tensor drop = p.flags.all_true().logical_not();
      for (const auto& param : params)
        if (param.grad().defined()) param.mutable_grad().masked_fill_(drop.to(param.grad().device()), 0);
    }
    optimizer_->step();
  } else {
    core::log_warn("step " + std::to_string(progress_.step + 1) + ": fp16 gradients overflowed; loss scale now " +
                   std::to_string(scaler_->current_scale() * 0.5));
  }
  scaler_->update(grads_finite);
  if (!grads_finite) check_loss_scale();
  ++progress_.step;
  objective_->after_step(*model_, ctx);
  if (ema_) ema_->update(*model_);

  p.info.step = progress_.step;
  p.info.epoch = progress_.epoch;
  p.info.images = n * world_;  // samples of the whole job
  p.info.lr = lr;
  return true;
}

TrainResult Trainer::run() {
  try {
    return run_loop();
  } catch (...) {
    save_emergency_checkpoint();
    throw;
  }
}

TrainResult Trainer::run_loop() {
  model_->train();
  objective_->train();
  for (auto& h : hooks_) h->on_start(*this);
  const int64_t stop = setup_.stop_after > 0 ? std::min(setup_.stop_after, total_steps_) : total_steps_;
  while (progress_.step < stop) {
    // Peers vote on a stop signal only right after a sync point: the vote is read on the host.
    const int sig = world_ <= 1 || pending_.empty() ? agreed_stop_signal() : 0;
    if (sig) {
      sync_pending();
      result_.stop_signal = sig;
      core::log_warn(std::string(core::signal_name(sig)) + " received: stopping at step " +
                     std::to_string(progress_.step) + " with a checkpoint");
      break;
    }
    const auto t0 = std::chrono::steady_clock::now();
    const data::Batch batch = next_batch();
    PendingStep step;
    step.info.data_seconds = seconds_since(t0);
    if (!train_step(batch, step)) continue;
    step.info.seconds = seconds_since(t0);
    pending_.push_back(std::move(step));
    if (sync_due(progress_.step, stop)) sync_pending();
  }
  sync_pending();
  result_.finished = progress_.step >= total_steps_;
  for (auto& h : hooks_) h->on_end(*this, result_.finished);
  result_.steps = progress_.step;
  result_.skipped = progress_.skipped;
  result_.last_checkpoint = last_checkpoint_;
  return std::move(result_);
}

int Trainer::agreed_stop_signal() const {
  int sig = core::stop_signal();
  if (world_ <= 1) return sig;
  // Every rank must stop at the same step (a launcher signals them one by one), so the ranks
  // vote: one all-reduce of one number per step.
  at::Tensor vote = torch::tensor({static_cast<int64_t>(sig)}, torch::kLong);
  dist::all_reduce_sum(vote, "agree on a stop signal");
  if (sig == 0 && vote.item<int64_t>() != 0) sig = SIGTERM;  // a peer was signalled
  return sig;
}

void Trainer::save_emergency_checkpoint() noexcept {
  // A failure (an evaluator, a full disk, a diverged loss) must not cost the steps trained since
  // the last checkpoint. Rank 0 alone, without collectives: the other ranks may be gone.
  if (setup_.run_dir.empty() || !is_main() || progress_.step <= 0 || progress_.step == last_checkpoint_step_) return;
  if (world_ > 1 && !sharded_keys_.empty()) {
    core::log_error("no checkpoint after the failure: the sharded " + config_.objective.type +
                    " tensors need every process, which may be gone; resume from " +
                    (last_checkpoint_.empty() ? std::string("the start") : last_checkpoint_));
    return;
  }
  char name[64];
  std::snprintf(name, sizeof(name), "step_%08lld.ckpt", static_cast<long long>(progress_.step));
  const fs::path file = fs::path(setup_.run_dir) / "checkpoints" / name;
  try {
    fs::create_directories(file.parent_path());
    runtime::Checkpoint c;
    training_state().save(c);
    runtime::save_checkpoint(c, file.string());
    last_checkpoint_ = file.string();
    last_checkpoint_step_ = progress_.step;
    core::log_warn("the run failed at step " + std::to_string(progress_.step) + "; its weights are saved in " +
                   file.string() + " (resume from it)");
  } catch (const std::exception& e) {
    core::log_error(std::string("could not save the weights after the failure: ") + e.what());
  }
}

core::MetricsWriter* Trainer::metrics() {
  if (!metrics_ && !setup_.run_dir.empty() && is_main()) {
    // A resumed run logs the steps after its checkpoint again: the interrupted run's lines for
    // them go, so every step appears once.
    if (resumed_step_ >= 0) {
      const int64_t dropped =
          core::truncate_metrics_after((fs::path(setup_.run_dir) / "metrics.jsonl").string(), resumed_step_);
      if (dropped > 0)
        core::log_info("metrics.jsonl: dropped " + std::to_string(dropped) + " line(s) logged after step " +
                       std::to_string(resumed_step_) + " by the interrupted run");
    }
    metrics_ = std::make_unique<core::MetricsWriter>(setup_.run_dir);
  }
  return metrics_.get();
}

TrainingState Trainer::training_state() const {
  TrainingState s;
  s.config_yaml = experiment_to_yaml(config_);
  s.model = runtime::module_state(*model_);
  if (ema_) s.ema = ema_->state();
  s.objective = runtime::module_state(*objective_);
  s.objective_shape = objective_shape_;
  s.optimizer_type = optimizer_->type();
  s.optimizer = optimizer_->state();
  s.progress = progress_;
  s.data = data_->position();
  s.data_samples = s.data.batch * config_.train.batch_size;
  s.loss_scale = scaler_->current_scale();
  s.scaler_growth = scaler_->growth_tracker();
  s.best = best_;
  s.rng_cpu = runtime::default_cpu_generator_state();
  if (device_.is_cuda()) s.rng_cuda = runtime::default_cuda_generator_state();
  return s;
}

void Trainer::save_checkpoint(const std::string& path) {
  // Sharded tensors are saved whole: every rank hands its block to rank 0 (sharded_state.h).
  const bool gather = world_ > 1 && !sharded_keys_.empty();
  if (is_main() || gather) {
    TrainingState s = training_state();
    if (gather) gather_sharded(s.objective, s.optimizer, sharded_keys_, *dist::current());
    if (is_main()) {
      runtime::Checkpoint c;
      s.save(c);
      runtime::save_checkpoint(c, path);
    }
  }
  last_checkpoint_ = path;
  last_checkpoint_step_ = progress_.step;
}

StreamPosition Trainer::resume_position(const TrainingState& s) const {
  StreamPosition pos = s.data;
  if (s.data_samples < 0) return pos;  // an older file: its batch index counts global batches too
  const int64_t global = config_.train.batch_size;
  pos.batch = std::min(s.data_samples / global, data_->batches_per_epoch());
  if (s.data_samples % global != 0)
    core::log_warn(setup_.resume + ": the checkpoint stopped after " + std::to_string(s.data_samples) +
                   " samples of epoch " + std::to_string(s.data.epoch) + ", not a multiple of train.batch_size " +
                   std::to_string(global) + "; continuing at sample " + std::to_string(pos.batch * global) +
                   " (some samples are seen twice)");
  return pos;
}

void Trainer::restore(const TrainingState& s) {
  const std::string& path = setup_.resume;
  if (s.optimizer_type != optimizer_->type())
    throw core::RuntimeError(path + ": checkpoint was trained with optimizer '" + s.optimizer_type +
                             "', this config uses '" + optimizer_->type() + "'");
  try {
    runtime::load_module_state(*model_, s.model, "checkpoint model");
    runtime::NamedTensors objective_state = s.objective, optimizer_state = s.optimizer;
    if (!sharded_keys_.empty())
      slice_sharded(objective_state, optimizer_state, sharded_keys_, world_ > 1 ? dist::current() : nullptr,
                    "checkpoint objective");
    runtime::load_module_state(*objective_, objective_state, "checkpoint objective");
    if (ema_) {
      if (s.ema.empty()) {
        core::log_warn(path + ": checkpoint has no EMA weights; EMA restarts from the model");
        ema_ = std::make_unique<runtime::Ema>(*model_, config_.train.ema.decay);
      } else {
        ema_->load_state(s.ema);
      }
    }
    optimizer_->load_state(optimizer_state);
  } catch (const core::RuntimeError& e) {
    throw core::RuntimeError(path + ": " + e.what());
  }
  progress_ = s.progress;
  best_ = s.best;
  last_checkpoint_ = path;
  scaler_->set_state(s.loss_scale, s.scaler_growth);
  data_->seek(resume_position(s));
  if (s.rng_cpu.defined()) runtime::set_default_cpu_generator_state(s.rng_cpu);
  if (s.rng_cuda.defined() && device_.is_cuda()) runtime::set_default_cuda_generator_state(s.rng_cuda);
  const std::string now_yaml = experiment_to_yaml(config_);
  if (now_yaml != s.config_yaml) {
    const std::string diff = first_difference(s.config_yaml, now_yaml);
    if (!setup_.allow_config_change)
      throw core::ConfigError(path + ": the config differs from the one the checkpoint was trained with (" +
                              diff + "); pass --force to continue with the new config");
    core::log_warn(path + ": continuing with a changed config (" + diff + ")");
  }
  resumed_step_ = progress_.step;
  core::log_info("resumed from " + path + " at step " + std::to_string(progress_.step) + " (epoch " +
                 std::to_string(progress_.epoch) + ")");
}

}  // namespace facerep::trainers
