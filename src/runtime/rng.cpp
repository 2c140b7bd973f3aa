#include "runtime/rng.h"

#include <sstream>

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <torch/cuda.h>

#include "core/error.h"

namespace facerep::runtime {

namespace {
// SplitMix-style mixing keeps streams of neighbouring seeds unrelated.
uint64_t mix_stream(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
}  // namespace

at::Generator make_cpu_generator(uint64_t seed, uint64_t stream) {
  return at::make_generator<at::CPUGeneratorImpl>(mix_stream(seed, stream));
}

void seed_for_micro_batch(at::Generator& generator, uint64_t seed, int64_t step, int64_t index) {
  const uint64_t z = mix_stream(mix_stream(seed, static_cast<uint64_t>(step)), static_cast<uint64_t>(index));
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_current_seed(z);
}

at::Tensor generator_state(const at::Generator& generator) {
  at::Generator g = generator;  // shares the implementation; mutex() is non-const
  std::lock_guard<std::mutex> lock(g.mutex());
  return g.get_state().clone();
}

void set_generator_state(at::Generator& generator, const at::Tensor& state) {
  if (!state.defined() || state.scalar_type() != at::kByte || state.dim() != 1)
    throw core::RuntimeError("RNG state must be a 1-D uint8 tensor");
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(state.contiguous());
}

at::Tensor default_cpu_generator_state() { return generator_state(at::detail::getDefaultCPUGenerator()); }

void set_default_cpu_generator_state(const at::Tensor& state) {
  at::Generator g = at::detail::getDefaultCPUGenerator();
  set_generator_state(g, state);
}

at::Tensor default_cuda_generator_state() {
  if (!torch::cuda::is_available()) return at::Tensor();
  return generator_state(at::globalContext().defaultGenerator(at::Device(at::kCUDA)));
}

void set_default_cuda_generator_state(const at::Tensor& state) {
  if (!state.defined()) return;
  if (!torch::cuda::is_available())
    throw core::RuntimeError("checkpoint holds a CUDA RNG state but CUDA is not available");
  at::Generator g = at::globalContext().defaultGenerator(at::Device(at::kCUDA));
  set_generator_state(g, state);
}

std::string mt_state(const std::mt19937_64& engine) {
  std::ostringstream os;
  os << engine;
  return os.str();
}

void set_mt_state(std::mt19937_64& engine, const std::string& state) {
  std::istringstream is(state);
  is >> engine;
  if (is.fail()) throw core::RuntimeError("malformed std::mt19937_64 state in checkpoint");
}

}  // namespace facerep::runtime
