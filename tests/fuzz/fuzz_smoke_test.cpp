// A short run of every fuzz harness inside the normal test suite: its generated seeds, the
// regression inputs kept in tests/fuzz/corpus/<target>/ (crashes scripts/fuzz.sh found once),
// then deterministic mutations. The long, instrumented runs are scripts/fuzz.sh.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <vector>

#include "core/atomic_write.h"
#include "fuzz/fuzz_mutator.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/fuzz_targets.h"
#include "test_support.h"

namespace facerep::fuzz {
namespace {

constexpr int kMutationsPerTarget = 500;

const Target& target_named(const std::string& name) {
  for (const Target& t : targets())
    if (name == t.name) return t;
  throw std::runtime_error("no fuzz target " + name);
}

std::vector<std::string> regression_inputs(const std::string& target) {
  std::vector<std::string> out;
  const std::filesystem::path dir = std::filesystem::path(testing::source_dir()) / "tests/fuzz/corpus" / target;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return out;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) out.push_back(read_bytes(f.string()));
  return out;
}

// Runs one input; a finding fails the test and keeps the input for `fuzz_<target> FILE`.
void run_one(const Target& t, const std::string& input, const std::string& label) {
  try {
    t.harness(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  } catch (const std::exception& e) {
    const std::string kept = (std::filesystem::temp_directory_path() / ("facerep_fuzz_finding_" + std::string(t.name))).string();
    core::write_file_atomic(kept, input);
    ADD_FAILURE() << t.name << " " << label << ": " << e.what() << " (input kept in " << kept << ")";
  }
}

class FuzzSmoke : public ::testing::TestWithParam<std::string> {};

TEST_P(FuzzSmoke, SeedsAreAcceptedAndMutationsFailCleanly) {
  const Target& t = target_named(GetParam());
  const std::vector<std::string> seeds = t.seeds();
  ASSERT_FALSE(seeds.empty());
  for (size_t i = 0; i < seeds.size(); ++i) {
    run_one(t, seeds[i], "seed " + std::to_string(i));
    // A seed that is itself rejected would only ever test error paths.
    EXPECT_EQ(last_rejection(), "") << t.name << " seed " << i;
  }
  const std::vector<std::string> regressions = regression_inputs(t.name);
  for (size_t i = 0; i < regressions.size(); ++i) run_one(t, regressions[i], "regression input " + std::to_string(i));

  std::vector<std::string> corpus = seeds;
  corpus.insert(corpus.end(), regressions.begin(), regressions.end());
  Mutator mutator(0x5eed0000u + static_cast<uint64_t>(GetParam().size()));
  int accepted = 0;
  for (int i = 0; i < kMutationsPerTarget; ++i) {
    run_one(t, mutator.mutate(corpus), "mutation " + std::to_string(i));
    accepted += last_rejection().empty();
  }
  std::cout << t.name << ": " << seeds.size() << " seeds, " << regressions.size() << " regression inputs, "
            << kMutationsPerTarget << " mutations (" << accepted << " accepted)\n";
}

const std::vector<std::string> kTargetNames{"config", "list", "packed", "recordio", "pair_list", "verification_bin",
                                            "checkpoint"};

INSTANTIATE_TEST_SUITE_P(AllTargets, FuzzSmoke, ::testing::ValuesIn(kTargetNames),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// A harness added to targets() (and so to scripts/fuzz.sh) must be added here too.
TEST(FuzzSmokeList, CoversEveryTarget) {
  std::vector<std::string> names;
  for (const Target& t : targets()) names.push_back(t.name);
  EXPECT_EQ(names, kTargetNames);
}

}  // namespace
}  // namespace facerep::fuzz
