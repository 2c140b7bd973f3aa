#pragma once
// Runs the real facerep binary as the ranks of one multi-process job on this machine, the way
// torchrun would (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR=127.0.0.1, MASTER_PORT), for the
// data-parallel and failure tests. Each rank's stdout+stderr goes to its own file.
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

namespace facerep::testing {

// A TCP port that was free a moment ago (bound to port 0 and released).
int free_tcp_port();

// One facerep process, started at once, environment = this process's without any launcher
// variables (RANK, SLURM_*, OMPI_*, ...), plus `env`.
class FacerepProcess {
 public:
  FacerepProcess(const std::string& args, const std::map<std::string, std::string>& env, const std::string& log_path);
  ~FacerepProcess();  // kills it if still running
  FacerepProcess(const FacerepProcess&) = delete;
  FacerepProcess& operator=(const FacerepProcess&) = delete;

  // Exit code once it ends within `timeout_s` (then -1 after killing it; -2 when killed by a signal).
  int wait(double timeout_s);
  void signal(int sig);
  bool running();
  std::string output() const;  // what it printed so far
  // When it was seen to end (now_seconds() clock).
  double ended_at() const { return ended_at_; }

 private:
  pid_t pid_ = -1;
  std::string log_path_;
  int status_ = 0;
  bool done_ = false;
  double ended_at_ = 0.0;
};

// Monotonic clock in seconds.
double now_seconds();

struct RankResult {
  int exit_code = -1;
  std::string output;
};

// `facerep <args>` as ranks 0..world-1 of one job (world 1: a plain single process, no launcher
// variables). Waits for all, at most `timeout_s`. Logs go to `log_dir`/rank_<r>.log.
std::vector<RankResult> run_facerep_ranks(int world, const std::string& args, const std::string& log_dir,
                                          double timeout_s = 120.0);

// The environment torchrun gives rank `rank` of `world` (master on 127.0.0.1:`port`).
std::map<std::string, std::string> rank_env(int rank, int world, int port);

}  // namespace facerep::testing
