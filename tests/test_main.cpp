// One test binary for the whole project. Components are registered once before any test runs,
// as the real binary does.
#include <gtest/gtest.h>

#include "test_support.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  facerep::testing::register_linked_components();
  return RUN_ALL_TESTS();
}
