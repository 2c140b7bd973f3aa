#include "core/progress.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <unistd.h>

#include "core/logging.h"

namespace facerep::core {

namespace {
double steady_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4g", v);
  return buf;
}
}  // namespace

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long long s = std::llround(seconds);
  char buf[32];
  if (s < 60) std::snprintf(buf, sizeof(buf), "%llds", s);
  else if (s < 3600) std::snprintf(buf, sizeof(buf), "%lldm%02llds", s / 60, s % 60);
  else std::snprintf(buf, sizeof(buf), "%lldh%02lldm", s / 3600, (s % 3600) / 60);
  return buf;
}

Progress::Progress(ProgressOptions options) : options_(std::move(options)) {
  if (!options_.clock) options_.clock = steady_seconds;
  start_ = options_.clock();
  tty_ = options_.tty < 0 ? isatty(STDERR_FILENO) == 1 : options_.tty == 1;
  last_.step = options_.initial_step;
}

Progress::~Progress() {
  if (tty_ && !finished_) set_console_status("");
}

std::string Progress::format(const ProgressUpdate& u, double now) const {
  std::string line = "step " + std::to_string(u.step);
  if (options_.total_steps > 0) {
    line += "/" + std::to_string(options_.total_steps);
    char pct[16];
    std::snprintf(pct, sizeof(pct), " (%d%%)",
                  static_cast<int>(100.0 * static_cast<double>(u.step) / options_.total_steps));
    line += pct;
  }
  line += " | epoch " + std::to_string(u.epoch + 1);
  if (options_.total_epochs > 0) line += "/" + std::to_string(options_.total_epochs);
  // "loss" (the total) leads; the named terms follow in key order.
  auto it = u.terms.find("loss");
  if (it != u.terms.end()) line += " | loss " + number(it->second);
  for (const auto& [name, value] : u.terms)
    if (name != "loss") line += " " + name + " " + number(value);
  char lr[32];
  std::snprintf(lr, sizeof(lr), "%.2e", u.lr);
  line += std::string(" | lr ") + lr;
  const double elapsed = now - start_;
  if (elapsed > 0 && u.images > 0) {
    char rate[32];
    std::snprintf(rate, sizeof(rate), "%.0f", static_cast<double>(u.images) / elapsed);
    line += std::string(" | ") + rate + " img/s";
  }
  const int64_t done = u.step - options_.initial_step;
  if (options_.total_steps > 0 && done > 0 && elapsed > 0) {
    const double per_step = elapsed / static_cast<double>(done);
    line += " | ETA " + format_duration(per_step * static_cast<double>(options_.total_steps - u.step));
  }
  return line;
}

void Progress::update(const ProgressUpdate& u) {
  last_ = u;
  last_printed_ = false;
  const double now = options_.clock();
  const bool final_step = options_.total_steps > 0 && u.step >= options_.total_steps;
  const bool first = !drawn_once_;
  const double interval = tty_ ? options_.redraw_interval_s : options_.plain_interval_s;
  if (!final_step && !first && now - last_draw_ < interval) return;
  last_draw_ = now;
  drawn_once_ = true;
  if (tty_) {
    set_console_status(format(u, now));
  } else {
    log_info(format(u, now));
    ++lines_printed_;
    last_printed_ = true;
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (tty_) {
    set_console_status("");
    log_info(format(last_, options_.clock()));  // the redrawn line leaves no trace otherwise
  } else if (!last_printed_ && drawn_once_) {
    log_info(format(last_, options_.clock()));
    ++lines_printed_;
  }
}

}  // namespace facerep::core
