#pragma once
// `train:` — the loop: length, batching, logging, evaluation and checkpoint cadence.
#include <string>

#include "core/config_visit.h"

namespace facerep::trainers {

struct EmaOptions {
  bool enabled = false;
  double decay = 0.999;
  template <class V> void visit(V& v) {
    v("enabled", enabled, "keep an exponential moving average of the weights (evaluated and exported)");
    v("decay", decay, "EMA decay per optimizer step").greater(0.0).less(1.0);
  }
};

struct TrainOptions {
  int epochs = 1;
  int64_t steps = 0;  // > 0 overrides epochs
  int batch_size = 32;
  int grad_accum = 1;
  double grad_clip = 0.0;
  double dist_bucket_mb = 25.0;
  int log_every = 10;
  int eval_every = 0;
  int checkpoint_every = 0;
  int keep_last = 3;
  bool skip_nonfinite = false;
  std::string host_sync = "auto";
  std::string best_mode = "max";
  EmaOptions ema;

  template <class V> void visit(V& v) {
    v("epochs", epochs, "passes over the training data (ignored when steps > 0)").min(1);
    v("steps", steps, "optimizer steps; 0 = derive from epochs").min(int64_t{0});
    v("batch_size", batch_size,
      "samples per optimizer step over all processes (each of W processes loads batch_size / W)")
        .min(1)
        .max(1 << 20);
    v("grad_accum", grad_accum, "micro-batches each process splits its share of a step into").min(1);
    v("grad_clip", grad_clip, "max global gradient norm; 0 = off").min(0.0);
    v("dist_bucket_mb", dist_bucket_mb,
      "multi-process runs: gradients are averaged in all-reduce buckets of about this many MiB, each "
      "launched as soon as backward has filled it")
        .greater(0.0);
    v("log_every", log_every, "log metrics every N steps").min(1);
    v("eval_every", eval_every, "run evaluators every N steps; 0 = at the end only").min(0);
    v("checkpoint_every", checkpoint_every, "checkpoint every N steps; 0 = at the end only").min(0);
    v("keep_last", keep_last, "checkpoints kept besides best and last").min(1);
    v("skip_nonfinite", skip_nonfinite,
      "skip (and count) batches whose loss is NaN/Inf instead of stopping");
    v("host_sync", host_sync,
      "when a step's loss and metrics are read back to the host: step (every step; a non-finite batch is "
      "skipped before its update), log_interval (only where a log line, evaluation or checkpoint is due, so a "
      "GPU never waits for the host; a non-finite batch's update uses zero gradients and is reported at the "
      "next of those steps), auto (step on CPU, log_interval on CUDA)")
        .one_of({"auto", "step", "log_interval"});
    v("best_mode", best_mode,
      "whether a higher (max) or lower (min) primary metric of the first validation evaluation is better (it picks best.ckpt)")
        .one_of({"max", "min"});
    v.section("ema", ema, "weight EMA");
  }
};

}  // namespace facerep::trainers
