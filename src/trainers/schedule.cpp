#include "trainers/schedule.h"

#include <algorithm>
#include <cmath>

namespace facerep::trainers {

int64_t WarmupOptions::steps(const ScheduleContext& ctx) const {
  return warmup_steps + static_cast<int64_t>(std::llround(warmup_epochs * static_cast<double>(ctx.steps_per_epoch)));
}

Schedule::Schedule(const ScheduleContext& ctx, const WarmupOptions& warmup)
    : ctx_(ctx), warmup_(warmup), warmup_steps_(std::min(warmup.steps(ctx), ctx.total_steps)) {}

double Schedule::lr(int64_t step) const {
  if (step < warmup_steps_) {
    const double f = static_cast<double>(step) / static_cast<double>(warmup_steps_);
    return warmup_.warmup_start + (ctx_.base_lr - warmup_.warmup_start) * f;
  }
  const int64_t span = std::max<int64_t>(1, ctx_.total_steps - warmup_steps_);
  return after_warmup(std::min(step - warmup_steps_, span), span, step);
}

ScheduleRegistry& schedule_registry() {
  static ScheduleRegistry registry("schedule");
  return registry;
}

namespace {

constexpr double kPi = 3.14159265358979323846;

struct CosineOptions {
  WarmupOptions warmup;
  double min_lr = 0.0;
  template <class V> void visit(V& v) {
    warmup.visit(v);
    v("min_lr", min_lr, "lr reached at the last step").min(0.0);
  }
};

class Cosine : public Schedule {
 public:
  Cosine(const ScheduleContext& ctx, const CosineOptions& o) : Schedule(ctx, o.warmup), min_lr_(o.min_lr) {}

 protected:
  double after_warmup(int64_t t, int64_t span, int64_t) const override {
    const double progress = static_cast<double>(t) / static_cast<double>(span);
    return min_lr_ + (ctx_.base_lr - min_lr_) * 0.5 * (1.0 + std::cos(kPi * progress));
  }

 private:
  double min_lr_;
};

struct StepOptions {
  WarmupOptions warmup;
  std::vector<double> milestones;
  std::string unit = "epoch";
  double gamma = 0.1;
  template <class V> void visit(V& v) {
    warmup.visit(v);
    v("milestones", milestones, "positions where lr is multiplied by gamma (in `unit`s)");
    v("unit", unit, "milestones count epochs or optimizer steps").one_of({"epoch", "step"});
    v("gamma", gamma, "factor applied at each milestone").greater(0.0);
  }
};

class StepSchedule : public Schedule {
 public:
  StepSchedule(const ScheduleContext& ctx, const StepOptions& o) : Schedule(ctx, o.warmup), o_(o) {}

 protected:
  double after_warmup(int64_t, int64_t, int64_t step) const override {
    // Milestones are absolute positions (counted from step 0, warmup included), as in
    // torch.optim.lr_scheduler.MultiStepLR.
    const double per_unit = o_.unit == "epoch" ? static_cast<double>(ctx_.steps_per_epoch) : 1.0;
    double lr = ctx_.base_lr;
    for (double m : o_.milestones)
      if (static_cast<double>(step) >= m * per_unit) lr *= o_.gamma;
    return lr;
  }

 private:
  StepOptions o_;
};

struct PolyOptions {
  WarmupOptions warmup;
  double power = 1.0;
  double min_lr = 0.0;
  template <class V> void visit(V& v) {
    warmup.visit(v);
    v("power", power, "lr = min_lr + (lr − min_lr)·(1 − progress)^power").greater(0.0);
    v("min_lr", min_lr, "lr reached at the last step").min(0.0);
  }
};

class Poly : public Schedule {
 public:
  Poly(const ScheduleContext& ctx, const PolyOptions& o) : Schedule(ctx, o.warmup), o_(o) {}

 protected:
  double after_warmup(int64_t t, int64_t span, int64_t) const override {
    const double progress = static_cast<double>(t) / static_cast<double>(span);
    return o_.min_lr + (ctx_.base_lr - o_.min_lr) * std::pow(1.0 - progress, o_.power);
  }

 private:
  PolyOptions o_;
};

struct ConstantOptions {
  WarmupOptions warmup;
  template <class V> void visit(V& v) { warmup.visit(v); }
};

class Constant : public Schedule {
 public:
  Constant(const ScheduleContext& ctx, const ConstantOptions& o) : Schedule(ctx, o.warmup) {}

 protected:
  double after_warmup(int64_t, int64_t, int64_t) const override { return ctx_.base_lr; }
};

}  // namespace

std::shared_ptr<Schedule> cosine_schedule(const ScheduleContext& ctx, int64_t warmup_steps, double min_lr) {
  CosineOptions o;
  o.warmup.warmup_steps = warmup_steps;
  o.min_lr = min_lr;
  return std::make_shared<Cosine>(ctx, o);
}

void register_schedules() {
  auto& r = schedule_registry();
  r.add<CosineOptions>("cosine", "linear warmup, then cosine decay to min_lr",
                       [](const CosineOptions& o, const ScheduleContext& c) -> std::shared_ptr<Schedule> {
                         return std::make_shared<Cosine>(c, o);
                       });
  r.add<StepOptions>("step", "linear warmup, then lr × gamma at each milestone",
                     [](const StepOptions& o, const ScheduleContext& c) -> std::shared_ptr<Schedule> {
                       return std::make_shared<StepSchedule>(c, o);
                     });
  r.add<PolyOptions>("poly", "linear warmup, then polynomial decay to min_lr",
                     [](const PolyOptions& o, const ScheduleContext& c) -> std::shared_ptr<Schedule> {
                       return std::make_shared<Poly>(c, o);
                     });
  r.add<ConstantOptions>("constant", "linear warmup, then constant lr",
                         [](const ConstantOptions& o, const ScheduleContext& c) -> std::shared_ptr<Schedule> {
                           return std::make_shared<Constant>(c, o);
                         });
}

}  // namespace facerep::trainers
