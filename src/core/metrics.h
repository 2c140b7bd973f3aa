#pragma once
// Scalar metrics of a run, written twice: one JSON object per call to metrics.jsonl (easy to
// read from any script) and to a TensorBoard event file (tag "<phase>/<name>").
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace facerep::core {

class TensorBoardWriter;

class MetricsWriter {
 public:
  // Appends to <run_dir>/metrics.jsonl and creates a new event file in run_dir.
  // Throws RuntimeError when either cannot be opened.
  explicit MetricsWriter(const std::string& run_dir_path);
  ~MetricsWriter();
  MetricsWriter(const MetricsWriter&) = delete;
  MetricsWriter& operator=(const MetricsWriter&) = delete;

  // {"step": 10, "phase": "train", "time": 1732920000.5, "loss": 1.25, ...}; non-finite
  // values are written as null in JSON (JSON has no NaN) and as-is to TensorBoard.
  void write(int64_t step, const std::string& phase, const std::map<std::string, double>& scalars);
  void flush();

  const std::string& jsonl_path() const { return jsonl_path_; }
  const std::string& events_path() const;

 private:
  std::mutex mutex_;
  std::string jsonl_path_;
  std::ofstream jsonl_;
  std::unique_ptr<TensorBoardWriter> tensorboard_;
};

// Before a resumed run appends: drops the lines of steps after `step` (what the interrupted run
// logged past its checkpoint, which the resumed run logs again) and a torn last line. Rewrites
// the file atomically; returns the number of lines dropped (0 and no rewrite when none).
int64_t truncate_metrics_after(const std::string& jsonl_path, int64_t step);

// One metrics.jsonl line (no trailing newline); exposed for tests.
std::string metrics_json_line(int64_t step, const std::string& phase, double wall_time,
                              const std::map<std::string, double>& scalars);

}  // namespace facerep::core
