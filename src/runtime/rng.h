#pragma once
// Seeding and RNG-state capture. A checkpoint stores every generator's state so a resumed run
// draws exactly the numbers the uninterrupted run would have drawn.
#include <cstdint>
#include <random>
#include <string>

#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

namespace facerep::runtime {

// Seeding the default generators is runtime::seed_everything (run_setup.h).

// A CPU generator for one component's randomness (e.g. an objective's masks), seeded from the run
// seed and a stream number so components draw independent sequences.
at::Generator make_cpu_generator(uint64_t seed, uint64_t stream = 0);

// Reseeds `generator` for micro-batch `index` of optimizer step `step`, the index counted over all
// processes of the job (rank r's m-th micro-batch of A is r * A + m). The draws then depend on
// (seed, step, index) alone: W processes draw for their micro-batches exactly what one process
// draws for the same micro-batches of the global batch, and a resumed run needs no saved state.
void seed_for_micro_batch(at::Generator& generator, uint64_t seed, int64_t step, int64_t index);

// Generator state as a uint8 tensor (what Generator::get_state returns), and back.
at::Tensor generator_state(const at::Generator& generator);
void set_generator_state(at::Generator& generator, const at::Tensor& state);

at::Tensor default_cpu_generator_state();
void set_default_cpu_generator_state(const at::Tensor& state);
// Default CUDA generator of the current device; undefined tensor when CUDA is not in use.
at::Tensor default_cuda_generator_state();
void set_default_cuda_generator_state(const at::Tensor& state);

// std::mt19937_64 state as text (the standard stream format) and back.
std::string mt_state(const std::mt19937_64& engine);
void set_mt_state(std::mt19937_64& engine, const std::string& state);

}  // namespace facerep::runtime
