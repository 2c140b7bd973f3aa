// insightface .bin reader: the input is the pickle file.
#include "data/sources/verification_bin.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/fuzz_targets.h"

namespace facerep::fuzz {

namespace {
void verification_bin_body(const std::vector<std::string>& parts) {
  data::VerificationBinOptions options;
  options.path = write_scratch("input.bin", parts[0]);
  const data::VerificationBinSource source(options, data::SourceContext{});
  source.describe();
  for (int64_t i = 0; i < source.size() && i < 8; ++i) source.get_encoded(i);
}

std::string bin_u32(size_t n) {
  std::string s(4, '\0');
  for (int k = 0; k < 4; ++k) s[static_cast<size_t>(k)] = static_cast<char>((n >> (8 * k)) & 0xFF);
  return s;
}
}  // namespace

int fuzz_verification_bin(const uint8_t* data, size_t size) {
  return expect_clean_errors(verification_bin_body, {std::string(reinterpret_cast<const char*>(data), size)});
}

std::vector<std::string> seeds_verification_bin() {
  using namespace std::string_literals;
  // Python 2 style (protocol 2): str images as SHORT_BINSTRING and BINSTRING, APPENDS, bool flags.
  const std::string py2 = "\x80\x02](U\x05"s + "first" + "T" + bin_u32(6) + "second" + "e](\x88" + "e\x86q\x01.";
  // Python 3 style: SHORT_BINBYTES / BINBYTES, a tuple built by MARK ... TUPLE, int flags, memo.
  const std::string py3 = "\x80\x03(]q\x00(C\x03"s + "abc" + "B" + bin_u32(2) + "de" + "C\x01" + "f" + "C\x01" + "g" +
                          "e](K\x01K\x00"s + "et.";
  // _codecs.encode('\xff', 'latin1'), as Python 3 writes bytes at protocol 2; a memo GET reuses it.
  const std::string codecs = "\x80\x02]q\x00(c_codecs\nencode\nq\x01X\x02\x00\x00\x00\xc3\xbfq\x02X\x06\x00\x00\x00"s +
                             "latin1" + "q\x03\x86q\x04Rq\x05h\x05" + "e]q\x06\x89" + "a\x86q\x07.";
  return {py2, py3, codecs};
}

}  // namespace facerep::fuzz
