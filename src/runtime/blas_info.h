#pragma once
// Which BLAS LibTorch is really calling. On Debian, libtorch links libblas.so.3, which the
// alternatives system points at reference BLAS (very slow) or OpenBLAS; this is the first thing
// to check when training is slow.
#include <string>

namespace facerep::runtime {

struct BlasInfo {
  std::string kind;       // "openblas" | "reference" | "mkl" | "blis" | "unknown"
  std::string library;    // resolved path of the loaded library ("" when none found)
  std::string version;    // e.g. "0.3.21" (OpenBLAS only)
  std::string threading;  // "pthread" | "openmp" | "serial" | "" (OpenBLAS only)
  int threads = 0;        // openblas_get_num_threads(); 0 when unknown
  bool slow() const { return kind == "reference"; }
  // "OpenBLAS 0.3.21 (pthread), 2 threads" or "reference BLAS (slow: run scripts/setup.sh)".
  std::string summary() const;
};

// Runs a small matrix product (so the BLAS is loaded), then inspects the loaded libraries.
BlasInfo detect_blas();

// Classifies a resolved library path and what OpenBLAS says of itself: openblas_get_config()
// text, openblas_get_parallel() (0 serial, 1 pthread, 2 OpenMP, -1 unknown) and thread count.
// Any may be empty/unknown. Exposed for tests.
BlasInfo classify_blas(const std::string& library, const std::string& openblas_config,
                       int parallel, int threads);

}  // namespace facerep::runtime
