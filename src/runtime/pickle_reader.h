#pragma once
// A small reader for Python pickle streams (protocols 2-4, the opcodes torch.save emits plus the
// common rest). It builds a tree of PyValue nodes; what a class constructs is decided by a hook,
// so torch-specific rebuilding (tensors, storages) stays outside. Classes the hook does not know
// become opaque objects holding their class name, arguments and state: they never stop the load.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

namespace facerep::runtime {

struct PyValue;
using PyRef = std::shared_ptr<PyValue>;

struct PyValue {
  enum class Kind { kNone, kBool, kInt, kFloat, kStr, kBytes, kTuple, kList, kDict, kGlobal, kObject, kTensor };
  Kind kind = Kind::kNone;
  bool b = false;
  int64_t i = 0;
  double f = 0.0;
  std::string s;                             // str, bytes, global "module.name", object class name
  std::vector<PyRef> items;                  // tuple / list elements; object constructor args
  std::vector<std::pair<PyRef, PyRef>> dict; // dict entries in insertion order
  PyRef state;                               // object state set by BUILD (may be null)
  at::Tensor tensor;
  // Set once the value is an element of a container (tuple, list, dict, object arguments or
  // state). Python's pickler finishes a value before storing it in another, so the reader refuses
  // to change a contained value: this rules out reference cycles (a list holding itself), which
  // would leak and make every recursive walk of the tree loop forever.
  bool contained = false;

  static PyRef none() { return std::make_shared<PyValue>(); }
  static PyRef make(Kind k) {
    auto v = std::make_shared<PyValue>();
    v->kind = k;
    return v;
  }
  static PyRef str(std::string s) {
    auto v = make(Kind::kStr);
    v->s = std::move(s);
    return v;
  }
  static PyRef integer(int64_t i) {
    auto v = make(Kind::kInt);
    v->i = i;
    return v;
  }
  bool is(Kind k) const { return kind == k; }
  // Short description for error messages ("str 'x'", "tuple of 3", ...).
  std::string describe() const;
};

struct PickleHooks {
  // Called for REDUCE and NEWOBJ on a global: returns the constructed value, or null to let the
  // reader make an opaque object.
  std::function<PyRef(const std::string& global, const std::vector<PyRef>& args)> construct;
  // Called for BINPERSID / PERSID with the persistent id.
  std::function<PyRef(const PyRef& pid)> persistent_load;
};

// Parses `data` (a whole pickle stream). `where` names the source in errors. Throws
// core::RuntimeError on malformed or truncated input, naming `where` and the byte offset of the
// opcode being read.
PyRef read_pickle(const std::string& data, const PickleHooks& hooks, const std::string& where);

}  // namespace facerep::runtime
