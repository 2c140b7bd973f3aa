#pragma once
// Error types and the exit codes they map to. Config/usage problems exit 2, runtime failures 1.
#include <stdexcept>
#include <string>

namespace facerep::core {

// Where a config value came from: a YAML file and line, or a command-line override.
struct SourceLoc {
  std::string file;  // file path, or "--set" for overrides; empty when unknown
  int line = 0;      // 1-based; 0 when unknown

  bool known() const { return !file.empty(); }
  std::string str() const;  // "file:line", "file", "--set", or ""
};

// Bad input the user can fix: malformed YAML, unknown key, out-of-range value, bad CLI usage.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(const std::string& message) : std::runtime_error(message) {}
  // Formats "file:line: key.path: message" (parts that are unknown are left out).
  ConfigError(const SourceLoc& loc, const std::string& key_path, const std::string& message);
};

// Anything that fails while running: unreadable data, non-finite loss, a truncated checkpoint.
class RuntimeError : public std::runtime_error {
 public:
  explicit RuntimeError(const std::string& message) : std::runtime_error(message) {}
};

inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;
inline constexpr int kExitUsage = 2;

// Throws RuntimeError with the message when the condition is false. Unlike assert it stays in
// release builds: use it on anything that depends on input.
#define FACEREP_CHECK(cond, msg)                                                       \
  do {                                                                                 \
    if (!(cond)) throw ::facerep::core::RuntimeError(std::string(msg));                \
  } while (0)

}  // namespace facerep::core
