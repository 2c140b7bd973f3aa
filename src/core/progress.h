#pragma once
// The training progress line: step/total, epoch, loss terms, lr, images/s, ETA.
// On a TTY it redraws in place (through the console status line, so logs don't tear it);
// elsewhere (CI, Slurm logs) it prints a plain line every `plain_interval_s` seconds.
#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace facerep::core {

struct ProgressUpdate {
  int64_t step = 0;          // steps done so far (1-based after the first step)
  int epoch = 0;             // 0-based current epoch
  std::map<std::string, double> terms;  // loss terms, printed in key order ("loss" first)
  double lr = 0.0;
  int64_t images = 0;        // images processed since this Progress was created
};

struct ProgressOptions {
  int64_t total_steps = 0;   // 0 = unknown (no ETA, no percentage)
  int64_t initial_step = 0;  // step when this Progress starts (resumed runs): rates count from here
  int total_epochs = 0;      // 0 = unknown
  int tty = -1;              // -1 = detect from stderr, 0 = plain lines, 1 = redraw in place
  double redraw_interval_s = 0.25;  // TTY: at most this often
  double plain_interval_s = 30.0;   // plain: one line at most this often (and the last step)
  std::function<double()> clock;    // seconds; default steady clock (tests inject one)
};

class Progress {
 public:
  explicit Progress(ProgressOptions options);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Records the state; draws when the interval has passed (always on the final step).
  void update(const ProgressUpdate& u);
  // Prints the final state as a plain line and releases the status line.
  void finish();

  // The text of one progress line for `u` at time `now` (seconds on the clock). Pure.
  std::string format(const ProgressUpdate& u, double now) const;
  // Lines printed so far in plain mode (tests).
  int64_t lines_printed() const { return lines_printed_; }

 private:
  ProgressOptions options_;
  double start_ = 0.0;
  double last_draw_ = 0.0;
  bool drawn_once_ = false;
  bool last_printed_ = false;
  int64_t lines_printed_ = 0;
  bool tty_ = false;
  bool finished_ = false;
  ProgressUpdate last_;
};

// "3m12s", "1h05m", "45s".
std::string format_duration(double seconds);

}  // namespace facerep::core
