#include "eval/pair_list.h"
#include "eval/portable_random.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "core/error.h"

namespace facerep::eval {

namespace fs = std::filesystem;

namespace {
bool parse_int(const std::string& s, int64_t* out) {
  if (s.empty()) return false;
  size_t pos = 0;
  try {
    *out = std::stoll(s, &pos);
  } catch (...) {
    return false;
  }
  return pos == s.size();
}

std::ifstream open_in(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw core::RuntimeError("cannot read pair list " + path);
  return in;
}

std::string lfw_image(const std::string& root, const std::string& name, int64_t number) {
  char file[32];
  std::snprintf(file, sizeof file, "_%04lld.jpg", static_cast<long long>(number));
  return (fs::path(root) / name / (name + file)).string();
}

std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r"), b = s.find_last_not_of(" \t\r");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

}  // namespace

std::vector<PathPair> read_lfw_pairs(const std::string& path, const std::string& image_root) {
  std::ifstream in = open_in(path);
  std::vector<PathPair> pairs;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::istringstream ss(line);
    std::vector<std::string> f;
    for (std::string t; ss >> t;) f.push_back(t);
    if (f.empty()) continue;
    const std::string where = path + ":" + std::to_string(line_no);
    int64_t n1 = 0, n2 = 0;
    const bool header = pairs.empty() && f.size() <= 2 && parse_int(f[0], &n1) && (f.size() == 1 || parse_int(f[1], &n2));
    if (header) continue;
    if (f.size() == 3 && parse_int(f[1], &n1) && parse_int(f[2], &n2)) {
      pairs.push_back({lfw_image(image_root, f[0], n1), lfw_image(image_root, f[0], n2), true, where});
    } else if (f.size() == 4 && parse_int(f[1], &n1) && parse_int(f[3], &n2)) {
      pairs.push_back({lfw_image(image_root, f[0], n1), lfw_image(image_root, f[2], n2), false, where});
    } else {
      throw core::RuntimeError(where + ": expected 'name n1 n2' or 'name1 n1 name2 n2', got '" + trim(line) + "'");
    }
  }
  if (pairs.empty()) throw core::RuntimeError(path + ": no pairs");
  return pairs;
}

std::vector<PathPair> read_csv_pairs(const std::string& path) {
  std::ifstream in = open_in(path);
  const fs::path dir = fs::path(path).parent_path();
  auto resolve = [&](const std::string& p) { return fs::path(p).is_absolute() ? p : (dir / p).lexically_normal().string(); };
  std::vector<PathPair> pairs;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (trim(line).empty()) continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string t; std::getline(ss, t, ',');) f.push_back(trim(t));
    const std::string where = path + ":" + std::to_string(line_no);
    const std::string s = f.size() == 3 ? f[2] : "";
    const bool yes = s == "1" || s == "true", no = s == "0" || s == "false";
    if (f.size() == 3 && (yes || no)) {
      pairs.push_back({resolve(f[0]), resolve(f[1]), yes, where});
    } else if (pairs.empty() && line_no == 1 && f.size() == 3) {
      continue;  // header
    } else {
      throw core::RuntimeError(where + ": expected 'path1,path2,same' with same in {1, 0, true, false}, got '" +
                               trim(line) + "'");
    }
  }
  if (pairs.empty()) throw core::RuntimeError(path + ": no pairs");
  return pairs;
}

std::vector<IndexPair> generate_pairs(const std::vector<int64_t>& identities, int64_t count, uint64_t seed) {
  std::map<int64_t, std::vector<int64_t>> by_id;
  for (size_t i = 0; i < identities.size(); ++i)
    if (identities[i] >= 0) by_id[identities[i]].push_back(static_cast<int64_t>(i));
  std::vector<int64_t> ids, multi;
  for (const auto& [id, rows] : by_id) {
    ids.push_back(id);
    if (rows.size() >= 2) multi.push_back(id);
  }
  if (multi.empty() || ids.size() < 2)
    throw core::RuntimeError("verification: generating pairs needs an identity with two or more images and at "
                             "least two identities; the data has " + std::to_string(ids.size()) +
                             " identities, " + std::to_string(multi.size()) + " with two or more images");
  std::mt19937_64 rng(seed);
  std::vector<IndexPair> pairs;
  for (int64_t k = 0; k < count; ++k) {
    IndexPair p;
    p.same = k % 2 == 0;
    if (p.same) {
      const auto& rows = by_id[multi[draw_index(rng, static_cast<int64_t>(multi.size()))]];
      const int64_t i = draw_index(rng, static_cast<int64_t>(rows.size()));
      int64_t j = draw_index(rng, static_cast<int64_t>(rows.size()) - 1);
      if (j >= i) ++j;  // a different image of the same person
      p.a = rows[i], p.b = rows[j];
    } else {
      const int64_t i = draw_index(rng, static_cast<int64_t>(ids.size()));
      int64_t j = draw_index(rng, static_cast<int64_t>(ids.size()) - 1);
      if (j >= i) ++j;
      const auto& ra = by_id[ids[i]];
      const auto& rb = by_id[ids[j]];
      p.a = ra[draw_index(rng, static_cast<int64_t>(ra.size()))];
      p.b = rb[draw_index(rng, static_cast<int64_t>(rb.size()))];
    }
    pairs.push_back(p);
  }
  return pairs;
}

}  // namespace facerep::eval
