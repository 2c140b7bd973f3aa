#include "fuzz/fuzz_mutator.h"

#include <cstring>

namespace facerep::fuzz {

namespace {
// Bytes that tend to matter to parsers: NUL, sign and high bits, separators, digits, YAML and
// pickle punctuation.
constexpr char kInteresting[] = {'\0', '\x01', '\x7f', '\x80', '\xff', '\n', '\r', '\t', ',', ':', '-', '.', '0',
                                 '1',  '9',    '"',    '&',    '*',    '[',  ']',  '{',  '}', '(', 'e', ' ', '#'};
// Little-endian words for size and offset fields: 0, -1, sign bits, 2^31 - 1, 2^32 - 1 ...
constexpr uint64_t kInterestingWords[] = {0, 1, ~uint64_t{0}, 0x7fffffff, 0x80000000, 0xffffffff,
                                          0x7fffffffffffffff, 0x8000000000000000, 0x10000, 0x20000000};
}  // namespace

std::string Mutator::mutate(const std::vector<std::string>& corpus) {
  std::string s = corpus[below(corpus.size())];
  const uint64_t rounds = 1 + below(4);
  for (uint64_t r = 0; r < rounds; ++r) mutate_once(s, corpus);
  return s;
}

void Mutator::mutate_once(std::string& s, const std::vector<std::string>& corpus) {
  switch (below(7)) {
    case 0:  // flip a few bits
      for (uint64_t k = 1 + below(4); k > 0 && !s.empty(); --k) s[below(s.size())] ^= static_cast<char>(1u << below(8));
      break;
    case 1:  // truncate
      s.resize(below(s.size() + 1));
      break;
    case 2: {  // insert interesting or random bytes
      const size_t at = below(s.size() + 1);
      std::string bytes;
      for (uint64_t k = 1 + below(8); k > 0; --k)
        bytes += below(2) ? kInteresting[below(sizeof kInteresting)] : static_cast<char>(below(256));
      s.insert(at, bytes);
      break;
    }
    case 3: {  // overwrite with a boundary word (1, 2, 4 or 8 bytes)
      const size_t width = size_t{1} << below(4);
      if (s.size() < width) break;
      const uint64_t word = kInterestingWords[below(sizeof kInterestingWords / sizeof kInterestingWords[0])];
      std::memcpy(&s[below(s.size() - width + 1)], &word, width);
      break;
    }
    case 4: {  // duplicate a chunk
      if (s.empty()) break;
      const size_t from = below(s.size()), len = 1 + below(std::min<size_t>(64, s.size() - from));
      s.insert(below(s.size() + 1), s.substr(from, len));
      break;
    }
    case 5: {  // splice: our head, another input's tail
      const std::string& other = corpus[below(corpus.size())];
      s = s.substr(0, below(s.size() + 1)) + other.substr(below(other.size() + 1));
      break;
    }
    default:  // erase a chunk
      if (s.empty()) break;
      const size_t from = below(s.size());
      s.erase(from, 1 + below(std::min<size_t>(32, s.size() - from)));
      break;
  }
}

}  // namespace facerep::fuzz
