#pragma once
// Leveled logging to the console (stderr) and, optionally, a log file in the run directory.
// Console lines are short ("[12:03:04] message"); file lines carry the full date and level so a
// run's log.txt reads on its own. Thread-safe: loader threads and the trainer may log at once.
#include <iosfwd>
#include <string>

namespace facerep::core {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// "debug" | "info" | "warn" | "error"; throws ConfigError otherwise.
LogLevel parse_log_level(const std::string& name);
const char* log_level_name(LogLevel level);

// Console verbosity (default info). The log file records this level or info, whichever is more
// verbose, so a quiet console never loses the file's record.
void set_log_level(LogLevel level);
void set_log_level(const std::string& name);
LogLevel log_level();

// This process's rank in a multi-process job. Ranks other than 0 prefix every line with
// "[rank N] " and print only warnings and errors on the console (rank 0 speaks for the job);
// their log file, when they have one, still records info.
void set_log_rank(int rank);

// Appends to `path` from now on (creating parent folders); "" closes the file.
// Throws RuntimeError when the file cannot be opened.
void set_log_file(const std::string& path);
const std::string& log_file();

void log(LogLevel level, const std::string& message);
void log_debug(const std::string& message);
void log_info(const std::string& message);
void log_warn(const std::string& message);
void log_error(const std::string& message);
// Into the run's log file only (e.g. the fatal error the command line already printed).
void log_to_file_only(LogLevel level, const std::string& message);

// Where console lines go (default std::cerr); tests point it at a stringstream. nullptr resets.
void set_log_console(std::ostream* out);

// The console's transient status line (the progress bar on a TTY). Log lines clear it, print,
// then redraw it, so progress and logs never interleave mid-line. "" removes it.
void set_console_status(const std::string& line);

}  // namespace facerep::core
