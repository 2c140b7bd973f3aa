// Inputs that crashed a reader (or were undefined behaviour) before it was fixed, crafted from the
// harnesses' seeds, each checked to be rejected with a clear message. Inputs that scripts/fuzz.sh
// found are kept as files in tests/fuzz/corpus/<target>/ instead (fuzz_smoke_test.cpp runs them).
#include <gtest/gtest.h>

#include <cstring>
#include <limits>
#include <string>

#include "fuzz/fuzz_support.h"
#include "fuzz/fuzz_targets.h"

namespace facerep::fuzz {
namespace {

template <class T> void put_at(std::string& s, size_t offset, T value) { std::memcpy(&s[offset], &value, sizeof(T)); }

// The harness's verdict: "" when accepted, else facerep's error message.
std::string verdict(Harness harness, const std::string& input) {
  harness(reinterpret_cast<const uint8_t*>(input.data()), input.size());
  return last_rejection();
}

// Packed header fields, as offsets into the harness input (one flag byte, then the file).
constexpr size_t kCount = 1 + 16, kChannels = 1 + 32, kHeight = 1 + 24, kRecordSize = 1 + 52, kIndex = 1 + 64,
                 kData = 1 + 72;

TEST(FuzzRegression, PackedHeaderWithZeroChannelsIsABadLayoutNotAnOpenCvException) {
  // A consistent header (CRCs recomputed by the harness) for records of 0 bytes: cv::Mat threw
  // cv::Exception for CV_8UC(0) instead of a RuntimeError naming the file.
  std::string input = seeds_packed().at(0);
  put_at<uint32_t>(input, kChannels, 0);
  put_at<uint32_t>(input, kRecordSize, 0);
  uint64_t index = 0;
  std::memcpy(&index, &input[kIndex], 8);
  put_at<uint64_t>(input, kData, index);
  EXPECT_NE(verdict(fuzz_packed, input).find("bad layout in the header"), std::string::npos) << last_rejection();
}

TEST(FuzzRegression, PackedHeaderWithNegativeHeightOrHugeCountIsRejected) {
  std::string tall = seeds_packed().at(0);
  put_at<uint32_t>(tall, kHeight, 0xffffffffu);  // int -1: the record size wrapped around
  EXPECT_NE(verdict(fuzz_packed, tall).find("bad layout in the header"), std::string::npos) << last_rejection();
  std::string many = seeds_packed().at(0);
  put_at<uint64_t>(many, kCount, uint64_t{1} << 61);  // count x record size overflowed
  EXPECT_NE(verdict(fuzz_packed, many).find("inconsistent sizes"), std::string::npos) << last_rejection();
}

// The RecordIO seed without .idx: a header record (flag 2, labels {3, 5}) at offset 0, then the
// first image record at offset 40.
constexpr size_t kHeaderEndKey = 8 + 24, kFirstImageLabel = 40 + 8 + 4;

TEST(FuzzRegression, RecordIONonFiniteOrHugeLabelsAreErrorsNotUndefinedCasts) {
  std::string nan_end = seeds_recordio().at(1);
  put_at<float>(nan_end, kHeaderEndKey, std::numeric_limits<float>::quiet_NaN());
  EXPECT_NE(verdict(fuzz_recordio, nan_end).find("end key"), std::string::npos) << last_rejection();
  std::string huge_label = seeds_recordio().at(1);
  put_at<float>(huge_label, kFirstImageLabel, 1e30f);
  EXPECT_NE(verdict(fuzz_recordio, huge_label).find("is not a whole number"), std::string::npos) << last_rejection();
  EXPECT_EQ(verdict(fuzz_recordio, seeds_recordio().at(1)), "");  // the offsets above are the right ones
}

// The seed checkpoint's data.pkl (pickle mode of the harness) with `from` replaced by `to`.
std::string checkpoint_pickle_with(const std::string& from, const std::string& to) {
  std::string input = seeds_checkpoint().at(2);
  const size_t at = input.find(from);
  if (at == std::string::npos) return "";
  return input.replace(at, from.size(), to);
}

// Python's LONG1 opcode with 8 little-endian bytes.
std::string long1(uint64_t v) {
  std::string s = "\x8a\x08";
  for (int k = 0; k < 8; ++k) s += static_cast<char>((v >> (8 * k)) & 0xff);
  return s;
}

TEST(FuzzRegression, CheckpointSizesThatOverflowPastTheBoundsChecksAreRejected) {
  // fc.weight is storage "0" of 6 floats viewed as size (2, 3), stride (3, 1).
  const std::string storage = std::string("K\x06tQ"), view = std::string("(K\x02K\x03t(K\x03K\x01t");
  ASSERT_EQ(verdict(fuzz_checkpoint, seeds_checkpoint().at(2)), "");
  // (2^62 + 6) x 4 bytes wraps to the record's 24 bytes.
  const std::string numel = checkpoint_pickle_with(storage, long1((uint64_t{1} << 62) + 6) + "tQ");
  ASSERT_FALSE(numel.empty());
  EXPECT_NE(verdict(fuzz_checkpoint, numel).find("holds 24 bytes"), std::string::npos) << last_rejection();
  // Size (2, 2^62 + 1), stride (3, 4): the extent 3 + 2^62 x 4 wraps to 3, inside 6 elements.
  const std::string extent = checkpoint_pickle_with(view, "(K\x02" + long1((uint64_t{1} << 62) + 1) + "t(K\x03K\x04t");
  ASSERT_FALSE(extent.empty());
  EXPECT_NE(verdict(fuzz_checkpoint, extent).find("exceeds its storage"), std::string::npos) << last_rejection();
}

TEST(FuzzRegression, SetValueThatHangsYamlCppIsAnError) {
  // Found by scripts/fuzz.sh: yaml-cpp 0.7 reports an empty document forever on ",", and the YAML
  // guard looped over documents: `--set train.epochs=,3` never returned.
  const std::string input = std::string("train: {epochs: 1}\n") + '\0' + "train.epochs=,3";
  EXPECT_NE(verdict(fuzz_config, input).find("more than one YAML document"), std::string::npos) << last_rejection();
}

TEST(FuzzRegression, PickleWithAListHoldingItselfIsRefused) {
  // Found by scripts/fuzz.sh: DUP + APPEND made a list contain itself, a shared_ptr cycle that
  // leaked (LeakSanitizer) and would make any recursive walk of the tree loop.
  const std::string self_append = "\x80\x02]2a.";
  EXPECT_NE(verdict(fuzz_verification_bin, self_append).find("reference cycle"), std::string::npos) << last_rejection();
  // A list stored in another and then changed (through the memo) could close a longer cycle.
  // [L0, L1] on the stack, L0 appended to L1, then L1 to L0.
  const std::string late_append = std::string("\x80\x02]q\x00]q\x01h\x00" "aa.", 13);
  EXPECT_NE(verdict(fuzz_verification_bin, late_append).find("already stored in another"), std::string::npos)
      << last_rejection();
}

}  // namespace
}  // namespace facerep::fuzz
