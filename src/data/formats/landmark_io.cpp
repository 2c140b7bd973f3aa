#include "data/formats/landmark_io.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/parse_number.h"

namespace facerep::data {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool parse_int(const std::string& s, int* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  const long v = std::strtol(s.c_str(), &end, 10);
  *out = static_cast<int>(v);
  return end == s.c_str() + s.size();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::RuntimeError(path + ": missing or unreadable");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::vector<float> read_pts(const std::string& path) {
  std::istringstream in(read_text(path));
  std::string line;
  int line_no = 0, n_points = -1;
  bool in_points = false, closed = false;
  std::vector<float> out;
  auto where = [&] { return path + ":" + std::to_string(line_no); };
  while (std::getline(in, line)) {
    ++line_no;
    const std::string t = trim(line);
    if (t.empty()) continue;
    if (!in_points) {
      if (t.rfind("version:", 0) == 0) continue;
      if (t.rfind("n_points:", 0) == 0) {
        if (!parse_int(trim(t.substr(9)), &n_points) || n_points <= 0)
          throw core::RuntimeError(where() + ": bad n_points '" + t + "'");
        continue;
      }
      if (t == "{") {
        in_points = true;
        continue;
      }
      throw core::RuntimeError(where() + ": unexpected line '" + t + "' in .pts header");
    }
    if (t == "}") {
      closed = true;
      break;
    }
    std::istringstream xy(t);
    std::string xs, ys, extra;
    float x = 0, y = 0;
    xy >> xs >> ys;
    if (!core::parse_finite_float(xs, &x) || !core::parse_finite_float(ys, &y) || (xy >> extra))
      throw core::RuntimeError(where() + ": expected 'x y' (two finite numbers), got '" + t + "'");
    out.push_back(x);
    out.push_back(y);
  }
  if (n_points < 0) throw core::RuntimeError(path + ": missing n_points header");
  if (!closed) throw core::RuntimeError(path + ": missing closing '}' (truncated file?)");
  if (static_cast<int>(out.size()) != 2 * n_points)
    throw core::RuntimeError(path + ": n_points says " + std::to_string(n_points) + " but " +
                             std::to_string(out.size() / 2) + " points follow");
  return out;
}

}  // namespace facerep::data
