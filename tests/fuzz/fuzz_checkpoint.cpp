// Checkpoint loading: the input's first byte picks a mode, the rest is
//  - (lowest bit 0) the checkpoint file itself (a torch.save zip: data.pkl and tensor records);
//  - (lowest bit 1) only data.pkl, which the harness packs into a well-formed archive beside the
//    tensor records of the generated seed. Every zip record carries a CRC, so mutated files rarely
//    get past the zip layer: this mode lets the fuzzer reach the pickle reader, the tensor views
//    and the checkpoint's own checks as a crafted file would.
// Every tensor loaded is read in full, so a view beyond its storage shows up under ASan.
#include <map>
#include <mutex>

#include <ATen/ATen.h>
#include <caffe2/serialize/inline_container.h>

#include "fuzz/fuzz_support.h"
#include "fuzz/fuzz_targets.h"
#include "runtime/checkpoint.h"

namespace facerep::fuzz {

namespace {
std::string checkpoint_file(bool full) {
  runtime::Checkpoint c;
  c.config_yaml = "model: {type: iresnet}\n";
  c.model = {{"fc.weight", at::arange(6, at::kFloat).reshape({2, 3})}, {"fc.bias", at::zeros({2})}};
  c.optimizer_type = "sgd";
  c.counters = {{"step", 7}, {"epoch", 1}};
  if (full) {
    c.ema = {{"fc.weight", at::ones({2, 3}).t()}};
    c.objective = {{"centres", at::ones({3, 2}, at::kDouble)}};
    c.optimizer = {{"0.momentum", at::full({2, 3}, 0.5)}};
    c.values = {{"best", 0.25}};
    c.texts = {{"sampler", "1 2 3"}};
    c.rng = {{"cpu", at::arange(8, at::kByte)}};
  }
  const std::string path = scratch_path("seed.ckpt");
  runtime::save_checkpoint(c, path);
  return read_bytes(path);
}

// The records of the full seed checkpoint, by name (data.pkl included; no version record).
const std::map<std::string, std::string>& seed_records() {
  static std::map<std::string, std::string> records;
  static std::once_flag once;
  std::call_once(once, [] {
    checkpoint_file(true);
    caffe2::serialize::PyTorchStreamReader reader(scratch_path("seed.ckpt"));
    for (const std::string& name : reader.getAllRecords()) {
      if (name == "version" || name == ".data/version") continue;
      auto [bytes, size] = reader.getRecord(name);
      records[name] = std::string(static_cast<const char*>(bytes.get()), size);
    }
  });
  return records;
}

std::string archive_with_pickle(const std::string& pickle) {
  std::string out;
  caffe2::serialize::PyTorchStreamWriter writer([&out](const void* p, size_t n) {
    out.append(static_cast<const char*>(p), n);
    return n;
  });
  for (const auto& [name, bytes] : seed_records())
    if (name != "data.pkl") writer.writeRecord(name, bytes.data(), bytes.size());
  writer.writeRecord("data.pkl", pickle.data(), pickle.size());
  writer.writeEndOfFile();
  return out;
}

void read_all(const runtime::NamedTensors& tensors) {
  for (const auto& [name, t] : tensors)
    if (t.defined()) t.sum();
}

void checkpoint_body(const std::vector<std::string>& parts) {
  if (parts[0].empty()) return;
  const std::string rest = parts[0].substr(1);
  const std::string file = (parts[0][0] & 1) ? archive_with_pickle(rest) : rest;
  const runtime::Checkpoint c = runtime::load_checkpoint(write_scratch("input.ckpt", file));
  read_all(c.model);
  read_all(c.ema);
  read_all(c.objective);
  read_all(c.optimizer);
  for (const auto& [name, t] : c.rng)
    if (t.defined()) t.sum();
}
}  // namespace

int fuzz_checkpoint(const uint8_t* data, size_t size) {
  return expect_clean_errors(checkpoint_body, {std::string(reinterpret_cast<const char*>(data), size)});
}

std::vector<std::string> seeds_checkpoint() {
  const std::string raw(1, '\0');
  return {raw + checkpoint_file(false), raw + checkpoint_file(true), "\x01" + seed_records().at("data.pkl")};
}

}  // namespace facerep::fuzz
