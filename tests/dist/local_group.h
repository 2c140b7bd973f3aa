#pragma once
// Several ranks of one Gloo process group inside this test process, one thread each, through
// the real rendezvous (a TCPStore on 127.0.0.1): for collective and reducer tests that need no
// second process.
#include <functional>

#include "dist/communicator.h"

namespace facerep::testing {

// Runs `body(comm)` on `world` threads, each holding its own rank's Communicator (Gloo, timeout
// `timeout_s`). Rethrows the first exception a thread threw, after all have ended.
void run_local_group(int world, const std::function<void(dist::Communicator&)>& body, double timeout_s = 30.0);

}  // namespace facerep::testing
