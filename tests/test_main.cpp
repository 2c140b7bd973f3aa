// One test binary for the whole project. Components are registered once before any test runs,
// as the real binary does.
#include <gtest/gtest.h>

#include "cli/register_all.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  facerep::cli::register_all_components();
  return RUN_ALL_TESTS();
}
