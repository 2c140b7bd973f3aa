#pragma once
// `run:` — what every job shares: name, output location, device, precision, threads, seed, and how
// the processes of a multi-process job talk (docs/distributed.md).
#include <string>

#include "core/config_visit.h"

namespace facerep::core {

struct RunOptions {
  std::string name = "run";
  std::string root = "runs";  // run directories go to <root>/<name>/<YYYYmmdd-HHMMSS>/
  uint64_t seed = 0;
  std::string device = "auto";   // auto | cpu | cuda | cuda:N
  std::string precision = "fp32";  // fp32 | bf16 | fp16 (autocast; fp16 adds loss scaling)
  int threads = 0;               // intra-op threads; 0 = all cores
  bool deterministic = false;
  bool channels_last = false;
  std::string log_level = "info";
  std::string dist_backend = "auto";  // auto | gloo | nccl
  double dist_timeout_s = 1800.0;
  bool dist_rank_logs = false;

  template <class V> void visit(V& v) {
    v("name", name, "run name: the folder under run.root").non_empty();
    v("root", root, "folder that holds all runs").non_empty();
    v("seed", seed, "seed for every random choice (data order, augmentation, init, masks)");
    v("device", device, "auto (CUDA when available, else CPU) | cpu | cuda | cuda:N");
    v.require(device == "auto" || device == "cpu" || device == "cuda" ||
                  device.rfind("cuda:", 0) == 0,
              "device", "must be auto, cpu, cuda or cuda:N; got '" + device + "'");
    v("precision", precision, "autocast precision on CUDA (CPU always runs fp32)")
        .one_of({"fp32", "bf16", "fp16"});
    v("threads", threads, "LibTorch intra-op threads; 0 = one per core").min(0).max(1024);
    v("deterministic", deterministic,
      "deterministic algorithms only (bitwise-reproducible runs on CPU; slower on CUDA)");
    v("log_level", log_level, "console verbosity").one_of({"debug", "info", "warn", "error"});
    v("channels_last", channels_last,
      "train convolutional models in channels-last memory format (NHWC): faster convolutions on CUDA "
      "tensor cores; on CPU measure with `facerep bench train` first");
    v("dist_backend", dist_backend,
      "multi-process communication (docs/distributed.md); auto = nccl when training on CUDA, gloo on "
      "CPU; unused in a single-process run")
        .one_of({"auto", "gloo", "nccl"});
    v("dist_timeout_s", dist_timeout_s,
      "seconds a process waits for its peers (a collective, the rendezvous, rank 0's checkpoint or "
      "evaluation) before the job fails naming the lost rank; keep it above the longest evaluation")
        .greater(0.0);
    v("dist_rank_logs", dist_rank_logs,
      "multi-process runs: ranks other than 0 also write logs/rank_<N>.txt in the run folder (rank 0 "
      "writes log.txt; the others print only warnings and errors)");
  }
};

}  // namespace facerep::core
