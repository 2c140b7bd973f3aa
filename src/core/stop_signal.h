#pragma once
// Graceful stop on the signals clusters send before they take a job away: SIGTERM (preemption,
// `scancel`, Kubernetes), SIGUSR1 (Slurm's `--signal=USR1@...` warning), SIGINT (Ctrl-C) and
// SIGHUP (a closed terminal). The first one asks the trainer to finish its current step, write a
// checkpoint and exit with kExitStopped; a second SIGINT ends the process at once (every file
// facerep writes is atomic, so that loses at most the steps since the last checkpoint).
namespace facerep::core {

// Exit code of a run stopped by a signal after saving its checkpoint: EX_TEMPFAIL ("try again"),
// what a requeue script tests for.
inline constexpr int kExitStopped = 75;

void install_stop_handlers();
// The signal that asked for a stop (0 = none).
int stop_signal();
// As if `signal` had arrived (tests, and ranks told by a peer).
void request_stop(int signal);
void clear_stop_request();
// "SIGTERM", "SIGINT", ... ("signal N" for others).
const char* signal_name(int signal);

}  // namespace facerep::core
