#include "core/run_dir.h"

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "core/error.h"

namespace facerep::core {

namespace fs = std::filesystem;

std::string run_timestamp(std::time_t now) {
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y%m%d-%H%M%S", &tm);
  return buf;
}

RunDir RunDir::create(const std::string& root, const std::string& name) {
  return create(root, name, std::time(nullptr));
}

RunDir RunDir::create(const std::string& root, const std::string& name, std::time_t now) {
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
    throw ConfigError("run.name: must be a plain folder name, got '" + name + "'");
  const fs::path parent = fs::path(root) / name;
  std::error_code ec;
  fs::create_directories(parent, ec);
  // create_directories reports success for an existing folder we cannot write into; access()
  // catches that (read-only mounts, another user's folder) before training starts.
  if (ec || !fs::is_directory(parent) || access(parent.c_str(), W_OK) != 0) {
    throw ConfigError("run.root: cannot create a run folder under '" + parent.string() + "'" +
                      (ec ? ": " + ec.message() : ": not writable"));
  }
  const std::string stamp = run_timestamp(now);
  for (int attempt = 1; attempt < 1000; ++attempt) {
    const fs::path dir = parent / (attempt == 1 ? stamp : stamp + "-" + std::to_string(attempt));
    // create_directory is atomic: false means someone else already owns that name.
    if (!fs::create_directory(dir, ec)) {
      if (ec) throw ConfigError("run.root: cannot create '" + dir.string() + "': " + ec.message());
      continue;
    }
    fs::create_directory(dir / "checkpoints", ec);
    if (ec) throw ConfigError("run.root: cannot create '" + (dir / "checkpoints").string() + "': " + ec.message());
    return RunDir(dir.string());
  }
  throw ConfigError("run.root: too many runs named '" + name + "' started at " + stamp);
}

RunDir RunDir::open(const std::string& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec))
    throw ConfigError("--resume: '" + path + "' is not a run folder (no such directory)");
  if (!fs::is_regular_file(fs::path(path) / "config.yaml", ec))
    throw ConfigError("--resume: '" + path + "' is not a run folder (no config.yaml in it)");
  fs::create_directories(fs::path(path) / "checkpoints", ec);
  fs::path normal = fs::path(path).lexically_normal();
  if (!normal.has_filename()) normal = normal.parent_path();  // "runs/x/" -> "runs/x"
  return RunDir(normal.string());
}

std::string RunDir::file(const std::string& name) const { return (fs::path(path_) / name).string(); }
std::string RunDir::checkpoints_dir() const { return (fs::path(path_) / "checkpoints").string(); }

}  // namespace facerep::core
