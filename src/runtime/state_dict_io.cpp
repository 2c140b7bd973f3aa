#include "runtime/state_dict_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>

#include <torch/serialize.h>
#include <torch/torch.h>

#include "core/atomic_write.h"
#include "core/error.h"
#include "runtime/pickle_reader.h"
#include "runtime/zip_reader.h"

namespace facerep::runtime {
namespace {

using Kind = PyValue::Kind;

// Storage classes torch.save names in persistent ids, and their element types.
const std::map<std::string, at::ScalarType>& storage_dtypes() {
  static const std::map<std::string, at::ScalarType> m = {
      {"torch.FloatStorage", at::kFloat},   {"torch.DoubleStorage", at::kDouble},
      {"torch.HalfStorage", at::kHalf},     {"torch.BFloat16Storage", at::kBFloat16},
      {"torch.LongStorage", at::kLong},     {"torch.IntStorage", at::kInt},
      {"torch.ShortStorage", at::kShort},   {"torch.CharStorage", at::kChar},
      {"torch.ByteStorage", at::kByte},     {"torch.BoolStorage", at::kBool},
      {"torch.ComplexFloatStorage", at::kComplexFloat},
      {"torch.ComplexDoubleStorage", at::kComplexDouble}};
  return m;
}

class TorchArchive {
 public:
  explicit TorchArchive(const std::string& path) : path_(path), zip_(path) {}

  PyRef read() {
    if (!zip_.contains("data.pkl")) fail("no <archive>/data.pkl entry (not a torch.save file)");
    if (zip_.contains("byteorder") && zip_.read_string("byteorder") != "little")
      fail("big-endian checkpoints are not supported");
    PickleHooks hooks;
    hooks.persistent_load = [this](const PyRef& pid) { return load_storage(pid); };
    hooks.construct = [this](const std::string& g, const std::vector<PyRef>& a) { return construct(g, a); };
    return read_pickle(zip_.read_string("data.pkl"), hooks, path_);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw core::RuntimeError(path_ + ": " + what); }

  PyRef load_storage(const PyRef& pid) {
    if (!pid->is(Kind::kTuple) || pid->items.size() < 5 || !pid->items[0]->is(Kind::kStr) ||
        pid->items[0]->s != "storage")
      fail("unexpected persistent id (" + pid->describe() + ")");
    const PyValue& type = *pid->items[1];
    const std::string key = pid->items[2]->s;
    auto dt = storage_dtypes().find(type.s);
    if (!type.is(Kind::kGlobal) || dt == storage_dtypes().end())
      fail("unsupported storage type '" + type.s + "' for storage " + key);
    const int64_t numel = pid->items[4]->i;
    auto cached = storages_.find(key);
    at::Tensor storage;
    if (cached != storages_.end()) {
      storage = cached->second;
    } else {
      size_t nbytes = 0;
      at::DataPtr bytes = zip_.read("data/" + key, &nbytes);
      const int64_t item = static_cast<int64_t>(c10::elementSize(dt->second));
      if (numel < 0 || numel > static_cast<int64_t>(nbytes) / item || static_cast<int64_t>(nbytes) != numel * item)
        fail("storage " + key + " holds " + std::to_string(nbytes) + " bytes, expected " +
             std::to_string(numel) + " x " + std::to_string(item));
      // The tensor adopts the record's buffer: no copy.
      c10::Storage adopted(c10::Storage::use_byte_size_t(), nbytes, std::move(bytes), c10::GetAllocator(c10::kCPU),
                           /*resizable=*/true);
      storage = torch::empty({0}, torch::TensorOptions().dtype(dt->second)).set_(adopted, 0, {numel}, {1});
      storages_[key] = storage;
    }
    PyRef v = PyValue::make(Kind::kTensor);
    v->tensor = storage;
    return v;
  }

  static std::vector<int64_t> ints(const PyRef& v) {
    std::vector<int64_t> out;
    for (const auto& x : v->items) out.push_back(x->i);
    return out;
  }

  PyRef rebuild_tensor(const std::vector<PyRef>& a) {
    if (a.size() < 4 || !a[0]->is(Kind::kTensor) || !a[2]->is(Kind::kTuple) || !a[3]->is(Kind::kTuple))
      fail("malformed _rebuild_tensor arguments");
    const at::Tensor& storage = a[0]->tensor;
    const int64_t offset = a[1]->i;
    const std::vector<int64_t> size = ints(a[2]), stride = ints(a[3]);
    if (size.size() != stride.size()) fail("tensor size and stride differ in rank");
    // The view must stay inside its storage, or as_strided would read out of bounds.
    // Overflow-checked: a crafted size or stride must not wrap `last` back inside the storage.
    int64_t last = offset;
    bool empty = false, overflow = false;
    for (size_t d = 0; d < size.size(); ++d) {
      if (size[d] < 0 || stride[d] < 0) fail("negative tensor size or stride");
      int64_t span = 0;
      if (size[d] == 0) empty = true;
      else overflow |= __builtin_mul_overflow(size[d] - 1, stride[d], &span) || __builtin_add_overflow(last, span, &last);
    }
    if (!empty && (overflow || offset < 0 || last >= storage.numel()))
      fail("tensor view exceeds its storage of " + std::to_string(storage.numel()) + " elements");
    PyRef v = PyValue::make(Kind::kTensor);
    v->tensor = empty ? torch::empty(size, storage.options()) : storage.as_strided(size, stride, offset);
    return v;
  }

  PyRef construct(const std::string& g, const std::vector<PyRef>& a) {
    if (g == "torch._utils._rebuild_tensor_v2" || g == "torch._utils._rebuild_tensor") return rebuild_tensor(a);
    if (g == "torch._utils._rebuild_parameter" || g == "torch._utils._rebuild_parameter_with_state") {
      if (a.empty() || !a[0]->is(Kind::kTensor)) fail("malformed _rebuild_parameter arguments");
      return a[0];
    }
    if (g == "collections.OrderedDict") {
      PyRef d = PyValue::make(Kind::kDict);
      if (!a.empty() && a[0]->is(Kind::kList))
        for (const auto& kv : a[0]->items)
          if (kv->items.size() == 2) d->dict.emplace_back(kv->items[0], kv->items[1]);
      return d;
    }
    if (g == "torch.Size" && !a.empty()) {
      PyRef t = PyValue::make(Kind::kTuple);
      t->items = a[0]->items;
      return t;
    }
    // What LibTorch's pickler wraps typed lists and dicts in.
    if ((g.rfind("torch.jit._pickle.build_", 0) == 0 || g == "torch.jit._pickle.restore_type_tag") && !a.empty())
      return a[0];
    return nullptr;
  }

  std::string path_;
  ZipReader zip_;
  std::map<std::string, at::Tensor> storages_;
};

c10::IValue to_ivalue(const PyRef& v, std::set<std::string>& opaque, int depth) {
  if (depth > 200) throw core::RuntimeError("checkpoint nesting deeper than 200 levels");
  switch (v->kind) {
    case Kind::kNone: return c10::IValue();
    case Kind::kBool: return c10::IValue(v->b);
    case Kind::kInt: return c10::IValue(v->i);
    case Kind::kFloat: return c10::IValue(v->f);
    case Kind::kStr:
    case Kind::kBytes: return c10::IValue(v->s);
    case Kind::kTensor: return c10::IValue(v->tensor);
    case Kind::kTuple: {
      std::vector<c10::IValue> items;
      for (const auto& x : v->items) items.push_back(to_ivalue(x, opaque, depth + 1));
      return c10::ivalue::Tuple::create(std::move(items));
    }
    case Kind::kList: {
      c10::impl::GenericList list(c10::AnyType::get());
      for (const auto& x : v->items) list.push_back(to_ivalue(x, opaque, depth + 1));
      return list;
    }
    case Kind::kDict: {
      bool all_int = !v->dict.empty();
      for (const auto& kv : v->dict) all_int = all_int && kv.first->is(Kind::kInt);
      c10::impl::GenericDict d(all_int ? c10::TypePtr(c10::IntType::get()) : c10::TypePtr(c10::StringType::get()),
                               c10::AnyType::get());
      for (const auto& kv : v->dict) {
        c10::IValue key = all_int ? c10::IValue(kv.first->i)
                          : kv.first->is(Kind::kStr) ? c10::IValue(kv.first->s)
                                                      : c10::IValue(kv.first->describe());
        d.insert_or_assign(key, to_ivalue(kv.second, opaque, depth + 1));
      }
      return d;
    }
    case Kind::kGlobal:
    case Kind::kObject: {
      opaque.insert(v->s);
      c10::impl::GenericDict d(c10::StringType::get(), c10::AnyType::get());
      d.insert("__class__", v->s);
      if (v->is(Kind::kObject)) {
        c10::impl::GenericList args(c10::AnyType::get());
        for (const auto& x : v->items) args.push_back(to_ivalue(x, opaque, depth + 1));
        d.insert("__args__", args);
        if (v->state) d.insert("__state__", to_ivalue(v->state, opaque, depth + 1));
      }
      return d;
    }
  }
  return c10::IValue();
}

bool is_tensor_dict(const c10::IValue& v) {
  if (!v.isGenericDict()) return false;
  const auto d = v.toGenericDict();
  if (d.empty()) return false;
  for (const auto& kv : d)
    if (!kv.key().isString() || !kv.value().isTensor()) return false;
  return true;
}

StateDict to_state_dict(const c10::IValue& v) {
  StateDict out;
  for (const auto& kv : v.toGenericDict()) out.emplace_back(kv.key().toStringRef(), kv.value().toTensor());
  bool all_module = !out.empty();
  for (const auto& kv : out) all_module = all_module && kv.first.rfind("module.", 0) == 0;
  if (all_module)
    for (auto& kv : out) kv.first = kv.first.substr(7);
  return out;
}

}  // namespace

void save_ivalue(const c10::IValue& value, const std::string& path) {
  const std::vector<char> bytes = torch::pickle_save(value);
  core::write_file_atomic(path, bytes.data(), bytes.size());
}

void save_state_dict(const StateDict& weights, const std::string& path) {
  c10::impl::GenericDict d(c10::StringType::get(), c10::TensorType::get());
  for (const auto& kv : weights) {
    if (d.contains(kv.first)) throw core::RuntimeError(path + ": duplicate key '" + kv.first + "' in state dict");
    d.insert(kv.first, kv.second.detach().to(torch::kCPU).contiguous());
  }
  save_ivalue(d, path);
}

c10::IValue load_ivalue(const std::string& path, std::vector<std::string>* opaque_classes) {
  TorchArchive archive(path);
  const PyRef tree = archive.read();
  std::set<std::string> opaque;
  c10::IValue out;
  try {
    out = to_ivalue(tree, opaque, 0);
  } catch (const core::RuntimeError& e) {
    throw core::RuntimeError(path + ": " + e.what());
  }
  if (opaque_classes) opaque_classes->insert(opaque_classes->end(), opaque.begin(), opaque.end());
  return out;
}

StateDict load_state_dict(const std::string& path, const std::string& key_hint) {
  const c10::IValue top = load_ivalue(path);
  if (is_tensor_dict(top)) return to_state_dict(top);
  if (!top.isGenericDict()) throw core::RuntimeError(path + ": expected a dict of tensors at the top level");
  const auto d = top.toGenericDict();
  std::string keys;
  for (const auto& kv : d) keys += (keys.empty() ? "" : ", ") + (kv.key().isString() ? kv.key().toStringRef() : "?");
  if (!key_hint.empty()) {
    if (!d.contains(key_hint))
      throw core::RuntimeError(path + ": no entry '" + key_hint + "' (top-level keys: " + keys + ")");
    if (!is_tensor_dict(d.at(key_hint)))
      throw core::RuntimeError(path + ": entry '" + key_hint + "' is not a dict of tensors");
    return to_state_dict(d.at(key_hint));
  }
  for (const char* k : {"model", "state_dict", "module"})
    if (d.contains(k) && is_tensor_dict(d.at(k))) return to_state_dict(d.at(k));
  throw core::RuntimeError(path + ": no dict of tensors at the top level nor under model/state_dict/module "
                           "(top-level keys: " + keys + ")");
}

at::Tensor find_tensor(const StateDict& weights, const std::string& name) {
  for (const auto& kv : weights)
    if (kv.first == name) return kv.second;
  return at::Tensor();
}

}  // namespace facerep::runtime
