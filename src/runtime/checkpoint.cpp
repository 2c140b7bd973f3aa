#include "runtime/checkpoint.h"

#include <filesystem>

#include <ATen/ATen.h>
#include <ATen/core/Dict.h>
#include <ATen/core/ivalue.h>

#include "core/error.h"
#include "runtime/state_dict_io.h"

namespace facerep::runtime {

namespace {
constexpr const char* kFormat = "facerep-checkpoint";
constexpr int64_t kVersion = 1;

using GenericDict = c10::Dict<c10::IValue, c10::IValue>;

GenericDict tensors_to_dict(const NamedTensors& tensors) {
  GenericDict d(c10::StringType::get(), c10::TensorType::get());
  for (const auto& [name, t] : tensors) d.insert(name, t.detach().to(at::kCPU).contiguous());
  return d;
}

NamedTensors dict_to_tensors(const c10::IValue& v, const std::string& what) {
  if (!v.isGenericDict()) throw core::RuntimeError(what + " is not a dict of tensors");
  NamedTensors out;
  for (const auto& kv : v.toGenericDict()) {
    if (!kv.key().isString() || !kv.value().isTensor())
      throw core::RuntimeError(what + " holds a non-tensor entry");
    out.emplace_back(kv.key().toStringRef(), kv.value().toTensor());
  }
  return out;
}

const c10::IValue& field(const GenericDict& d, const std::string& key, const std::string& path) {
  auto it = d.find(key);
  if (it == d.end())
    throw core::RuntimeError(path + ": not a facerep checkpoint (no '" + key + "' entry)");
  return it->value();
}
}  // namespace

int64_t Checkpoint::counter(const std::string& key) const {
  auto it = counters.find(key);
  if (it == counters.end()) throw core::RuntimeError("checkpoint has no counter '" + key + "'");
  return it->second;
}

int64_t Checkpoint::counter(const std::string& key, int64_t fallback) const {
  auto it = counters.find(key);
  return it == counters.end() ? fallback : it->second;
}

double Checkpoint::value(const std::string& key, double fallback) const {
  auto it = values.find(key);
  return it == values.end() ? fallback : it->second;
}

std::string Checkpoint::text(const std::string& key, const std::string& fallback) const {
  auto it = texts.find(key);
  return it == texts.end() ? fallback : it->second;
}

void save_checkpoint(const Checkpoint& ckpt, const std::string& path) {
  GenericDict root(c10::StringType::get(), c10::AnyType::get());
  root.insert("format", std::string(kFormat));
  root.insert("version", kVersion);
  root.insert("config", ckpt.config_yaml);
  root.insert("model", tensors_to_dict(ckpt.model));
  root.insert("ema", tensors_to_dict(ckpt.ema));
  root.insert("objective", tensors_to_dict(ckpt.objective));
  root.insert("optimizer_type", ckpt.optimizer_type);
  root.insert("optimizer", tensors_to_dict(ckpt.optimizer));
  GenericDict counters(c10::StringType::get(), c10::IntType::get());
  for (const auto& [k, v] : ckpt.counters) counters.insert(k, v);
  root.insert("counters", counters);
  GenericDict values(c10::StringType::get(), c10::FloatType::get());
  for (const auto& [k, v] : ckpt.values) values.insert(k, v);
  root.insert("values", values);
  GenericDict texts(c10::StringType::get(), c10::StringType::get());
  for (const auto& [k, v] : ckpt.texts) texts.insert(k, v);
  root.insert("texts", texts);
  NamedTensors rng;
  for (const auto& [k, v] : ckpt.rng)
    if (v.defined()) rng.emplace_back(k, v);
  root.insert("rng", tensors_to_dict(rng));
  save_ivalue(c10::IValue(root), path);
}

Checkpoint load_checkpoint(const std::string& path) {
  if (!std::filesystem::is_regular_file(path))
    throw core::RuntimeError(path + ": checkpoint file not found");
  c10::IValue v;
  try {
    v = load_ivalue(path);
  } catch (const core::RuntimeError&) {
    throw;
  } catch (const std::exception& e) {
    throw core::RuntimeError(path + ": unreadable checkpoint (truncated or not a checkpoint): " +
                             std::string(e.what()).substr(0, 200));
  }
  if (!v.isGenericDict()) throw core::RuntimeError(path + ": not a facerep checkpoint (not a dict)");
  const GenericDict root = v.toGenericDict();
  const c10::IValue& format = field(root, "format", path);
  if (!format.isString() || format.toStringRef() != kFormat)
    throw core::RuntimeError(path + ": not a facerep checkpoint (format tag missing)");
  const int64_t version = field(root, "version", path).toInt();
  if (version != kVersion)
    throw core::RuntimeError(path + ": checkpoint version " + std::to_string(version) +
                             " is not supported (expected " + std::to_string(kVersion) + ")");
  Checkpoint c;
  try {
    c.config_yaml = field(root, "config", path).toStringRef();
    c.model = dict_to_tensors(field(root, "model", path), path + ": model");
    c.ema = dict_to_tensors(field(root, "ema", path), path + ": ema");
    c.objective = dict_to_tensors(field(root, "objective", path), path + ": objective");
    c.optimizer_type = field(root, "optimizer_type", path).toStringRef();
    c.optimizer = dict_to_tensors(field(root, "optimizer", path), path + ": optimizer");
    for (const auto& kv : field(root, "counters", path).toGenericDict())
      c.counters[kv.key().toStringRef()] = kv.value().toInt();
    for (const auto& kv : field(root, "values", path).toGenericDict())
      c.values[kv.key().toStringRef()] = kv.value().toDouble();
    for (const auto& kv : field(root, "texts", path).toGenericDict())
      c.texts[kv.key().toStringRef()] = kv.value().toStringRef();
    for (const auto& [k, t] : dict_to_tensors(field(root, "rng", path), path + ": rng")) c.rng[k] = t;
  } catch (const core::RuntimeError&) {
    throw;
  } catch (const std::exception& e) {
    throw core::RuntimeError(path + ": malformed checkpoint: " + std::string(e.what()).substr(0, 200));
  }
  return c;
}

}  // namespace facerep::runtime
