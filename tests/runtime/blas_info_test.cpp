#include <gtest/gtest.h>

#include "runtime/blas_info.h"

namespace facerep::runtime {
namespace {

TEST(BlasInfo, ClassifiesDebianAlternatives) {
  const auto pthread = classify_blas("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3",
                                     "OpenBLAS 0.3.21 NO_AFFINITY Haswell MAX_THREADS=64", 1, 2);
  EXPECT_EQ(pthread.kind, "openblas");
  EXPECT_EQ(pthread.summary(), "OpenBLAS 0.3.21 (pthread), 2 threads");
  EXPECT_FALSE(pthread.slow());

  const auto openmp = classify_blas("/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3", "", -1, 0);
  EXPECT_EQ(openmp.threading, "openmp");
  EXPECT_EQ(openmp.summary(), "OpenBLAS (openmp)");

  const auto reference = classify_blas("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0", "", -1, 0);
  EXPECT_EQ(reference.kind, "reference");
  EXPECT_TRUE(reference.slow());
  EXPECT_EQ(reference.summary(), "reference BLAS (slow: run scripts/setup.sh)");

  EXPECT_EQ(classify_blas("/opt/intel/lib/libmkl_rt.so.2", "", -1, 0).kind, "mkl");
  EXPECT_EQ(classify_blas("", "", -1, 0).kind, "unknown");
}

TEST(BlasInfo, DetectsTheLoadedLibrary) {
  const BlasInfo info = detect_blas();
  EXPECT_NE(info.kind, "unknown") << info.summary();
  if (info.kind == "openblas") {
    EXPECT_FALSE(info.version.empty());
    EXPECT_GT(info.threads, 0);
    EXPECT_NE(info.library.find("blas"), std::string::npos) << info.library;
  }
}

}  // namespace
}  // namespace facerep::runtime
