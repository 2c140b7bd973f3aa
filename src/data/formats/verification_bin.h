#pragma once
// insightface verification sets (lfw.bin, cfp_fp.bin, agedb_30.bin, ...): a pickle of the tuple
// (images, issame) where `images` lists 2N encoded JPEG/PNG images and `issame` N flags; pair i
// is images 2i and 2i+1. Files written by Python 3 hold `bytes` (BINBYTES, SHORT_BINBYTES,
// BINBYTES8), older Python 2 ones `str` (BINSTRING, SHORT_BINSTRING): both are accepted, as are
// flags stored as bools or as the ints 0/1.
#include <string>
#include <vector>

namespace facerep::data {

struct VerificationBin {
  std::vector<std::string> images;  // encoded images, pair i = images[2i], images[2i+1]
  std::vector<bool> same;           // one flag per pair
};

// Reads and checks a whole .bin file. Throws core::RuntimeError naming the file, and the byte
// offset for a corrupt pickle or the element for a wrong layout.
VerificationBin read_verification_bin(const std::string& path);

}  // namespace facerep::data
