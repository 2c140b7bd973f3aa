#include <gtest/gtest.h>

#include "core/crc32c.h"

namespace facerep::core {
namespace {

// Check values from RFC 3720 (iSCSI) appendix B.4 and the common "123456789" vector.
TEST(Crc32c, KnownVectors) {
  EXPECT_EQ(crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(crc32c(std::string()), 0x00000000u);
  EXPECT_EQ(crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(crc32c(std::string(32, '\xff')), 0x62A8AB43u);
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
  EXPECT_EQ(crc32c(ascending), 0x46DD794Eu);
}

TEST(Crc32c, ContinuesAcrossChunks) {
  const std::string s = "The quick brown fox jumps over the lazy dog";
  const uint32_t whole = crc32c(s);
  const uint32_t first = crc32c(s.data(), 10);
  EXPECT_EQ(crc32c(s.data() + 10, s.size() - 10, first), whole);
}

TEST(Crc32c, MaskMatchesTfRecordDefinition) {
  // ((c >> 15) | (c << 17)) + 0xa282ead8, computed by hand for two values.
  EXPECT_EQ(mask_crc32c(0u), 0xa282ead8u);
  // 0xE3069283: >>15 = 0x1C60D, <<17 = 0x25060000 -> 0x2507C60D; + 0xa282ead8 = 0xC78AB0E5
  EXPECT_EQ(mask_crc32c(0xE3069283u), 0xC78AB0E5u);
}

}  // namespace
}  // namespace facerep::core
