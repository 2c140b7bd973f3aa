#pragma once
// Runs small Python scripts with PyTorch to write fixtures and check numerics against the
// reference implementation. Tests skip when no python3 with torch is installed.
#include <string>

#include "test_support.h"

namespace facerep::testing {

// A python3 that can `import torch` ("" when none). Looked up once.
inline const std::string& python_with_torch() {
  static const std::string found = [] {
    for (const char* candidate : {"python3", "/usr/bin/python3"}) {
      std::string out;
      if (run_command(std::string(candidate) + " -c 'import torch'", &out) == 0) return std::string(candidate);
    }
    return std::string();
  }();
  return found;
}

// Writes `script` into `dir` and runs it with `args`; returns the exit code, output in `out`.
inline int run_python(const TempDir& dir, const std::string& script, const std::string& args, std::string* out) {
  const std::string file = dir.file("script.py");
  write_file(file, script);
  return run_command(python_with_torch() + " " + file + " " + args, out);
}

}  // namespace facerep::testing

#define FACEREP_SKIP_WITHOUT_PYTHON_TORCH()                                     \
  do {                                                                          \
    if (::facerep::testing::python_with_torch().empty())                        \
      GTEST_SKIP() << "python3 with torch is not installed";                   \
  } while (0)
