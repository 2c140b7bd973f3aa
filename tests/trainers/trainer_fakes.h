#pragma once
// Small stand-ins for the trainer tests: a linear backbone (no batch-norm, so gradient
// accumulation is exactly equivalent), a softmax objective, and an in-memory stream of
// class-clustered images whose order and noise are pure functions of (seed, epoch, batch).
#include <cstdint>
#include <memory>
#include <string>

#include "trainers/batch_stream.h"
#include "trainers/experiment_config.h"

namespace facerep::trainers::testing {

// Registers model "test_linear", objective "test_softmax" and evaluator "test_scripted"
// (idempotent). The objective's option `nan_at_step` makes its loss NaN at that step (1-based;
// 0 = never); the evaluator reports its `scores` one per call as eval/<role>/<name>/score
// (`name` default scripted, `role` default test) and writes results.json like the real ones.
void register_fakes();
// YAML selecting the fakes, for tests that only need some other section to validate.
inline constexpr const char* kFakeComponents = "model: {type: test_linear}\nobjective: {type: test_softmax}\n";

struct FakeStreamOptions {
  int64_t classes = 4;
  int64_t samples = 64;
  int64_t batch_size = 16;
  int64_t image_size = 8;
  uint64_t seed = 0;
  std::string sampler = "shuffle";
};

std::unique_ptr<BatchStream> make_fake_stream(const FakeStreamOptions& o);

// A config using the fakes (width = embedding size), with `extra` YAML merged over it.
ExperimentConfig fake_config(const std::string& extra = "");

}  // namespace facerep::trainers::testing
