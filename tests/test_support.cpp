#include "test_support.h"

#include <array>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/wait.h>

#include "core/config_tree.h"
#include "core/error.h"
#include "test_paths.h"

namespace facerep::testing {
namespace fs = std::filesystem;

std::string source_dir() { return FACEREP_SOURCE_DIR; }
std::string binary_path() { return FACEREP_BINARY; }

std::string shared_data_dir() {
  const fs::path p = fs::path(FACEREP_SOURCE_DIR).parent_path() / "shared" / "data";
  return fs::exists(p) ? p.string() : "";
}

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    fs::path p = fs::temp_directory_path() / ("facerep_test_" + std::to_string(rd()));
    if (fs::create_directory(p)) {
      path_ = p;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void write_file(const std::string& path, const std::string& text) {
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty()) fs::create_directories(parent);
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int run_command(const std::string& command, std::string* output) {
  std::string full = command + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  if (!pipe) return -1;
  std::array<char, 4096> buf;
  std::string out;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe);
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

namespace {
template <class Error>
std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

std::string runtime_error_message(const std::function<void()>& f) { return message_of<core::RuntimeError>(f); }
std::string config_error_message(const std::function<void()>& f) { return message_of<core::ConfigError>(f); }

core::ComponentSpec read_component(const std::string& yaml, const std::string& key, const std::string& kind,
                                   const std::string& file) {
  const core::ConfigTree tree = core::ConfigTree::load_string(yaml, file);
  core::ComponentSpec spec;
  core::ConfigVisitor v = core::ConfigVisitor::reader(&tree, tree.root(), "");
  v.component(key.c_str(), spec, kind.c_str(), kind.c_str());
  v.finish();
  return spec;
}

std::string find_file(const std::string& root, const std::string& name) {
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root, ec))
    if (e.path().filename() == name) return e.path().string();
  return "";
}

int run_facerep(const std::string& args, std::string* output) {
  return run_command(binary_path() + " " + args, output);
}

}  // namespace facerep::testing
