#include "trainers/resume_target.h"

#include <algorithm>
#include <cstdlib>
#include <utility>
#include <filesystem>
#include <vector>

#include "core/error.h"
#include "core/logging.h"
#include "core/run_dir.h"
#include "runtime/checkpoint.h"

namespace facerep::trainers {
namespace fs = std::filesystem;

std::string newest_valid_checkpoint(const std::string& checkpoints_dir) {
  std::vector<fs::path> steps;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(checkpoints_dir, ec)) {
    const std::string n = e.path().filename().string();
    if (n.rfind("step_", 0) == 0 && e.path().extension() == ".ckpt") steps.push_back(e.path());
  }
  std::sort(steps.rbegin(), steps.rend());  // zero-padded step numbers: name order is step order
  std::vector<fs::path> candidates;
  if (fs::exists(fs::path(checkpoints_dir) / "last.ckpt")) candidates.push_back(fs::path(checkpoints_dir) / "last.ckpt");
  candidates.insert(candidates.end(), steps.begin(), steps.end());
  for (const auto& c : candidates) {
    try {
      runtime::load_checkpoint(c.string());  // reads every record and checks its CRC
      return c.string();
    } catch (const std::exception& e) {
      core::log_warn("resume: skipping " + c.string() + ": " + e.what());
    }
  }
  return "";
}

namespace {

ResumeTarget from_run_folder(const std::string& folder) {
  const core::RunDir run = core::RunDir::open(folder);
  ResumeTarget t;
  t.run_dir = run.path();
  t.checkpoint = newest_valid_checkpoint(run.checkpoints_dir());
  return t;
}

}  // namespace

ResumeTarget resolve_resume(const std::string& what, const std::string& run_root, const std::string& run_name) {
  if (what == "auto") {
    // Run folders are named by their start time (YYYYmmdd-HHMMSS[-k]): newest first.
    const fs::path parent = fs::path(run_root) / run_name;
    std::vector<fs::path> runs;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(parent, ec))
      if (e.is_directory() && fs::exists(e.path() / "config.yaml")) runs.push_back(e.path());
    const auto started = [](const fs::path& p) {
      const std::string n = p.filename().string();  // "20261202-071500" or "20261202-071500-2"
      const auto dash = n.find('-', 9);
      const long k = dash == std::string::npos ? 1 : std::strtol(n.c_str() + dash + 1, nullptr, 10);
      return std::make_pair(n.substr(0, dash), k);
    };
    std::sort(runs.begin(), runs.end(), [&](const fs::path& a, const fs::path& b) { return started(a) > started(b); });
    for (const auto& run : runs) {
      ResumeTarget t = from_run_folder(run.string());
      if (!t.checkpoint.empty()) return t;
    }
    core::log_info("--resume auto: no checkpoint under " + parent.string() + "; starting a new run");
    return {};
  }
  if (fs::is_directory(what)) {
    ResumeTarget t = from_run_folder(what);
    if (t.checkpoint.empty())
      throw core::ConfigError("--resume: " + what + " has no checkpoint that loads (checkpoints/last.ckpt or step_*.ckpt)");
    return t;
  }
  if (!fs::is_regular_file(what)) throw core::ConfigError("--resume: no such run folder or checkpoint: " + what);
  ResumeTarget t;
  t.checkpoint = what;
  const fs::path parent = fs::absolute(what).parent_path();
  if (parent.filename() == "checkpoints" && fs::exists(parent.parent_path() / "config.yaml"))
    t.run_dir = parent.parent_path().string();
  return t;
}

}  // namespace facerep::trainers
