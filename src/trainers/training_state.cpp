#include "trainers/training_state.h"

namespace facerep::trainers {

bool BestMetric::offer(const std::string& metric, double v, int64_t at_step, bool maximize) {
  if (!empty() && name != metric) return false;
  const bool better = maximize ? v > value : v < value;
  if (!empty() && !better) return false;
  name = metric;
  value = v;
  step = at_step;
  return true;
}

void TrainingState::save(runtime::Checkpoint& c) const {
  c.config_yaml = config_yaml;
  c.model = model;
  c.ema = ema;
  c.objective = objective;
  c.optimizer_type = optimizer_type;
  c.optimizer = optimizer;
  // has_best is redundant with the name but kept so older builds read these files.
  c.counters = {{"step", progress.step},       {"epoch", progress.epoch},   {"skipped", progress.skipped},
                {"loader_epoch", data.epoch},  {"loader_batch", data.batch}, {"scaler_growth", scaler_growth},
                {"has_best", best.empty() ? 0 : 1}, {"best_step", best.step}, {"loader_samples", data_samples},
                {"objective_num_classes", objective_shape.num_classes}, {"objective_num_aus", objective_shape.num_aus}};
  c.values = {{"best_metric", best.value}, {"loss_scale", loss_scale}};
  c.texts = {{"best_metric_name", best.name}};
  c.rng.clear();
  if (rng_cpu.defined()) c.rng["cpu"] = rng_cpu;
  if (rng_cuda.defined()) c.rng["cuda"] = rng_cuda;
}

ObjectiveShape saved_objective_shape(const runtime::Checkpoint& c) {
  return {c.counter("objective_num_classes", -1), c.counter("objective_num_aus", -1)};
}

void TrainingState::load(const runtime::Checkpoint& c) {
  config_yaml = c.config_yaml;
  model = c.model;
  ema = c.ema;
  objective = c.objective;
  optimizer_type = c.optimizer_type;
  optimizer = c.optimizer;
  progress = {c.counter("step"), c.counter("epoch"), c.counter("skipped")};
  data = {c.counter("loader_epoch"), c.counter("loader_batch")};
  data_samples = c.counter("loader_samples", -1);
  objective_shape = saved_objective_shape(c);
  loss_scale = c.value("loss_scale", loss_scale);
  scaler_growth = c.counter("scaler_growth");
  best = {};
  if (c.counter("has_best") != 0)
    best = {c.text("best_metric_name"), c.value("best_metric", 0.0), c.counter("best_step", 0)};
  auto rng = [&c](const char* key) { return c.rng.count(key) ? c.rng.at(key) : at::Tensor(); };
  rng_cpu = rng("cpu");
  rng_cuda = rng("cuda");
}

}  // namespace facerep::trainers
