#pragma once
// Writes TensorBoard event files without protobuf or TensorFlow: each record is
// [uint64 length][uint32 masked crc32c(length)][payload][uint32 masked crc32c(payload)] and each
// payload an Event message encoded by hand: wall_time (1, double), step (2, int64),
// file_version (3, string) or summary (5) { value (1) { tag (1, string), simple_value (2, float) } }.
#include <cstdint>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace facerep::core {

// Event payloads (the protobuf bytes, no record framing).
std::string encode_file_version_event(double wall_time, const std::string& version);
std::string encode_scalars_event(double wall_time, int64_t step,
                                 const std::vector<std::pair<std::string, float>>& scalars);
// Frames one payload as a TFRecord.
std::string encode_record(const std::string& payload);

class TensorBoardWriter {
 public:
  // Creates `<dir>/events.out.tfevents.<unix time>.<host>` (".1", ".2"... appended when that
  // exists) and writes the "brain.Event:2" header.
  // Throws RuntimeError when the file cannot be created.
  explicit TensorBoardWriter(const std::string& dir);
  void write_scalars(int64_t step, const std::vector<std::pair<std::string, float>>& scalars,
                     double wall_time);
  void flush();
  const std::string& path() const { return path_; }

 private:
  void write_record(const std::string& payload);
  std::string path_;
  std::ofstream out_;
};

}  // namespace facerep::core
