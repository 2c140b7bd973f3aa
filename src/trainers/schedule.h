#pragma once
// Learning-rate schedules chosen by `schedule: {type: ...}`: a pure function of the optimizer
// step, so a checkpoint only needs the step to resume it. Every schedule starts with an optional
// linear warmup from warmup_start to the base lr; the trainer multiplies the result by each
// parameter group's lr_scale.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/registry.h"

namespace facerep::trainers {

struct ScheduleContext {
  double base_lr = 0.1;         // the optimizer's lr after lr_scale
  int64_t total_steps = 1;      // planned optimizer steps
  int64_t steps_per_epoch = 1;  // for options given in epochs
};

// Warmup options shared by every schedule.
struct WarmupOptions {
  int64_t warmup_steps = 0;
  double warmup_epochs = 0.0;
  double warmup_start = 0.0;

  template <class V> void visit(V& v) {
    v("warmup_steps", warmup_steps, "linear warmup length in optimizer steps").min(int64_t{0});
    v("warmup_epochs", warmup_epochs, "linear warmup length in epochs (added to warmup_steps)").min(0.0);
    v("warmup_start", warmup_start, "lr at step 0 of the warmup").min(0.0);
  }
  int64_t steps(const ScheduleContext& ctx) const;
};

class Schedule {
 public:
  Schedule(const ScheduleContext& ctx, const WarmupOptions& warmup);
  virtual ~Schedule() = default;
  // lr for the update made at optimizer step `step` (0-based).
  double lr(int64_t step) const;

 protected:
  // lr after warmup; `t` counts steps since warmup ended, out of `span` steps.
  virtual double after_warmup(int64_t t, int64_t span, int64_t step) const = 0;
  ScheduleContext ctx_;
  WarmupOptions warmup_;
  int64_t warmup_steps_;
};

using ScheduleRegistry = core::Registry<Schedule, const ScheduleContext&>;
ScheduleRegistry& schedule_registry();

// cosine, step, poly, constant.
void register_schedules();

// The `cosine` schedule built in code rather than from a config (e.g. the few-shot fine-tuning of
// every cell): linear warmup from 0 over `warmup_steps`, then cosine decay to `min_lr`.
std::shared_ptr<Schedule> cosine_schedule(const ScheduleContext& ctx, int64_t warmup_steps, double min_lr = 0.0);

}  // namespace facerep::trainers
