#pragma once
// `run:` — what every job shares: name, output location, device, precision, threads, seed.
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
  }
};

}  // namespace facerep::core
