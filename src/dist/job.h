#pragma once
// The multi-process side of one command (`facerep train`, `facerep bench train`). It reads the
// launcher's environment (dist_env.h); when that names more than one process it joins the process
// group run.dist_* describe (backend by device: NCCL for CUDA, Gloo for CPU), makes it current
// for the collectives (collectives.h), binds this process to its GPU and tags the log with the
// rank. A single-process environment creates nothing and costs nothing.
#include <functional>
#include <memory>
#include <string>

#include <c10/core/Device.h>

#include "core/run_options.h"
#include "dist/dist_env.h"

namespace facerep::dist {

class Communicator;
class CurrentCommunicator;

// "gloo" or "nccl" for run.dist_backend (auto | gloo | nccl) and the training device. Throws
// core::ConfigError naming run.dist_backend for nccl without CUDA.
std::string choose_backend(const std::string& configured, const c10::Device& device);

class Job {
 public:
  // Throws core::ConfigError when the launcher asks for more processes than this build can
  // serve (no backend for the device), CollectiveError when the rendezvous fails.
  explicit Job(const core::RunOptions& run, const DistEnv& env = detect_dist_env());
  ~Job();
  Job(const Job&) = delete;
  Job& operator=(const Job&) = delete;

  const DistEnv& env() const { return env_; }
  bool distributed() const { return env_.distributed(); }
  int rank() const { return env_.rank; }
  int world_size() const { return env_.world_size; }
  bool is_main() const { return env_.rank == 0; }
  // nullptr in a single-process run.
  Communicator* communicator() { return comm_.get(); }

  // Runs `body` as this rank. An exception is first left for the peers (so their errors name
  // this rank's) and rethrown with "rank N: " in front; a normal end waits for every rank, so
  // none tears the group down while another still uses it. After an exception the group is
  // abandoned rather than torn down: closing it could wait forever on a stopped peer.
  int run(const std::function<int()>& body);

 private:
  DistEnv env_;
  std::unique_ptr<Communicator> comm_;
  std::unique_ptr<CurrentCommunicator> current_;
  bool failed_ = false;  // run() saw an exception: the group is abandoned, not torn down
};

}  // namespace facerep::dist
