#include "dist/communicator.h"

#include <cstdlib>

#include <c10/util/Exception.h>

#include "core/error.h"
#include "dist/c10d_compat.h"
#include "dist/peer_monitor.h"

namespace facerep::dist {
namespace {

// c10::Error's what() carries a C++ backtrace; messages keep the first line of the text.
std::string error_text(const std::exception& e) {
  std::string text = e.what();
  if (const auto* c10e = dynamic_cast<const c10::Error*>(&e)) text = c10e->what_without_backtrace();
  const size_t newline = text.find('\n');
  return newline == std::string::npos ? text : text.substr(0, newline);
}

std::string seconds_text(std::chrono::milliseconds ms) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(ms).count()) + " s";
}

// Heartbeats often enough that a lost peer is named a few seconds after the failure, rarely
// enough to cost nothing: a tenth of the timeout, between half a second and ten seconds.
std::chrono::milliseconds heartbeat_period(std::chrono::milliseconds timeout) {
  return std::clamp(timeout / 10, std::chrono::milliseconds(500), std::chrono::milliseconds(10000));
}

#if FACEREP_HAVE_GLOO
std::shared_ptr<::gloo::transport::Device> gloo_device() {
  // As torch.distributed does: GLOO_SOCKET_IFNAME picks the interface on multi-homed nodes,
  // otherwise the address this host's name resolves to (loopback when it resolves to none).
  if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname) {
    std::string first = ifname;
    first = first.substr(0, first.find(','));
    return ::c10d::ProcessGroupGloo::createDeviceForInterface(first);
  }
  return ::c10d::ProcessGroupGloo::createDefaultDevice();
}
#endif

}  // namespace

bool backend_available(const std::string& backend) {
  if (backend == "gloo") return FACEREP_HAVE_GLOO != 0;
  if (backend == "nccl") return FACEREP_HAVE_NCCL != 0;
  return false;
}

struct Communicator::Impl {
  CommunicatorOptions options;
  c10::intrusive_ptr<::c10d::TCPStore> store;
  c10::intrusive_ptr<compat::C10dBackend> backend;
  std::unique_ptr<PeerMonitor> monitor;

  ~Impl() {
    monitor.reset();  // stop beating before the store (on rank 0, its server) goes away
    backend.reset();
    store.reset();
  }

  // "(rank 1 of 2, gloo, run.dist_timeout_s = 10 s)"
  std::string where() const {
    return "rank " + std::to_string(options.rank) + " of " + std::to_string(options.world_size) + ", " +
           options.backend + ", run.dist_timeout_s = " + seconds_text(options.timeout);
  }
};

namespace {

class C10dPendingOp : public PendingOp {
 public:
  C10dPendingOp(c10::intrusive_ptr<compat::C10dWork> work, const Communicator& comm, std::string what,
                std::chrono::milliseconds timeout)
      : work_(std::move(work)), comm_(comm), what_(std::move(what)), timeout_(timeout) {}
  void wait() override {
    if (!work_) return;
    try {
      work_->wait(timeout_);
    } catch (const std::exception& e) {
      work_.reset();
      comm_.fail(what_, error_text(e));
    }
    work_.reset();
  }

 private:
  c10::intrusive_ptr<compat::C10dWork> work_;
  const Communicator& comm_;
  std::string what_;
  std::chrono::milliseconds timeout_;
};

void require_contiguous(const at::Tensor& t, const std::string& what) {
  if (!t.is_contiguous())
    throw core::RuntimeError("distributed " + what + ": the tensor must be contiguous (internal error)");
}

}  // namespace

std::unique_ptr<Communicator> Communicator::connect(const CommunicatorOptions& o) {
  if (!backend_available(o.backend))
    throw core::ConfigError(core::SourceLoc{}, "run.dist_backend",
                            "this build of facerep cannot create a '" + o.backend +
                                "' process group (its LibTorch lacks it; cmake reported the c10d backends "
                                "found at configure time)");
  auto impl = std::make_unique<Impl>();
  impl->options = o;
  const std::string address = o.master_addr + ":" + std::to_string(o.master_port);
  try {
    ::c10d::TCPStoreOptions so;
    so.port = static_cast<std::uint16_t>(o.master_port);
    so.isServer = o.rank == 0 && !o.launcher_store;
    if (!o.launcher_store) {
      so.numWorkers = static_cast<std::size_t>(o.world_size);
      so.waitWorkers = true;  // returns once every rank has joined, or throws after the timeout
    } else {
      so.waitWorkers = false;  // the agent's store is shared by restarts; the process group waits instead
    }
    so.timeout = o.timeout;
    impl->store = c10::make_intrusive<::c10d::TCPStore>(o.master_addr, so);
  } catch (const std::exception& e) {
    throw CollectiveError(
        "rendezvous at " + address + " failed (" + impl->where() + ", launched by " + o.launcher + "): " +
        (o.launcher_store ? "the launcher's store there was not reachable (is torchrun's agent running?)"
         : o.rank == 0 ? "rank 0 serves the store there; the port may be in use (set MASTER_PORT) or not every "
                       "rank joined in time"
                     : "rank 0's store was not reachable or not every rank joined in time (is rank 0 running? "
                       "MASTER_ADDR/MASTER_PORT must name its node)") +
        ": " + error_text(e));
  }
  try {
    auto prefixed = c10::make_intrusive<::c10d::PrefixStore>(o.key_prefix + "pg", impl->store);
    if (o.backend == "gloo") {
#if FACEREP_HAVE_GLOO
      auto gopts = ::c10d::ProcessGroupGloo::Options::create(o.timeout);
      gopts->devices.push_back(gloo_device());
      impl->backend = c10::make_intrusive<::c10d::ProcessGroupGloo>(prefixed, o.rank, o.world_size, gopts);
#endif
    } else {
#if FACEREP_HAVE_NCCL
      auto nopts = ::c10d::ProcessGroupNCCL::Options::create();
      nopts->timeout = o.timeout;
      impl->backend = c10::make_intrusive<::c10d::ProcessGroupNCCL>(prefixed, o.rank, o.world_size, nopts);
#endif
    }
  } catch (const std::exception& e) {
    throw CollectiveError("cannot build the " + o.backend + " process group (" + impl->where() +
                             "): " + error_text(e));
  }
  PeerMonitorOptions mo;
  mo.host = o.master_addr;
  mo.port = o.master_port;
  mo.rank = o.rank;
  mo.world_size = o.world_size;
  mo.period = heartbeat_period(o.timeout);
  mo.connect_timeout = o.timeout;
  mo.key_prefix = o.key_prefix;
  mo.store_host = o.launcher_store ? "the launcher (torchrun's agent)" : "rank 0";
  impl->monitor = std::make_unique<PeerMonitor>(mo);
  return std::unique_ptr<Communicator>(new Communicator(std::move(impl)));
}

Communicator::Communicator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Communicator::~Communicator() = default;

int Communicator::rank() const { return impl_->options.rank; }
int Communicator::world_size() const { return impl_->options.world_size; }
int Communicator::local_rank() const { return impl_->options.local_rank; }
const std::string& Communicator::backend() const { return impl_->options.backend; }
std::chrono::milliseconds Communicator::timeout() const { return impl_->options.timeout; }

void Communicator::fail(const std::string& what, const std::string& cause) const {
  const std::string verdict = impl_->monitor ? impl_->monitor->diagnose() : "peers not monitored";
  throw CollectiveError("distributed " + what + " failed on " + impl_->where() + ": " + verdict +
                           " (backend: " + cause + ")");
}

void Communicator::report_failure(const std::string& message) noexcept {
  if (impl_->monitor) impl_->monitor->report_failure(message);
}

std::unique_ptr<PendingOp> Communicator::all_reduce_sum_async(at::Tensor& tensor, const std::string& what) {
  require_contiguous(tensor, what);
  std::vector<at::Tensor> tensors{tensor};
  ::c10d::AllreduceOptions opts;
  opts.reduceOp = ::c10d::ReduceOp::SUM;
  opts.timeout = impl_->options.timeout;
  c10::intrusive_ptr<compat::C10dWork> work;
  try {
    work = impl_->backend->allreduce(tensors, opts);
  } catch (const std::exception& e) {
    fail(what, error_text(e));
  }
  return std::make_unique<C10dPendingOp>(std::move(work), *this, what, impl_->options.timeout);
}

void Communicator::all_reduce_sum(at::Tensor& tensor, const std::string& what) {
  all_reduce_sum_async(tensor, what)->wait();
}

void Communicator::broadcast(at::Tensor& tensor, int root, const std::string& what) {
  require_contiguous(tensor, what);
  std::vector<at::Tensor> tensors{tensor};
  ::c10d::BroadcastOptions opts;
  opts.rootRank = root;
  opts.timeout = impl_->options.timeout;
  try {
    impl_->backend->broadcast(tensors, opts)->wait(impl_->options.timeout);
  } catch (const std::exception& e) {
    fail(what, error_text(e));
  }
}

std::vector<at::Tensor> Communicator::all_gather(const at::Tensor& tensor, const std::string& what) {
  require_contiguous(tensor, what);
  std::vector<at::Tensor> inputs{tensor};
  std::vector<std::vector<at::Tensor>> outputs(1);
  for (int r = 0; r < world_size(); ++r) outputs[0].push_back(at::empty_like(tensor));
  ::c10d::AllgatherOptions opts;
  opts.timeout = impl_->options.timeout;
  try {
    impl_->backend->allgather(outputs, inputs, opts)->wait(impl_->options.timeout);
  } catch (const std::exception& e) {
    fail(what, error_text(e));
  }
  return outputs[0];
}

void Communicator::barrier(const std::string& what) {
  ::c10d::BarrierOptions opts;
  opts.timeout = impl_->options.timeout;
  try {
    impl_->backend->barrier(opts)->wait(impl_->options.timeout);
  } catch (const std::exception& e) {
    fail(what, error_text(e));
  }
}

std::string Communicator::share_text(const std::string& key, const std::string& text, int root) {
  const std::string full = impl_->options.key_prefix + "share/" + key;
  try {
    if (rank() == root) {
      impl_->store->set(full, std::vector<uint8_t>(text.begin(), text.end()));
      return text;
    }
    const std::vector<uint8_t> v = impl_->store->get(full);  // waits up to the store's timeout
    return std::string(v.begin(), v.end());
  } catch (const std::exception& e) {
    fail("exchange of '" + key + "'", error_text(e));
  }
}

}  // namespace facerep::dist
