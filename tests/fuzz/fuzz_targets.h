#pragma once
// The fuzz harnesses: each feeds arbitrary bytes to one reader of untrusted input. A harness
// returns 0 when the reader accepted the input or rejected it with one of facerep's own errors
// (core::ConfigError, core::RuntimeError, c10::Error); anything else escapes as an exception or
// crashes, and is a finding. libFuzzer executables (libfuzzer/entry.cpp, scripts/fuzz.sh) and the
// gtest smoke test (fuzz_smoke_test.cpp) call the same functions.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace facerep::fuzz {

using Harness = int (*)(const uint8_t* data, size_t size);

int fuzz_config(const uint8_t* data, size_t size);            // YAML text, then --set overrides
int fuzz_list(const uint8_t* data, size_t size);              // CSV/TSV list file
int fuzz_packed(const uint8_t* data, size_t size);            // .frp packed file
int fuzz_recordio(const uint8_t* data, size_t size);          // .rec, optionally then .idx
int fuzz_pair_list(const uint8_t* data, size_t size);         // LFW pairs.txt and CSV pairs
int fuzz_verification_bin(const uint8_t* data, size_t size);  // insightface .bin pickle
int fuzz_checkpoint(const uint8_t* data, size_t size);        // training checkpoint (zip + pickle)

// Small valid inputs for each target, generated with facerep's own writers.
std::vector<std::string> seeds_config();
std::vector<std::string> seeds_list();
std::vector<std::string> seeds_packed();
std::vector<std::string> seeds_recordio();
std::vector<std::string> seeds_pair_list();
std::vector<std::string> seeds_verification_bin();
std::vector<std::string> seeds_checkpoint();

struct Target {
  const char* name;
  Harness harness;
  std::vector<std::string> (*seeds)();
};
// Every target, in the order of scripts/fuzz.sh (fuzz_target_list.cpp; not in the fuzz build,
// where each executable holds one harness).
const std::vector<Target>& targets();

}  // namespace facerep::fuzz
