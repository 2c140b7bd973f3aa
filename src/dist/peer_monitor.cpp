#include "dist/peer_monitor.h"

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "core/error.h"
#include "dist/c10d_compat.h"

namespace facerep::dist {
namespace {

std::string heartbeat_key(const PeerMonitorOptions& o, int rank) {
  return o.key_prefix + "heartbeat/" + std::to_string(rank);
}
std::string failure_key(const PeerMonitorOptions& o, int rank) {
  return o.key_prefix + "failed/" + std::to_string(rank);
}

// Runs `fn` on its own thread and waits at most `limit`: a store whose host is stopped (not
// dead) accepts the connection but never answers, and a diagnosis must not hang on it. The
// thread owns what it uses, so leaving it behind is safe.
template <class T>
std::optional<T> run_bounded(std::function<T()> fn, std::chrono::milliseconds limit) {
  auto task = std::make_shared<std::packaged_task<T()>>(std::move(fn));
  std::future<T> result = task->get_future();
  std::thread([task] { (*task)(); }).detach();
  if (result.wait_for(limit) != std::future_status::ready) return std::nullopt;
  try {
    return result.get();
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

struct PeerMonitor::Impl {
  PeerMonitorOptions options;
  c10::intrusive_ptr<::c10d::TCPStore> beat_store;  // used by the heartbeat thread only
  c10::intrusive_ptr<::c10d::TCPStore> query_store;  // diagnose() and report_failure()
  std::mutex mutex;
  std::condition_variable wake;
  bool stop = false;
  std::thread thread;

  c10::intrusive_ptr<::c10d::TCPStore> connect() const {
    ::c10d::TCPStoreOptions o;
    o.port = static_cast<std::uint16_t>(options.port);
    o.isServer = false;
    o.waitWorkers = false;  // numWorkers unset: these extra clients do not join the rendezvous count
    o.timeout = options.connect_timeout;
    return c10::make_intrusive<::c10d::TCPStore>(options.host, o);
  }

  void beat() {
    std::unique_lock<std::mutex> lock(mutex);
    while (!stop) {
      lock.unlock();
      try {
        beat_store->add(heartbeat_key(options, options.rank), 1);
      } catch (...) {
        // The store went away (rank 0 exited); a failing collective will say so. Stop beating.
        return;
      }
      lock.lock();
      wake.wait_for(lock, options.period, [this] { return stop; });
    }
  }
};

PeerMonitor::PeerMonitor(const PeerMonitorOptions& options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  try {
    impl_->beat_store = impl_->connect();
    impl_->query_store = impl_->connect();
  } catch (const std::exception& e) {
    throw core::RuntimeError("cannot reach the rendezvous store at " + options.host + ":" +
                             std::to_string(options.port) + " for heartbeats: " + e.what());
  }
  impl_->thread = std::thread([this] { impl_->beat(); });
}

PeerMonitor::~PeerMonitor() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stop = true;
  }
  impl_->wake.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::string PeerMonitor::diagnose() {
  const PeerMonitorOptions o = impl_->options;
  const c10::intrusive_ptr<::c10d::TCPStore> store = impl_->query_store;
  const auto limit = o.period * 4 + std::chrono::milliseconds(2000);
  std::function<std::string()> probe = [o, store]() -> std::string {
    auto failures = [&]() {
      std::string text;
      for (int r = 0; r < o.world_size; ++r) {
        if (r == o.rank || !store->check({failure_key(o, r)})) continue;
        const std::vector<uint8_t> v = store->get(failure_key(o, r));
        text += (text.empty() ? "" : "; ") + std::string("rank ") + std::to_string(r) + " failed: " +
                std::string(v.begin(), v.end());
      }
      return text;
    };
    auto counters = [&]() {
      std::vector<int64_t> c(o.world_size, 0);
      for (int r = 0; r < o.world_size; ++r) c[r] = store->add(heartbeat_key(o, r), 0);
      return c;
    };
    try {
      std::string failed = failures();
      if (!failed.empty()) return failed;
      const std::vector<int64_t> before = counters();
      // Two and a half periods: every live peer beats at least twice meanwhile.
      std::this_thread::sleep_for(o.period * 5 / 2);
      failed = failures();
      if (!failed.empty()) return failed;
      const std::vector<int64_t> after = counters();
      std::string silent;
      for (int r = 0; r < o.world_size; ++r)
        if (r != o.rank && after[r] == before[r]) silent += (silent.empty() ? "" : ", ") + std::to_string(r);
      if (!silent.empty())
        return std::string(silent.find(',') == std::string::npos ? "rank " : "ranks ") + silent +
               " stopped responding (no heartbeat for " +
               std::to_string(std::chrono::duration_cast<std::chrono::seconds>(o.period * 5 / 2).count()) +
               " s: killed, or the whole process is stuck)";
      return "every rank is alive: a peer is slower than the timeout or stuck in a collective";
    } catch (const std::exception&) {
      return "the rendezvous store is unreachable: " + o.store_host + ", which hosts it, exited or was killed";
    }
  };
  const std::optional<std::string> verdict = run_bounded(probe, limit);
  return verdict ? *verdict
                 : "the rendezvous store does not answer: " + o.store_host + ", which hosts it, is stuck or stopped";
}

void PeerMonitor::report_failure(const std::string& message) noexcept {
  const c10::intrusive_ptr<::c10d::TCPStore> store = impl_->query_store;
  const std::string key = failure_key(impl_->options, impl_->options.rank);
  const std::string text = message.size() > 2000 ? message.substr(0, 2000) + " ..." : message;
  // Short: the process is on its way out and must not wait for a peer that is gone.
  std::function<bool()> write = [store, key, text]() {
    store->set(key, std::vector<uint8_t>(text.begin(), text.end()));
    return true;
  };
  try {
    run_bounded(write, std::chrono::milliseconds(2000));
  } catch (...) {
  }
}

}  // namespace facerep::dist
