#pragma once
// One training run's folder: <root>/<name>/<YYYYmmdd-HHMMSS>/ with checkpoints/ inside, holding
// config.yaml, log.txt, metrics.jsonl and the TensorBoard event file.
#include <ctime>
#include <string>

namespace facerep::core {

class RunDir {
 public:
  // Makes a fresh run folder; never reuses an existing one (a second run in the same second gets
  // a "-2", "-3"... suffix). Throws ConfigError when `root` cannot be created or written.
  static RunDir create(const std::string& root, const std::string& name);
  // Same, with the timestamp given (tests).
  static RunDir create(const std::string& root, const std::string& name, std::time_t now);
  // An existing run (for --resume): must be a folder holding config.yaml. Throws ConfigError.
  static RunDir open(const std::string& path);

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const;  // path()/name
  std::string checkpoints_dir() const;              // path()/checkpoints

 private:
  explicit RunDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// "20241129-224701" in local time.
std::string run_timestamp(std::time_t now);

}  // namespace facerep::core
