#include "core/metrics.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/atomic_write.h"
#include "core/error.h"
#include "core/text_escape.h"
#include "core/tensorboard_writer.h"

namespace facerep::core {

namespace {
double unix_seconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}
}  // namespace

std::string metrics_json_line(int64_t step, const std::string& phase, double wall_time,
                              const std::map<std::string, double>& scalars) {
  std::string out = "{\"step\": " + std::to_string(step) + ", \"phase\": " + json_quote(phase) +
                    ", \"time\": " + json_number(wall_time);
  for (const auto& [name, value] : scalars) out += ", " + json_quote(name) + ": " + json_number(value);
  return out + "}";
}

int64_t truncate_metrics_after(const std::string& jsonl_path, int64_t step) {
  std::ifstream in(jsonl_path, std::ios::binary);
  if (!in) return 0;
  std::stringstream whole;
  whole << in.rdbuf();
  const std::string text = whole.str();
  std::string kept;
  int64_t dropped = 0;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    if (end == std::string::npos) {  // no newline: the writer died mid-line
      ++dropped;
      break;
    }
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    static const std::string kPrefix = "{\"step\": ";
    int64_t line_step = 0;
    const bool parsed = line.rfind(kPrefix, 0) == 0 &&
                        std::from_chars(line.data() + kPrefix.size(), line.data() + line.size(), line_step).ec ==
                            std::errc() &&
                        line.back() == '}';
    if (parsed && line_step <= step) {
      kept += line;
      kept += '\n';
    } else {
      ++dropped;
    }
  }
  if (dropped > 0) write_file_atomic(jsonl_path, kept);
  return dropped;
}

MetricsWriter::MetricsWriter(const std::string& run_dir_path)
    : jsonl_path_(run_dir_path + "/metrics.jsonl") {
  jsonl_.open(jsonl_path_, std::ios::app);
  if (!jsonl_) throw RuntimeError(jsonl_path_ + ": cannot open for writing");
  tensorboard_ = std::make_unique<TensorBoardWriter>(run_dir_path);
}

MetricsWriter::~MetricsWriter() = default;

void MetricsWriter::write(int64_t step, const std::string& phase,
                          const std::map<std::string, double>& scalars) {
  std::lock_guard<std::mutex> lock(mutex_);
  const double now = unix_seconds();
  jsonl_ << metrics_json_line(step, phase, now, scalars) << "\n";
  jsonl_.flush();  // other tools tail this file while the run goes on
  if (!jsonl_) throw RuntimeError(jsonl_path_ + ": write failed (disk full?)");
  std::vector<std::pair<std::string, float>> tagged;
  tagged.reserve(scalars.size());
  for (const auto& [name, value] : scalars)
    tagged.emplace_back(phase.empty() ? name : phase + "/" + name, static_cast<float>(value));
  tensorboard_->write_scalars(step, tagged, now);
  tensorboard_->flush();
}

void MetricsWriter::flush() {
  std::lock_guard<std::mutex> lock(mutex_);
  jsonl_.flush();
  tensorboard_->flush();
}

const std::string& MetricsWriter::events_path() const { return tensorboard_->path(); }

}  // namespace facerep::core
