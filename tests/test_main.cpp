// One test binary for the whole project. Components are registered once before any test runs,
// as the real binary does.
#include <gtest/gtest.h>

#include "cli/register_all.h"
#include "runtime/blas_spin.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  facerep::cli::register_all_components();
  // As the binary does: idle OpenBLAS workers would otherwise spin on the cores that the other
  // tests running in parallel need.
  facerep::runtime::tune_blas_spin();
  return RUN_ALL_TESTS();
}
