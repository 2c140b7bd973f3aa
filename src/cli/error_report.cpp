#include "cli/error_report.h"

#include <ostream>
#include <string>

#include <c10/util/Exception.h>

#include "cli/common.h"  // cxxopts, configured as the CLI uses it
#include "core/error.h"
#include "core/logging.h"

namespace facerep::cli {

namespace {
// LibTorch messages carry a C++ stack trace after the first line; users need the first line.
std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }
}  // namespace

int run_reporting_errors(const std::function<int()>& body, std::ostream& err) {
  // The message goes to the console and, when a run has opened one, to its log.txt: the run
  // folder then says why it ended.
  const auto report = [&](const std::string& message, int code) {
    err << "facerep: " << message << "\n";
    core::log_to_file_only(core::LogLevel::kError, "fatal: " + message);
    return code;
  };
  try {
    return body();
  } catch (const core::ConfigError& e) {
    return report(e.what(), core::kExitUsage);
  } catch (const cxxopts::exceptions::exception& e) {
    return report(e.what(), core::kExitUsage);
  } catch (const core::RuntimeError& e) {
    return report(e.what(), core::kExitRuntime);
  } catch (const c10::Error& e) {
    return report("LibTorch error: " + first_line(e.what_without_backtrace()), core::kExitRuntime);
  } catch (const std::exception& e) {
    return report(first_line(e.what()), core::kExitRuntime);
  } catch (...) {
    return report("unknown error", core::kExitRuntime);
  }
}

}  // namespace facerep::cli
