#include "trainers/trainer_hooks.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "core/atomic_write.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "core/progress.h"
#include "dist/collectives.h"

namespace fs = std::filesystem;

namespace facerep::trainers {

namespace {
std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4g", v);
  return buf;
}
}  // namespace

LoggingHook::LoggingHook() = default;
LoggingHook::~LoggingHook() = default;

void LoggingHook::on_start(Trainer& t) {
  if (t.setup().progress) {
    core::ProgressOptions po;
    po.total_steps = t.total_steps();
    progress_ = std::make_unique<core::Progress>(po);
  }
}

bool LoggingHook::acts_at(const Trainer& t, int64_t step) const {
  return step % t.config().train.log_every == 0 || step >= t.total_steps();
}

void LoggingHook::after_step(Trainer& t, const StepInfo& info) {
  for (const auto& [k, v] : info.scalars) {
    window_[k] += v;
    ++window_counts_[k];
  }
  window_images_ += info.images;
  window_seconds_ += info.seconds;
  images_ += info.images;
  if (progress_) {
    core::ProgressUpdate u;
    u.step = info.step;
    u.epoch = static_cast<int>(info.epoch);
    u.terms = info.scalars;
    u.lr = info.lr;
    u.images = images_;
    progress_->update(u);
  }
  const bool last = info.step >= t.total_steps();
  if (!acts_at(t, info.step) && !last) return;
  // Means over the steps since the last line, so nothing between log lines goes unseen.
  std::map<std::string, double> scalars;
  for (const auto& [k, v] : window_) scalars[k] = v / static_cast<double>(window_counts_[k]);
  scalars["lr"] = info.lr;
  scalars["epoch"] = static_cast<double>(info.epoch);
  scalars["images_per_s"] = window_seconds_ > 0 ? window_images_ / window_seconds_ : 0.0;
  if (t.progress().skipped > 0) scalars["skipped_batches"] = static_cast<double>(t.progress().skipped);
  if (const int64_t bad = t.data_stream().skipped_samples(); bad > 0) {
    scalars["skipped_samples"] = static_cast<double>(bad);
    scalars["skip_events"] = static_cast<double>(t.data_stream().skip_events());
  }
  if (auto* m = t.metrics()) m->write(info.step, "train", scalars);
  if (!progress_) {
    std::string line = "step " + std::to_string(info.step) + "/" + std::to_string(t.total_steps());
    for (const auto& [k, v] : scalars) line += " " + k + "=" + fmt(v);
    core::log_info(line);
  }
  window_.clear();
  window_counts_.clear();
  window_images_ = 0;
  window_seconds_ = 0.0;
}

void LoggingHook::on_end(Trainer& t, bool) {
  if (progress_) progress_->finish();
  // Every run that passed over bad samples says so at its end, whatever the log level: each
  // process its own (in a multi-process run the ranks read different samples).
  if (const int64_t bad = t.data_stream().skipped_samples(); bad > 0) {
    const int64_t events = t.data_stream().skip_events();
    core::log_warn("data: " + std::to_string(bad) + " distinct sample(s) skipped (" + std::to_string(events) +
                   " time(s) read, counting the loader's read-ahead) with data.train.on_error: skip; each is named in a 'skipped' "
                   "warning above and in log.txt");
    if (auto* m = t.metrics())
      m->write(t.progress().step, "data",
               {{"skipped_samples", static_cast<double>(bad)}, {"skip_events", static_cast<double>(events)}});
  }
  if (auto* m = t.metrics()) m->flush();
}

void log_evaluations(Trainer& t, const std::vector<eval::EvalResult>& results) {
  std::map<std::string, double> scalars;
  for (const auto& r : results) {
    std::string line = "eval " + r.name + " (" + r.role + ") at step " + std::to_string(t.progress().step) + ":";
    for (const auto& [k, v] : r.metrics) {
      scalars[eval::metric_key(r, k)] = v;
      line += " " + k + "=" + fmt(v);
    }
    core::log_info(line);
  }
  if (auto* m = t.metrics(); m && !scalars.empty()) m->write(t.progress().step, "eval", scalars);
}

bool EvalHook::acts_at(const Trainer& t, int64_t step) const {
  const int every = t.config().train.eval_every;
  return every > 0 && step % every == 0 && step < t.total_steps();
}

void EvalHook::after_step(Trainer& t, const StepInfo& info) {
  if (!acts_at(t, info.step)) return;
  t.evaluate();
  last_eval_step_ = info.step;
}

void EvalHook::on_end(Trainer& t, bool finished) {
  if (!finished || last_eval_step_ == t.progress().step) return;
  t.evaluate();
  last_eval_step_ = t.progress().step;
}

void CheckpointHook::save(Trainer& t, bool best) {
  const fs::path dir = fs::path(t.setup().run_dir) / "checkpoints";
  char name[64];
  std::snprintf(name, sizeof(name), "step_%08lld.ckpt", static_cast<long long>(t.progress().step));
  const fs::path file = dir / name;
  if (t.is_main())
    write_files(t, file, best);
  else
    t.save_checkpoint(file.string());  // only notes the path
  // No rank runs ahead of a checkpoint being written (a failure while writing then stops the
  // job at this step), and a job ends only once its last checkpoint is complete.
  dist::barrier("wait for rank 0's checkpoint");
  last_saved_step_ = t.progress().step;
}

void CheckpointHook::write_files(Trainer& t, const fs::path& file, bool best) {
  const fs::path dir = file.parent_path();
  fs::create_directories(dir);
  t.save_checkpoint(file.string());
  // last.ckpt / best.ckpt: a hard link (no copy, no extra space: a full disk cannot fail it
  // halfway) under a temporary name, then renamed over the alias, so a reader never sees half.
  // File systems without hard links get a copy.
  auto publish = [&](const std::string& alias) {
    const fs::path tmp = core::temporary_path((dir / alias).string());
    std::error_code ec;
    fs::remove(tmp, ec);
    fs::create_hard_link(file, tmp, ec);
    if (ec) fs::copy_file(file, tmp, fs::copy_options::overwrite_existing);
    fs::rename(tmp, dir / alias);
  };
  publish("last.ckpt");
  if (best) publish("best.ckpt");
  // Keep the newest keep_last step checkpoints.
  std::vector<fs::path> steps;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string n = e.path().filename().string();
    if (n.rfind("step_", 0) == 0 && e.path().extension() == ".ckpt") steps.push_back(e.path());
  }
  std::sort(steps.begin(), steps.end());
  const size_t keep = static_cast<size_t>(t.config().train.keep_last);
  for (size_t i = 0; i + keep < steps.size(); ++i) fs::remove(steps[i]);
  core::log_info("checkpoint " + file.string() + (best ? " (new best)" : ""));
}

bool CheckpointHook::acts_at(const Trainer& t, int64_t step) const {
  const int every = t.config().train.checkpoint_every;
  return every > 0 && step % every == 0 && step < t.total_steps();
}

void CheckpointHook::after_step(Trainer& t, const StepInfo& info) {
  // An evaluation at this step may have written it already (as the new best).
  if (acts_at(t, info.step) && last_saved_step_ != info.step) save(t, false);
}

void CheckpointHook::on_evaluation(Trainer& t, const Evaluation& evaluation) {
  if (evaluation.new_best) save(t, true);
}

void CheckpointHook::on_end(Trainer& t, bool) {
  // Always leave a checkpoint of where training ended (finished or stopped early).
  if (last_saved_step_ != t.progress().step) save(t, false);
}

}  // namespace facerep::trainers
