#include "core/metrics.h"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

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
