#pragma once
// Verification pair lists: LFW's pairs.txt, a CSV `path1,path2,same`, or pairs generated from
// identity labels.
#include <cstdint>
#include <string>
#include <vector>

namespace facerep::eval {

struct PathPair {
  std::string a, b;
  bool same = false;
  std::string origin;  // "file:line", for messages
};

// LFW format: an optional header ("10 300" or "300"), then "name n1 n2" (same person) or
// "name1 n1 name2 n2" (different people); images resolve to image_root/name/name_%04d.jpg.
// Throws core::RuntimeError naming file:line on a malformed line, or when the file is unreadable.
std::vector<PathPair> read_lfw_pairs(const std::string& path, const std::string& image_root);

// CSV `path1,path2,same` (same: 1/0/true/false), optional header; relative paths resolve
// against the CSV's folder.
std::vector<PathPair> read_csv_pairs(const std::string& path);

struct IndexPair {
  int64_t a = 0, b = 0;
  bool same = false;
};
// `count` pairs alternating same/different (so consecutive folds stay balanced), drawn with
// `seed` from samples with known identity (>= 0). Same pairs come from identities with at least
// two samples. Throws core::RuntimeError when the labels cannot supply both kinds.
std::vector<IndexPair> generate_pairs(const std::vector<int64_t>& identities, int64_t count, uint64_t seed);

}  // namespace facerep::eval
