#include "core/error.h"

namespace facerep::core {

std::string SourceLoc::str() const {
  if (file.empty()) return "";
  if (line <= 0) return file;
  return file + ":" + std::to_string(line);
}

static std::string format_config_error(const SourceLoc& loc, const std::string& key_path,
                                       const std::string& message) {
  std::string out;
  if (loc.known()) out += loc.str() + ": ";
  if (!key_path.empty()) out += key_path + ": ";
  return out + message;
}

ConfigError::ConfigError(const SourceLoc& loc, const std::string& key_path,
                         const std::string& message)
    : std::runtime_error(format_config_error(loc, key_path, message)) {}

}  // namespace facerep::core
