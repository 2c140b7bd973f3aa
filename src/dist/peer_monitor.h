#pragma once
// Who is still there when a collective fails. A failed or timed-out Gloo/NCCL operation only
// says that a connection closed or a wait expired; to name the rank that was lost, every rank
// runs a heartbeat thread that bumps a counter in the rendezvous store (its own connection, so a
// long wait on the main connection never delays it). On a failure, diagnose() waits a few
// heartbeat periods and names the ranks whose counters stood still (killed, or stopped as a
// whole), or the message a rank left with report_failure() before exiting on an error.
// Torch-free header; the store is c10d's TCPStore inside the .cpp.
#include <chrono>
#include <memory>
#include <string>

namespace facerep::dist {

struct PeerMonitorOptions {
  std::string host;  // the rendezvous store
  int port = 0;
  int rank = 0;
  int world_size = 1;
  std::chrono::milliseconds period{1000};  // heartbeat interval
  std::chrono::milliseconds connect_timeout{30000};
  std::string key_prefix = "facerep/";  // of the heartbeat and failure keys
  std::string store_host = "rank 0";    // who serves the store (for messages)
};

class PeerMonitor {
 public:
  // Connects to the store and starts beating. Throws core::RuntimeError when the store cannot be
  // reached within connect_timeout.
  explicit PeerMonitor(const PeerMonitorOptions& options);
  ~PeerMonitor();  // stops the thread
  PeerMonitor(const PeerMonitor&) = delete;
  PeerMonitor& operator=(const PeerMonitor&) = delete;

  // A sentence on what became of the peers: "rank 1 failed: <its message>", "rank 1 stopped
  // responding (no heartbeat for 3 s: killed, or the whole process is stuck)", "the rendezvous
  // store is unreachable: rank 0, which hosts it, exited or was killed", or "every rank is alive: a peer is slower than
  // the timeout or stuck in a collective". Never throws; takes up to about three periods.
  std::string diagnose();
  // Leaves `message` for the peers' diagnose() (best effort, never throws).
  void report_failure(const std::string& message) noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace facerep::dist
