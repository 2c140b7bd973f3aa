#include "dist/hostlist.h"

#include <cstdlib>

#include "core/error.h"

namespace facerep::dist {
namespace {

[[noreturn]] void hostlist_error(const std::string& source, const std::string& list, const std::string& why) {
  throw core::ConfigError("environment variable " + source + ": cannot read host list '" + list + "': " + why);
}

// Splits at commas outside brackets: "a[1,2],b" -> "a[1,2]", "b".
std::vector<std::string> split_top_level(const std::string& list, const std::string& source) {
  std::vector<std::string> parts;
  std::string current;
  int depth = 0;
  for (char c : list) {
    if (c == '[') ++depth;
    if (c == ']' && --depth < 0) hostlist_error(source, list, "']' without '['");
    if (c == ',' && depth == 0) {
      parts.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (depth != 0) hostlist_error(source, list, "'[' without ']'");
  parts.push_back(current);
  for (const auto& p : parts)
    if (p.empty()) hostlist_error(source, list, "empty host name");
  return parts;
}

// "01-04,07" -> 01 02 03 04 07 (each number as wide as its lower bound's text).
std::vector<std::string> expand_range_set(const std::string& set, const std::string& source,
                                          const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= set.size()) {
    const size_t comma = set.find(',', start);
    const std::string item = set.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const size_t dash = item.find('-');
    const std::string lo = item.substr(0, dash);
    const std::string hi = dash == std::string::npos ? lo : item.substr(dash + 1);
    const auto digits = [](const std::string& s) {
      return !s.empty() && s.size() <= 9 && s.find_first_not_of("0123456789") == std::string::npos;
    };
    if (!digits(lo) || !digits(hi)) hostlist_error(source, list, "bad range '" + item + "'");
    const long a = std::strtol(lo.c_str(), nullptr, 10);
    const long b = std::strtol(hi.c_str(), nullptr, 10);
    if (b < a) hostlist_error(source, list, "descending range '" + item + "'");
    for (long v = a; v <= b; ++v) {
      std::string text = std::to_string(v);
      if (text.size() < lo.size()) text.insert(0, lo.size() - text.size(), '0');
      out.push_back(text);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// One top-level item with any number of bracket groups: the cartesian product, left to right.
void expand_item(const std::string& item, const std::string& source, const std::string& list,
                 std::vector<std::string>& out, bool first_only) {
  std::vector<std::string> partial{""};
  size_t pos = 0;
  while (pos < item.size()) {
    const size_t open = item.find('[', pos);
    const std::string text = item.substr(pos, open == std::string::npos ? std::string::npos : open - pos);
    for (auto& p : partial) p += text;
    if (open == std::string::npos) break;
    const size_t close = item.find(']', open);
    std::vector<std::string> values = expand_range_set(item.substr(open + 1, close - open - 1), source, list);
    if (first_only) values.resize(1);
    std::vector<std::string> next;
    for (const auto& p : partial)
      for (const auto& v : values) next.push_back(p + v);
    partial = std::move(next);
    pos = close + 1;
  }
  out.insert(out.end(), partial.begin(), partial.end());
}

}  // namespace

std::vector<std::string> expand_hostlist(const std::string& list, const std::string& source) {
  if (list.empty()) hostlist_error(source, list, "empty");
  std::vector<std::string> hosts;
  for (const auto& item : split_top_level(list, source)) expand_item(item, source, list, hosts, false);
  return hosts;
}

std::string first_host(const std::string& list, const std::string& source) {
  if (list.empty()) hostlist_error(source, list, "empty");
  std::vector<std::string> hosts;
  expand_item(split_top_level(list, source).front(), source, list, hosts, true);
  return hosts.front();
}

}  // namespace facerep::dist
