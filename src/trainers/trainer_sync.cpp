// The trainer's sync points and its non-finite policy: when pending steps are read back to the
// host (trainer.h, "Host syncs"), and what a step that should not count does to the run (stop
// with context, or skip and count, up to a limit; fp16 loss-scale underflow).
#include <cmath>
#include <limits>

#include "core/error.h"
#include "core/logging.h"
#include "trainers/trainer.h"

namespace facerep::trainers {

namespace {
std::string value_text(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return std::to_string(v);
}
}  // namespace

bool Trainer::sync_due(int64_t step, int64_t stop) const {
  if (sync_every_step_ || step >= stop || step % config_.train.log_every == 0) return true;
  for (const auto& h : hooks_)
    if (h->acts_at(*this, step)) return true;
  return false;
}

void Trainer::sync_pending() {
  if (pending_.empty()) return;
  if (setup_.on_sync) setup_.on_sync(true, progress_.step);
  std::vector<const StepScalars*> all;
  for (const auto& p : pending_) {
    all.push_back(&p.scalars);
    all.push_back(&p.flags);
  }
  const std::vector<std::map<std::string, double>> values = StepScalars::read(all);  // the one copy
  std::vector<PendingStep> steps = std::move(pending_);
  pending_.clear();
  for (size_t k = 0; k < steps.size(); ++k) {
    PendingStep& p = steps[k];
    const auto& flags = values[2 * k + 1];
    bool ok = true;
    for (const auto& [name, v] : flags) ok = ok && v != 0.0;
    if (ok) {
      consecutive_skips_ = 0;
      p.info.scalars = values[2 * k];
    } else {
      reject_step(p, values[2 * k], flags);
      p.info.skipped = true;
    }
    result_.history.push_back(p.info);
    for (auto& h : hooks_) h->after_step(*this, p.info);
  }
  if (setup_.on_sync) setup_.on_sync(false, progress_.step);
}

void Trainer::reject_step(const PendingStep& p, const std::map<std::string, double>& scalars,
                          const std::map<std::string, double>& flags) {
  const auto flag = [&](const char* name) {
    const auto it = flags.find(name);
    return it == flags.end() || it->second != 0.0;
  };
  const auto value = [&](const char* name) {
    const auto it = scalars.find(name);
    return it == scalars.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
  };
  // The step's number: with host_sync log_interval its update was made (with zero gradients).
  const int64_t step = sync_every_step_ ? progress_.step + 1 : p.info.step;
  std::string reason;
  bool policy = true;  // the non-finite policy applies (stop unless train.skip_nonfinite)
  if (!flag("keep")) {
    reason = p.skip_reason;
    policy = false;
  } else if (!flag("loss_finite")) {
    reason = "loss is " + value_text(value("loss"));
  } else if (!flag("peers_ok")) {
    reason = "another rank had a non-finite loss or asked to skip; every rank skips this step";
    policy = false;
  } else {
    reason = "the loss is finite but the gradient norm is " + value_text(value("grad_norm"));
  }
  const std::string when =
      sync_every_step_ ? ""
                       : "; found at step " + std::to_string(progress_.step) +
                             " (train.host_sync: log_interval): its update used zero gradients";
  if (policy && !config_.train.skip_nonfinite)
    throw core::RuntimeError("step " + std::to_string(step) + ": " + reason + " (batch: " + p.paths + ")" + when +
                             "; " + last_good_checkpoint() + " (set train.skip_nonfinite: true to skip such batches)");
  ++progress_.skipped;
  // A diverged model makes every batch non-finite; skipping would then loop forever.
  if (++consecutive_skips_ > kMaxConsecutiveSkips)
    throw core::RuntimeError("step " + std::to_string(step) + ": " + std::to_string(consecutive_skips_) +
                             " batches in a row had a non-finite loss or gradients; training has diverged (" +
                             last_good_checkpoint() + ")");
  core::log_warn("step " + std::to_string(step) + ": " + reason + ", batch skipped" + when + " (" +
                 std::to_string(progress_.skipped) + " skipped so far; batch: " + p.paths + ")");
}

std::string Trainer::last_good_checkpoint() const {
  return "last good checkpoint: " + (last_checkpoint_.empty() ? std::string("none") : last_checkpoint_);
}

void Trainer::check_loss_scale() {
  // fp16 keeps halving the loss scale while gradients overflow. Below 1 the unscaled gradients
  // themselves overflow fp16; once it falls under fp16's smallest subnormal (2^-24) no scale can
  // recover, and the run would only skip steps from then on.
  const double scale = scaler_->current_scale();
  if (scale < std::ldexp(1.0, -24))
    throw core::RuntimeError("step " + std::to_string(progress_.step) + ": fp16 loss scale underflow (" +
                             value_text(scale) + "): the gradients overflow fp16 at any scale; train in bf16 or fp32 "
                             "(run.precision), or lower the learning rate; " + last_good_checkpoint());
  if (scale < 1.0 && !loss_scale_warned_) {
    loss_scale_warned_ = true;
    core::log_warn("fp16 loss scale fell to " + value_text(scale) +
                   ": gradients overflow fp16 even unscaled; the run is close to diverging");
  }
}

}  // namespace facerep::trainers
