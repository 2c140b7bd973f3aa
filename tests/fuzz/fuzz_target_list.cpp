#include "fuzz/fuzz_targets.h"

namespace facerep::fuzz {

const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"config", fuzz_config, seeds_config},
      {"list", fuzz_list, seeds_list},
      {"packed", fuzz_packed, seeds_packed},
      {"recordio", fuzz_recordio, seeds_recordio},
      {"pair_list", fuzz_pair_list, seeds_pair_list},
      {"verification_bin", fuzz_verification_bin, seeds_verification_bin},
      {"checkpoint", fuzz_checkpoint, seeds_checkpoint},
  };
  return all;
}

}  // namespace facerep::fuzz
