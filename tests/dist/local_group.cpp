#include "local_group.h"

#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "rank_processes.h"

namespace facerep::testing {

void run_local_group(int world, const std::function<void(dist::Communicator&)>& body, double timeout_s) {
  const int port = free_tcp_port();
  std::mutex mutex;
  std::exception_ptr first_error;
  std::vector<std::thread> threads;
  for (int r = 0; r < world; ++r) {
    threads.emplace_back([&, r] {
      try {
        dist::CommunicatorOptions o;
        o.rank = r;
        o.world_size = world;
        o.master_addr = "127.0.0.1";
        o.master_port = port;
        o.backend = "gloo";
        o.timeout = std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
        o.launcher = "test threads";
        std::unique_ptr<dist::Communicator> comm = dist::Communicator::connect(o);
        body(*comm);
        comm->barrier("end of test");  // no rank's store or connections go away under another
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!first_error) first_error = std::current_exception();
      }
    });
  }
  for (auto& t : threads) t.join();
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace facerep::testing
