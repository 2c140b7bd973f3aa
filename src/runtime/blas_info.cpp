#include "runtime/blas_info.h"

#include <dlfcn.h>
#include <link.h>

#include <filesystem>
#include <sstream>
#include <vector>

#include <ATen/Version.h>
#include <torch/torch.h>

namespace facerep::runtime {

namespace {
bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// Paths of loaded shared objects that look like a BLAS, symlinks resolved (Debian's
// alternatives: libblas.so.3 -> /etc/alternatives/... -> the real one).
std::vector<std::string> loaded_blas_libraries() {
  std::vector<std::string> names;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) -> int {
        const std::string name = info->dlpi_name ? info->dlpi_name : "";
        const std::string file = std::filesystem::path(name).filename().string();
        if (contains(file, "blas") || contains(file, "mkl_rt") || contains(file, "mkl_core") ||
            contains(file, "blis"))
          static_cast<std::vector<std::string>*>(data)->push_back(name);
        return 0;
      },
      &names);
  std::vector<std::string> resolved;
  for (const auto& n : names) {
    std::error_code ec;
    const auto real = std::filesystem::canonical(n, ec);
    resolved.push_back(ec ? n : real.string());
  }
  return resolved;
}

// "BLAS_INFO=mkl" in LibTorch's build settings: the fallback when the BLAS is linked statically.
std::string blas_from_build_config() {
  const std::string config = at::show_config();
  const auto pos = config.find("BLAS_INFO=");
  if (pos == std::string::npos) return "";
  const auto end = config.find_first_of(", \n", pos);
  return config.substr(pos + 10, end == std::string::npos ? std::string::npos : end - pos - 10);
}
}  // namespace

std::string BlasInfo::summary() const {
  if (kind == "openblas") {
    std::string s = "OpenBLAS";
    if (!version.empty()) s += " " + version;
    if (!threading.empty()) s += " (" + threading + ")";
    if (threads > 0) s += ", " + std::to_string(threads) + (threads == 1 ? " thread" : " threads");
    return s;
  }
  if (kind == "reference") return "reference BLAS (slow: run scripts/setup.sh)";
  if (kind == "mkl") return "Intel MKL";
  if (kind == "blis") return "BLIS";
  return library.empty() ? "unknown (no BLAS library found)" : "unknown (" + library + ")";
}

BlasInfo classify_blas(const std::string& library, const std::string& openblas_config,
                       int parallel, int threads) {
  BlasInfo info;
  info.library = library;
  if (openblas_config.rfind("OpenBLAS", 0) == 0 || contains(library, "openblas")) {
    info.kind = "openblas";
    std::istringstream words(openblas_config);
    std::string name, version;
    if (words >> name >> version) info.version = version;
    if (parallel == 0) info.threading = "serial";
    else if (parallel == 1) info.threading = "pthread";
    else if (parallel == 2) info.threading = "openmp";
    else if (contains(openblas_config, "USE_OPENMP") || contains(library, "openblas-openmp"))
      info.threading = "openmp";
    else if (contains(library, "openblas-pthread")) info.threading = "pthread";
    else if (contains(library, "openblas-serial")) info.threading = "serial";
    info.threads = threads;
  } else if (contains(library, "mkl")) {
    info.kind = "mkl";
  } else if (contains(library, "blis")) {
    info.kind = "blis";
  } else if (contains(library, "libblas.so")) {
    // Netlib's reference implementation: what Debian's libblas3 installs under blas/.
    info.kind = "reference";
  } else {
    info.kind = "unknown";
  }
  return info;
}

BlasInfo detect_blas() {
  // A product big enough to go to BLAS, so a lazily loaded library shows up below.
  (void)torch::mm(torch::ones({64, 64}), torch::ones({64, 64}));
  using GetConfig = char* (*)();
  using GetInt = int (*)();
  std::string config;
  int parallel = -1, threads = 0;
  if (auto get_config = reinterpret_cast<GetConfig>(dlsym(RTLD_DEFAULT, "openblas_get_config")))
    config = get_config();
  if (auto get_parallel = reinterpret_cast<GetInt>(dlsym(RTLD_DEFAULT, "openblas_get_parallel")))
    parallel = get_parallel();
  if (auto get_threads = reinterpret_cast<GetInt>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads")))
    threads = get_threads();
  const auto libraries = loaded_blas_libraries();
  std::string library;
  for (const auto& l : libraries)  // prefer the library that answered openblas_get_config
    if (library.empty() || (contains(l, "openblas") && !config.empty())) library = l;
  BlasInfo info = classify_blas(library, config, parallel, threads);
  if (info.kind == "unknown") {
    const std::string built = blas_from_build_config();
    if (contains(built, "mkl")) info.kind = "mkl";
    else if (contains(built, "open")) info.kind = "openblas";
  }
  return info;
}

}  // namespace facerep::runtime
