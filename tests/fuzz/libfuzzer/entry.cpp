// libFuzzer entry for one harness, chosen at compile time (FACEREP_FUZZ_TARGET=list makes
// fuzz_list). The harnesses are plain functions so the gtest smoke test can call them too.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_support.h"
#include "fuzz/fuzz_targets.h"

#define FACEREP_FUZZ_CAT2(a, b) a##b
#define FACEREP_FUZZ_CAT(a, b) FACEREP_FUZZ_CAT2(a, b)

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  facerep::fuzz::initialize();
  // scripts/fuzz.sh asks each executable once to write its generated seeds into the corpus.
  if (const char* dir = std::getenv("FACEREP_FUZZ_WRITE_SEEDS"))
    facerep::fuzz::write_seeds(facerep::fuzz::FACEREP_FUZZ_CAT(seeds_, FACEREP_FUZZ_TARGET)(), dir);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return facerep::fuzz::FACEREP_FUZZ_CAT(fuzz_, FACEREP_FUZZ_TARGET)(data, size);
}
