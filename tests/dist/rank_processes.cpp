#include "rank_processes.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>

#include "test_support.h"

extern char** environ;

namespace facerep::testing {
namespace {

bool is_launcher_variable(const std::string& entry) {
  const std::string name = entry.substr(0, entry.find('='));
  for (const char* exact : {"RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT", "GLOO_SOCKET_IFNAME"})
    if (name == exact) return true;
  return name.rfind("SLURM_", 0) == 0 || name.rfind("OMPI_", 0) == 0;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int free_tcp_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  const int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

std::map<std::string, std::string> rank_env(int rank, int world, int port) {
  return {{"RANK", std::to_string(rank)},     {"WORLD_SIZE", std::to_string(world)},
          {"LOCAL_RANK", std::to_string(rank)}, {"MASTER_ADDR", "127.0.0.1"},
          {"MASTER_PORT", std::to_string(port)}};
}

FacerepProcess::FacerepProcess(const std::string& args, const std::map<std::string, std::string>& env,
                               const std::string& log_path)
    : log_path_(log_path) {
  // Everything the child needs is built before fork(): between fork and exec a child of a
  // multi-threaded process may only make async-signal-safe calls.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e)
    if (!is_launcher_variable(*e)) env_strings.emplace_back(*e);
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string command = "exec " + shell_quote(binary_path()) + " " + args + " > " + shell_quote(log_path) + " 2>&1";
  std::string sh = "/bin/sh", dash_c = "-c";
  char* argv[] = {sh.data(), dash_c.data(), command.data(), nullptr};
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork() failed");
  if (pid_ == 0) {
    execve("/bin/sh", argv, envp.data());
    _exit(127);
  }
}

FacerepProcess::~FacerepProcess() {
  if (!done_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
  }
}

bool FacerepProcess::running() {
  if (done_) return false;
  if (waitpid(pid_, &status_, WNOHANG) == pid_) {
    done_ = true;
    ended_at_ = now_seconds();
  }
  return !done_;
}

int FacerepProcess::wait(double timeout_s) {
  const double deadline = now_seconds() + timeout_s;
  while (running()) {
    if (now_seconds() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status_, 0);
      done_ = true;
      ended_at_ = now_seconds();
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return WIFEXITED(status_) ? WEXITSTATUS(status_) : -2;
}

void FacerepProcess::signal(int sig) {
  if (!done_) kill(pid_, sig);
}

std::string FacerepProcess::output() const { return read_file(log_path_); }

std::vector<RankResult> run_facerep_ranks(int world, const std::string& args, const std::string& log_dir,
                                          double timeout_s) {
  const int port = world > 1 ? free_tcp_port() : 0;
  std::vector<std::unique_ptr<FacerepProcess>> procs;
  for (int r = 0; r < world; ++r)
    procs.push_back(std::make_unique<FacerepProcess>(
        args, world > 1 ? rank_env(r, world, port) : std::map<std::string, std::string>{},
        log_dir + "/rank_" + std::to_string(r) + ".log"));
  const double deadline = now_seconds() + timeout_s;
  std::vector<RankResult> results(world);
  for (int r = 0; r < world; ++r) {
    results[r].exit_code = procs[r]->wait(std::max(0.0, deadline - now_seconds()));
    results[r].output = procs[r]->output();
  }
  return results;
}

}  // namespace facerep::testing
