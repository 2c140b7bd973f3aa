#include "core/parse_number.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace facerep::core {

bool parse_finite_float(const std::string& s, float* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  const float v = std::strtof(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v) || (errno == ERANGE && std::abs(v) > 1)) return false;
  *out = v;
  return true;
}

bool parse_index(const std::string& s, int64_t* out) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos) return false;
  errno = 0;
  const long long v = std::strtoll(s.c_str(), nullptr, 10);
  if (errno == ERANGE) return false;  // beyond int64: not an index, never a wrapped one
  *out = static_cast<int64_t>(v);
  return true;
}

bool looks_numeric(const std::string& s) {
  if (s.empty()) return false;
  char* end = nullptr;
  (void)std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

}  // namespace facerep::core
