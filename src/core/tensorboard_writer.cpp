#include "core/tensorboard_writer.h"

#include <cstring>
#include <ctime>
#include <unistd.h>

#include "core/crc32c.h"
#include "core/error.h"

namespace facerep::core {

namespace {
// Protobuf wire format, just what Event needs: varints, fixed64/fixed32, length-delimited.
void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
void put_tag(std::string& out, int field, int wire_type) {
  put_varint(out, (static_cast<uint64_t>(field) << 3) | static_cast<uint64_t>(wire_type));
}
template <class T>
void put_little_endian(std::string& out, T value) {
  // x86 and ARM Linux are little-endian; TFRecord and protobuf fixed fields are too.
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.append(bytes, sizeof(T));
}
void put_bytes(std::string& out, int field, const std::string& bytes) {
  put_tag(out, field, 2);
  put_varint(out, bytes.size());
  out += bytes;
}
void put_event_header(std::string& out, double wall_time) {
  put_tag(out, 1, 1);  // wall_time: double
  put_little_endian(out, wall_time);
}

std::string host_name() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof(buf) - 1) != 0 || buf[0] == 0) return "localhost";
  return buf;
}
}  // namespace

std::string encode_file_version_event(double wall_time, const std::string& version) {
  std::string out;
  put_event_header(out, wall_time);
  put_bytes(out, 3, version);
  return out;
}

std::string encode_scalars_event(double wall_time, int64_t step,
                                 const std::vector<std::pair<std::string, float>>& scalars) {
  std::string summary;
  for (const auto& [tag, value] : scalars) {
    std::string v;
    put_bytes(v, 1, tag);
    put_tag(v, 2, 5);  // simple_value: float
    put_little_endian(v, value);
    put_bytes(summary, 1, v);
  }
  std::string out;
  put_event_header(out, wall_time);
  put_tag(out, 2, 0);  // step: int64 varint (two's complement for negatives, as protobuf does)
  put_varint(out, static_cast<uint64_t>(step));
  put_bytes(out, 5, summary);
  return out;
}

std::string encode_record(const std::string& payload) {
  std::string out;
  const uint64_t length = payload.size();
  std::string length_bytes;
  put_little_endian(length_bytes, length);
  out += length_bytes;
  put_little_endian(out, mask_crc32c(crc32c(length_bytes)));
  out += payload;
  put_little_endian(out, mask_crc32c(crc32c(payload)));
  return out;
}

TensorBoardWriter::TensorBoardWriter(const std::string& dir) {
  const std::time_t now = std::time(nullptr);
  const std::string base =
      dir + "/events.out.tfevents." + std::to_string(static_cast<long long>(now)) + "." + host_name();
  // A second writer in the same second (eval after train) gets its own file: TensorBoard reads
  // every file whose name contains "tfevents".
  path_ = base;
  for (int n = 1; std::ifstream(path_).good() && n < 1000; ++n) path_ = base + "." + std::to_string(n);
  out_.open(path_, std::ios::binary);
  if (!out_) throw RuntimeError(path_ + ": cannot create TensorBoard event file");
  write_record(encode_file_version_event(static_cast<double>(now), "brain.Event:2"));
  out_.flush();
}

void TensorBoardWriter::write_scalars(int64_t step,
                                      const std::vector<std::pair<std::string, float>>& scalars,
                                      double wall_time) {
  write_record(encode_scalars_event(wall_time, step, scalars));
}

void TensorBoardWriter::write_record(const std::string& payload) {
  const std::string record = encode_record(payload);
  out_.write(record.data(), static_cast<std::streamsize>(record.size()));
  if (!out_) throw RuntimeError(path_ + ": write failed (disk full?)");
}

void TensorBoardWriter::flush() { out_.flush(); }

}  // namespace facerep::core
