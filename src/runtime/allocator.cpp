#include "runtime/allocator.h"

#include <malloc.h>

#include <climits>
#include <cstdlib>
#include <mutex>

namespace facerep::runtime {

namespace {
AllocatorTuning& current() {
  static AllocatorTuning t{false, "not tuned: tune_allocator() was not called"};
  return t;
}
}  // namespace

AllocatorTuning decide_allocator_tuning(const char* mmap_max, const char* trim_threshold,
                                        const char* facerep_malloc) {
  if (mmap_max || trim_threshold)
    return {false, std::string("glibc settings from the environment (") +
                       (mmap_max ? "MALLOC_MMAP_MAX_" : "MALLOC_TRIM_THRESHOLD_") + " is set)"};
  const TuningChoice choice = read_tuning_choice("FACEREP_MALLOC", facerep_malloc);
  if (choice.opted_out) return {false, "glibc default (FACEREP_MALLOC=default)"};
  return {true, "tuned: no mmap for big blocks, no trimming (FACEREP_MALLOC=default to disable)" + choice.ignored_note};
}

const AllocatorTuning& tune_allocator() {
  static std::once_flag once;
  std::call_once(once, [] {
    AllocatorTuning t = decide_allocator_tuning(std::getenv("MALLOC_MMAP_MAX_"),
                                                std::getenv("MALLOC_TRIM_THRESHOLD_"),
                                                std::getenv("FACEREP_MALLOC"));
    if (t.applied) {
      // Big blocks come from the heap, and freed memory stays with the process for the next step.
      const bool ok = mallopt(M_MMAP_MAX, 0) == 1 && mallopt(M_TRIM_THRESHOLD, INT_MAX) == 1;
      if (!ok) t = {false, "glibc default (mallopt refused the settings)"};
    }
    current() = t;
  });
  return current();
}

const AllocatorTuning& allocator_tuning() { return current(); }

}  // namespace facerep::runtime
