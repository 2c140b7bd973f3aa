// Pair lists: the input is read both as an LFW pairs.txt and as a CSV `path1,path2,same`.
#include "core/error.h"
#include "eval/pair_list.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/fuzz_targets.h"

namespace facerep::fuzz {

namespace {
// Accepted when either reader accepts it; the CSV reader's error is the one reported otherwise.
void pair_list_body(const std::vector<std::string>& parts) {
  try {
    eval::read_lfw_pairs(write_scratch("pairs.txt", parts[0]), scratch_path("lfw"));
    return;
  } catch (const core::RuntimeError&) {
  }
  eval::read_csv_pairs(write_scratch("pairs.csv", parts[0]));
}
}  // namespace

int fuzz_pair_list(const uint8_t* data, size_t size) {
  return expect_clean_errors(pair_list_body, {std::string(reinterpret_cast<const char*>(data), size)});
}

std::vector<std::string> seeds_pair_list() {
  return {
      "1\t2\nAaron\t1\t2\nAbel\t1\tBob\t3\n",
      "10 300\nAnn 1 4\nAnn 2 Cid 1\n",
      "path1,path2,same\na.jpg,b.jpg,1\nc.jpg,d.jpg,false\n",
      "x/a.png,/abs/b.png,true\n",
  };
}

}  // namespace facerep::fuzz
