#include "fuzz/fuzz_support.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>

#include <ATen/Parallel.h>
#include <c10/util/Exception.h>

#include "core/atomic_write.h"
#include "core/error.h"

namespace facerep::fuzz {

namespace {
std::string scratch_dir_path;

void remove_scratch_dir() {
  std::error_code ec;
  std::filesystem::remove_all(scratch_dir_path, ec);
}

const std::string& scratch_dir() {
  static std::once_flag once;
  std::call_once(once, [] {
    scratch_dir_path = (std::filesystem::temp_directory_path() / ("facerep_fuzz." + std::to_string(getpid()))).string();
    std::filesystem::create_directories(scratch_dir_path);
    std::atexit(remove_scratch_dir);
  });
  return scratch_dir_path;
}
}  // namespace

std::string scratch_path(const std::string& name) { return scratch_dir() + "/" + name; }

std::string write_scratch(const std::string& name, const std::string& bytes) {
  const std::string path = scratch_path(name);
  core::write_file_atomic(path, bytes, /*durable=*/false);
  return path;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::RuntimeError("fuzz: cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> split_input(const uint8_t* data, size_t size, char separator) {
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < size; ++i) {
    if (static_cast<char>(data[i]) == separator)
      parts.emplace_back();
    else
      parts.back().push_back(static_cast<char>(data[i]));
  }
  return parts;
}

namespace {
thread_local std::string rejection;
}

int expect_clean_errors(void (*body)(const std::vector<std::string>& parts), const std::vector<std::string>& parts) {
  rejection.clear();
  try {
    body(parts);
  } catch (const core::ConfigError& e) {
    rejection = e.what();
  } catch (const core::RuntimeError& e) {
    rejection = e.what();
  } catch (const c10::Error& e) {
    rejection = e.what_without_backtrace();
  }
  return 0;
}

const std::string& last_rejection() { return rejection; }

void initialize() { at::set_num_threads(1); }

void write_seeds(const std::vector<std::string>& seeds, const std::string& dir) {
  for (size_t i = 0; i < seeds.size(); ++i)
    core::write_file_atomic(dir + "/seed_" + std::to_string(i), seeds[i], /*durable=*/false);
}

}  // namespace facerep::fuzz
