#include "core/logging.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>

#include "core/error.h"

namespace facerep::core {

namespace {
struct LogState {
  std::mutex mutex;
  LogLevel level = LogLevel::kInfo;
  std::ostream* console = nullptr;  // nullptr = std::cerr
  std::ofstream file;
  std::string file_path;
  std::string status;  // the transient status line currently drawn
  int rank = 0;
  std::string rank_tag;  // "[rank N] " on ranks other than 0
};

LogState& state() {
  static LogState s;
  return s;
}

std::ostream& console(LogState& s) { return s.console ? *s.console : std::cerr; }

std::string time_text(const char* format) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof(buf), format, &tm);
  return buf;
}

// "\r" + erase-line removes the status line before a log line takes its place.
void clear_status(LogState& s) {
  if (!s.status.empty()) console(s) << "\r\033[K";
}
void draw_status(LogState& s) {
  if (!s.status.empty()) console(s) << s.status << std::flush;
}
}  // namespace

LogLevel parse_log_level(const std::string& name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  throw ConfigError("log level must be debug, info, warn or error; got '" + name + "'");
}

const char* log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "DEBUG";
    case LogLevel::kInfo: return "INFO";
    case LogLevel::kWarn: return "WARN";
    case LogLevel::kError: return "ERROR";
  }
  return "?";
}

void set_log_level(LogLevel level) {
  std::lock_guard<std::mutex> lock(state().mutex);
  state().level = level;
}
void set_log_level(const std::string& name) { set_log_level(parse_log_level(name)); }
LogLevel log_level() {
  std::lock_guard<std::mutex> lock(state().mutex);
  return state().level;
}

void set_log_rank(int rank) {
  std::lock_guard<std::mutex> lock(state().mutex);
  state().rank = rank;
  state().rank_tag = rank > 0 ? "[rank " + std::to_string(rank) + "] " : "";
}

void set_log_file(const std::string& path) {
  LogState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (s.file.is_open()) s.file.close();
  s.file_path.clear();
  if (path.empty()) return;
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  s.file.open(path, std::ios::app);
  if (!s.file) throw RuntimeError(path + ": cannot open log file for writing");
  s.file_path = path;
}

const std::string& log_file() { return state().file_path; }

void log(LogLevel level, const std::string& message) {
  LogState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  const LogLevel console_level = s.rank > 0 ? std::max(s.level, LogLevel::kWarn) : s.level;
  if (level >= console_level) {
    clear_status(s);
    std::ostream& out = console(s);
    out << "[" << time_text("%H:%M:%S") << "] " << s.rank_tag;
    if (level != LogLevel::kInfo) out << log_level_name(level) << " ";
    out << message << "\n";
    draw_status(s);
    out.flush();
  }
  const LogLevel file_level = std::min(s.level, LogLevel::kInfo);
  if (s.file.is_open() && level >= file_level) {
    s.file << time_text("%Y-%m-%d %H:%M:%S") << " " << s.rank_tag << log_level_name(level) << " " << message
           << "\n";
    s.file.flush();  // a crash must not lose the lines that explain it
  }
}

void log_to_file_only(LogLevel level, const std::string& message) {
  LogState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  if (!s.file.is_open()) return;
  s.file << time_text("%Y-%m-%d %H:%M:%S") << " " << s.rank_tag << log_level_name(level) << " " << message << "\n";
  s.file.flush();
}

void log_debug(const std::string& message) { log(LogLevel::kDebug, message); }
void log_info(const std::string& message) { log(LogLevel::kInfo, message); }
void log_warn(const std::string& message) { log(LogLevel::kWarn, message); }
void log_error(const std::string& message) { log(LogLevel::kError, message); }

void set_log_console(std::ostream* out) {
  std::lock_guard<std::mutex> lock(state().mutex);
  state().console = out;
}

void set_console_status(const std::string& line) {
  LogState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  clear_status(s);
  s.status = line;
  draw_status(s);
  console(s).flush();
}

}  // namespace facerep::core
