#include "cli/error_report.h"

#include <ostream>
#include <string>

#include <c10/util/Exception.h>

#include "cli/common.h"  // cxxopts, configured as the CLI uses it
#include "core/error.h"

namespace facerep::cli {

namespace {
// LibTorch messages carry a C++ stack trace after the first line; users need the first line.
std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }
}  // namespace

int run_reporting_errors(const std::function<int()>& body, std::ostream& err) {
  try {
    return body();
  } catch (const core::ConfigError& e) {
    err << "facerep: " << e.what() << "\n";
    return core::kExitUsage;
  } catch (const cxxopts::exceptions::exception& e) {
    err << "facerep: " << e.what() << "\n";
    return core::kExitUsage;
  } catch (const core::RuntimeError& e) {
    err << "facerep: " << e.what() << "\n";
    return core::kExitRuntime;
  } catch (const c10::Error& e) {
    err << "facerep: LibTorch error: " << first_line(e.what_without_backtrace()) << "\n";
    return core::kExitRuntime;
  } catch (const std::exception& e) {
    err << "facerep: " << first_line(e.what()) << "\n";
    return core::kExitRuntime;
  } catch (...) {
    err << "facerep: unknown error\n";
    return core::kExitRuntime;
  }
}

}  // namespace facerep::cli
