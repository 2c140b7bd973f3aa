#pragma once
// What every harness shares: a scratch folder of this process for readers that need a path,
// splitting one input into several parts, and telling facerep's own errors from findings.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace facerep::fuzz {

// Once per fuzz process before any input: LibTorch on one thread (no thread pool to start).
void initialize();
// Writes `seeds` as files seed_<n> into `dir` (created when absent).
void write_seeds(const std::vector<std::string>& seeds, const std::string& dir);

// `name` inside this process's scratch folder (created on first use, removed at exit), so
// parallel fuzzers and test processes never share a file.
std::string scratch_path(const std::string& name);
// Writes `bytes` to scratch_path(name) and returns the path. Atomic but not fsynced: the
// fuzzer rewrites it thousands of times a second and nothing needs it after a power cut.
std::string write_scratch(const std::string& name, const std::string& bytes);

// The whole file at `path` (seed generators read back what facerep's writers wrote).
std::string read_bytes(const std::string& path);

// The input cut at each `separator` byte (one part when there is none).
std::vector<std::string> split_input(const uint8_t* data, size_t size, char separator);

// Runs `body` and returns 0, also when it throws core::ConfigError, core::RuntimeError or
// c10::Error (facerep rejecting bad input, as it should). Any other exception propagates: the
// caller (libFuzzer, the smoke test) reports it as a finding.
int expect_clean_errors(void (*body)(const std::vector<std::string>& parts), const std::vector<std::string>& parts);
// The message of the error the last expect_clean_errors call caught on this thread, "" when the
// input was accepted (the smoke test checks that its seeds are valid inputs).
const std::string& last_rejection();

}  // namespace facerep::fuzz
