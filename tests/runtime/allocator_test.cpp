#include <gtest/gtest.h>

#include <malloc.h>

#include <cstdlib>

#include "runtime/allocator.h"

namespace facerep::runtime {
namespace {

TEST(Allocator, DecisionHonoursUserSettings) {
  EXPECT_TRUE(decide_allocator_tuning(nullptr, nullptr, nullptr).applied);
  EXPECT_TRUE(decide_allocator_tuning(nullptr, nullptr, "tuned").applied);
  const auto by_env = decide_allocator_tuning("65536", nullptr, nullptr);
  EXPECT_FALSE(by_env.applied);
  EXPECT_NE(by_env.reason.find("MALLOC_MMAP_MAX_"), std::string::npos);
  EXPECT_FALSE(decide_allocator_tuning(nullptr, "100", nullptr).applied);
  const auto opted_out = decide_allocator_tuning(nullptr, nullptr, "default");
  EXPECT_FALSE(opted_out.applied);
  EXPECT_NE(opted_out.reason.find("FACEREP_MALLOC=default"), std::string::npos);
  const auto unknown = decide_allocator_tuning(nullptr, nullptr, "fast");
  EXPECT_TRUE(unknown.applied);
  EXPECT_NE(unknown.reason.find("ignored FACEREP_MALLOC='fast'"), std::string::npos);
}

TEST(Allocator, TunedProcessServesBigBlocksWithoutMmap) {
  const AllocatorTuning& t = tune_allocator();
  EXPECT_EQ(&t, &allocator_tuning());
  if (!t.applied) GTEST_SKIP() << "allocator left as is: " << t.reason;
  // glibc would mmap a 64 MiB block by default (threshold 128 KiB .. 32 MiB); tuned, the heap
  // serves it and no new mmapped block appears.
  const auto before = mallinfo2().hblks;
  void* p = std::malloc(64 << 20);
  ASSERT_NE(p, nullptr);
  // A volatile write keeps the compiler from eliding the malloc/free pair.
  static_cast<volatile char*>(p)[0] = 1;
  const auto during = mallinfo2().hblks;
  std::free(p);
  EXPECT_EQ(during, before);
}

}  // namespace
}  // namespace facerep::runtime
