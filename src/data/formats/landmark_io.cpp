#include "data/formats/landmark_io.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "core/error.h"

namespace facerep::data {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool parse_float(const std::string& s, float* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  *out = std::strtof(s.c_str(), &end);
  return end == s.c_str() + s.size();
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

// Attributes of one XML start tag body, e.g. `file='a.jpg' width='5'`.
std::map<std::string, std::string> tag_attributes(const std::string& body, const std::string& where) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (true) {
    while (i < body.size() && std::isspace(static_cast<unsigned char>(body[i]))) ++i;
    if (i >= body.size() || body[i] == '/') break;
    const size_t eq = body.find('=', i);
    if (eq == std::string::npos) throw core::RuntimeError(where + ": malformed attribute in <" + body + ">");
    const std::string name = trim(body.substr(i, eq - i));
    size_t q = eq + 1;
    while (q < body.size() && std::isspace(static_cast<unsigned char>(body[q]))) ++q;
    if (q >= body.size() || (body[q] != '\'' && body[q] != '"'))
      throw core::RuntimeError(where + ": unquoted attribute '" + name + "'");
    const size_t close = body.find(body[q], q + 1);
    if (close == std::string::npos)
      throw core::RuntimeError(where + ": unterminated attribute '" + name + "'");
    out[name] = body.substr(q + 1, close - q - 1);
    i = close + 1;
  }
  return out;
}

int int_attr(const std::map<std::string, std::string>& a, const std::string& key,
             const std::string& where, bool required) {
  auto it = a.find(key);
  if (it == a.end()) {
    if (required) throw core::RuntimeError(where + ": missing attribute '" + key + "'");
    return 0;
  }
  int v = 0;
  if (!parse_int(it->second, &v))
    throw core::RuntimeError(where + ": attribute '" + key + "' is not an integer: '" + it->second + "'");
  return v;
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
    if (!parse_float(xs, &x) || !parse_float(ys, &y) || (xy >> extra))
      throw core::RuntimeError(where() + ": expected 'x y', got '" + t + "'");
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

std::vector<DlibImage> read_dlib_xml(const std::string& path) {
  const std::string text = read_text(path);
  std::vector<DlibImage> images;
  std::map<int, std::pair<float, float>> parts;
  bool in_box = false;
  size_t pos = 0;
  int line = 1;
  size_t line_counted_to = 0;
  auto where = [&](size_t at) {
    line += static_cast<int>(std::count(text.begin() + line_counted_to, text.begin() + at, '\n'));
    line_counted_to = at;
    return path + ":" + std::to_string(line);
  };
  auto close_box = [&] {
    if (!in_box) return;
    DlibBox& box = images.back().boxes.back();
    int expected = 0;
    for (const auto& kv : parts) {
      if (kv.first != expected++) {
        box.landmarks.clear();
        throw core::RuntimeError(path + ": box in " + images.back().file +
                                 " has non-consecutive part names (missing part " +
                                 std::to_string(expected - 1) + ")");
      }
      box.landmarks.push_back(kv.second.first);
      box.landmarks.push_back(kv.second.second);
    }
    parts.clear();
    in_box = false;
  };
  while ((pos = text.find('<', pos)) != std::string::npos) {
    const size_t end = text.find('>', pos);
    if (end == std::string::npos) throw core::RuntimeError(where(pos) + ": unterminated tag");
    std::string tag = text.substr(pos + 1, end - pos - 1);
    const std::string at = where(pos);
    pos = end + 1;
    if (tag.empty() || tag[0] == '?' || tag[0] == '!') continue;
    const size_t name_end = tag.find_first_of(" \t\r\n/", 1);  // a leading '/' belongs to the name
    const std::string name = tag.substr(0, name_end);
    const std::string body = name_end == std::string::npos ? "" : tag.substr(name_end);
    const bool self_closing = !tag.empty() && tag.back() == '/';
    if (name == "image") {
      const auto a = tag_attributes(body, at);
      auto f = a.find("file");
      if (f == a.end()) throw core::RuntimeError(at + ": <image> without file attribute");
      DlibImage img;
      img.file = f->second;
      img.width = int_attr(a, "width", at, false);
      img.height = int_attr(a, "height", at, false);
      images.push_back(img);
    } else if (name == "box") {
      if (images.empty()) throw core::RuntimeError(at + ": <box> outside <image>");
      const auto a = tag_attributes(body, at);
      DlibBox box;
      box.top = int_attr(a, "top", at, true);
      box.left = int_attr(a, "left", at, true);
      box.width = int_attr(a, "width", at, true);
      box.height = int_attr(a, "height", at, true);
      auto ig = a.find("ignore");
      box.ignore = ig != a.end() && ig->second != "0";
      images.back().boxes.push_back(box);
      in_box = !self_closing;
    } else if (name == "/box") {
      close_box();
    } else if (name == "part") {
      if (!in_box) throw core::RuntimeError(at + ": <part> outside <box>");
      const auto a = tag_attributes(body, at);
      auto n = a.find("name");
      int index = 0;
      if (n == a.end() || !parse_int(n->second, &index) || index < 0)
        throw core::RuntimeError(at + ": <part> needs a numeric name");
      if (parts.count(index)) throw core::RuntimeError(at + ": duplicate part " + n->second);
      parts[index] = {static_cast<float>(int_attr(a, "x", at, true)),
                      static_cast<float>(int_attr(a, "y", at, true))};
    }
  }
  if (in_box) throw core::RuntimeError(path + ": unterminated <box> (truncated file?)");
  return images;
}

}  // namespace facerep::data
