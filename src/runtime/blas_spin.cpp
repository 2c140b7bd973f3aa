#include "runtime/blas_spin.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

#include "runtime/blas_info.h"

namespace facerep::runtime {

namespace {
BlasSpinTuning& spin_current() {
  static BlasSpinTuning t{false, "not tuned: tune_blas_spin() was not called"};
  return t;
}

// OpenBLAS's own entry points (exported by its pthread build); null when another BLAS is loaded.
struct OpenBlasPool {
  void (*read_env)() = nullptr;      // re-reads OPENBLAS_* variables into its settings
  int (*shutdown)() = nullptr;       // joins the worker threads
  int (*init)() = nullptr;           // starts them again, reading the thread timeout
  bool found() const { return read_env && shutdown && init; }
};

OpenBlasPool find_openblas_pool() {
  OpenBlasPool p;
  p.read_env = reinterpret_cast<void (*)()>(dlsym(RTLD_DEFAULT, "openblas_read_env"));
  p.shutdown = reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "blas_thread_shutdown_"));
  p.init = reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "blas_thread_init"));
  return p;
}
}  // namespace

BlasSpinTuning decide_blas_spin(const char* openblas_timeout, const char* goto_timeout,
                                const char* facerep_blas_spin, bool pthread_openblas) {
  const std::string ours = std::to_string(kBlasThreadTimeout);
  // A facerep process exports its setting, so the processes it starts inherit it: the same choice.
  const bool inherited = openblas_timeout && openblas_timeout == ours && !goto_timeout;
  if ((openblas_timeout || goto_timeout) && !inherited)
    return {false, std::string("OpenBLAS setting from the environment (") +
                       (openblas_timeout ? "OPENBLAS_THREAD_TIMEOUT" : "GOTO_THREAD_TIMEOUT") + " is set)"};
  const TuningChoice choice = read_tuning_choice("FACEREP_BLAS_SPIN", facerep_blas_spin);
  if (choice.opted_out)
    return {false, inherited ? "OpenBLAS setting from the environment (OPENBLAS_THREAD_TIMEOUT is set)"
                             : "OpenBLAS default (FACEREP_BLAS_SPIN=default)"};
  if (!pthread_openblas) return {false, "nothing to tune (not a pthread OpenBLAS)"};
  return {true, "OpenBLAS workers sleep after 2^" + ours + " idle cycles (FACEREP_BLAS_SPIN=default to disable)" +
                    choice.ignored_note};
}

const BlasSpinTuning& tune_blas_spin() {
  static std::once_flag once;
  std::call_once(once, [] {
    const OpenBlasPool pool = find_openblas_pool();
    BlasSpinTuning t = decide_blas_spin(std::getenv("OPENBLAS_THREAD_TIMEOUT"),
                                        std::getenv("GOTO_THREAD_TIMEOUT"),
                                        std::getenv("FACEREP_BLAS_SPIN"),
                                        pool.found() && detect_blas().threading == "pthread");
    if (t.applied && !std::getenv("OPENBLAS_THREAD_TIMEOUT")) {
      // OpenBLAS read its variables and started its workers when it was loaded: set the timeout,
      // have it read again, and restart the pool so the workers take it. (Set already, it was
      // read at load.)
      setenv("OPENBLAS_THREAD_TIMEOUT", std::to_string(kBlasThreadTimeout).c_str(), 1);
      pool.read_env();
      pool.shutdown();
      pool.init();
    }
    spin_current() = t;
  });
  return spin_current();
}

const BlasSpinTuning& blas_spin_tuning() { return spin_current(); }

}  // namespace facerep::runtime
