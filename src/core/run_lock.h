#pragma once
// An exclusive lock on a run folder while a process trains in it: a second `--resume` of the same
// run (or a requeued job whose previous instance still runs) would interleave checkpoints and
// metrics. The lock is an flock on <run>/.lock, released by the kernel when the process dies, so
// a kill -9 never leaves a stale lock behind.
#include <string>

namespace facerep::core {

class RunLock {
 public:
  // Throws ConfigError naming the folder (and the holder's pid) when another process holds it.
  explicit RunLock(const std::string& run_dir);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace facerep::core
