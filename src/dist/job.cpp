#include "dist/job.h"

#include <chrono>

#include <c10/core/impl/DeviceGuardImplInterface.h>

#include "core/error.h"
#include "core/logging.h"
#include "dist/collectives.h"
#include "dist/communicator.h"
#include "runtime/device.h"

namespace facerep::dist {

std::string choose_backend(const std::string& configured, const c10::Device& device) {
  if (configured == "auto") return device.is_cuda() ? "nccl" : "gloo";
  if (configured == "nccl" && !device.is_cuda())
    throw core::ConfigError(core::SourceLoc{}, "run.dist_backend",
                            "nccl communicates CUDA tensors, but run.device resolves to " + device.str() +
                                "; use gloo (or auto) for CPU training");
  return configured;
}

Job::Job(const core::RunOptions& run, const DistEnv& env) : env_(env) {
  if (!env_.distributed()) return;
  core::set_log_rank(env_.rank);
  const c10::Device device = runtime::resolve_device(run.device, env_.local_rank);
  CommunicatorOptions o;
  o.rank = env_.rank;
  o.world_size = env_.world_size;
  o.local_rank = env_.local_rank;
  o.master_addr = env_.master_addr;
  o.master_port = env_.master_port;
  o.launcher = env_.launcher;
  o.launcher_store = env_.launcher_store;
  o.key_prefix = "facerep/attempt_" + std::to_string(env_.restart_count) + "/";
  o.backend = choose_backend(run.dist_backend, device);
  o.timeout = std::chrono::milliseconds(static_cast<int64_t>(run.dist_timeout_s * 1000.0));
  if (!backend_available(o.backend))
    throw core::ConfigError(core::SourceLoc{}, "run.dist_backend",
                            env_.launcher + " started " + std::to_string(env_.world_size) +
                                " processes, but this build of facerep cannot create a '" +
                                o.backend + "' process group (its LibTorch lacks it; " +
                                (o.backend == "gloo" ? "install libgloo-dev and rebuild"
                                                     : "a CUDA LibTorch with NCCL and NCCL's headers are needed") +
                                "); refusing to train alone in each process");
  // NCCL binds communicators to the current GPU: make it this process's before building them.
  if (device.is_cuda()) c10::impl::getDeviceGuardImpl(c10::kCUDA)->setDevice(device);
  core::log_info("joining a " + std::to_string(env_.world_size) + "-process job as " + env_.describe() + ": " +
                 o.backend + " over the rendezvous at " + env_.master_addr + ":" +
                 std::to_string(env_.master_port) + " (from " + env_.master_addr_from + "), timeout " +
                 std::to_string(static_cast<int64_t>(run.dist_timeout_s)) + " s");
  comm_ = Communicator::connect(o);
  current_ = std::make_unique<CurrentCommunicator>(comm_.get());
  core::log_info("process group ready: " + std::to_string(env_.world_size) + " ranks, device " + device.str());
}

Job::~Job() {
  current_.reset();
  // The process is on its way out with an error, perhaps because a peer is stopped with its
  // sockets still open: joining the heartbeat thread or the backend's workers could then wait on
  // it forever. The operating system closes what is left.
  if (failed_) (void)comm_.release();
  comm_.reset();
  if (env_.distributed()) core::set_log_rank(0);
}

namespace {
std::string with_rank(const DistEnv& env, const std::string& message) {
  return "rank " + std::to_string(env.rank) + " of " + std::to_string(env.world_size) + ": " + message;
}
}  // namespace

int Job::run(const std::function<int()>& body) {
  if (!comm_) return body();
  int code = 0;
  try {
    code = body();
    comm_->barrier("end-of-run barrier");
  } catch (const CollectiveError& e) {
    failed_ = true;
    comm_->report_failure(e.what());
    throw;  // already names this rank and the lost one
  } catch (const core::ConfigError& e) {
    failed_ = true;
    comm_->report_failure(e.what());
    throw core::ConfigError(with_rank(env_, e.what()));
  } catch (const core::RuntimeError& e) {
    failed_ = true;
    comm_->report_failure(e.what());
    throw core::RuntimeError(with_rank(env_, e.what()));
  } catch (const std::exception& e) {
    failed_ = true;
    comm_->report_failure(e.what());
    throw;
  }
  return code;
}

}  // namespace facerep::dist
