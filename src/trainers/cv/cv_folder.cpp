#include "trainers/cv/cv_folder.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <utility>
#include <vector>

namespace facerep::trainers {
namespace fs = std::filesystem;

std::string latest_cv_folder(const std::string& run_root, const std::string& run_name) {
  std::vector<fs::path> runs;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(fs::path(run_root) / run_name, ec))
    if (e.is_directory() && fs::is_directory(e.path() / "cv")) runs.push_back(e.path());
  if (runs.empty()) return "";
  // Folders are named by start time, YYYYmmdd-HHMMSS with "-k" for the k-th in one second.
  const auto started = [](const fs::path& p) {
    const std::string n = p.filename().string();
    const auto dash = n.find('-', 9);
    const long k = dash == std::string::npos ? 1 : std::strtol(n.c_str() + dash + 1, nullptr, 10);
    return std::make_pair(n.substr(0, dash), k);
  };
  const auto newest = std::max_element(runs.begin(), runs.end(),
                                       [&](const fs::path& a, const fs::path& b) { return started(a) < started(b); });
  return (*newest / "cv").string();
}

}  // namespace facerep::trainers
