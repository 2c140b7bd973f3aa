#pragma once
// Helpers shared by tests: paths to the source tree, the real binary and ../shared/data,
// temporary directories that clean up after themselves.
#include <filesystem>
#include <functional>
#include <string>

#include "core/config_tree.h"
#include "core/config_visit.h"

namespace facerep::testing {

std::string source_dir();
std::string binary_path();
// ../shared/data from the project root ("" when absent).
std::string shared_data_dir();

// A fresh empty directory removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Writes `text` to `path` (creating parent folders).
void write_file(const std::string& path, const std::string& text);
std::string read_file(const std::string& path);

// The message of the core::RuntimeError `f` throws ("" when it throws none).
std::string runtime_error_message(const std::function<void()>& f);
// The same for core::ConfigError.
std::string config_error_message(const std::function<void()>& f);

// The `key: {type: ...}` component of a YAML snippet (written as `file`), read and checked as a
// config file's would be; `kind` names the registry ("objective", "masker", "evaluator", ...).
// Throws core::ConfigError as config loading does.
core::ComponentSpec read_component(const std::string& yaml, const std::string& key, const std::string& kind,
                                   const std::string& file = "test.yaml");

// An options struct read from a YAML snippet as a config section would be (unknown keys rejected).
template <class S>
S read_options(const std::string& yaml, const std::string& file = "test.yaml") {
  const core::ConfigTree tree = core::ConfigTree::load_string(yaml, file);
  return core::read_options<S>(tree, tree.root(), "");
}

// The first file named `name` under `root` (searched recursively; "" when none).
std::string find_file(const std::string& root, const std::string& name);

// Runs the facerep binary with `args` (a shell-quoted string); output as run_command.
int run_facerep(const std::string& args, std::string* output);

// Runs a shell command, returning exit code; stdout+stderr captured into `output`.
int run_command(const std::string& command, std::string* output);

}  // namespace facerep::testing
