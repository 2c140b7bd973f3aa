#pragma once
// Reading and writing tensors and checkpoints in the format of Python's torch.save / torch.load,
// so weights move both ways between facerep and PyTorch code.
//
// Writing goes through torch::pickle_save. Reading takes the archive's records from LibTorch's
// reader (runtime/zip_reader.h) but unpickles them with our own reader, because LibTorch's
// torch::pickle_load rejects what Python checkpoints usually hold:
// collections.OrderedDict (what state_dict() returns), argparse.Namespace (MAE's "args"),
// nn.Parameter. Python classes we do not know load as opaque dicts (see load_ivalue) instead of
// failing, so the tensors beside them are still usable.
#include <string>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>
#include <ATen/core/ivalue.h>

namespace facerep::runtime {

// Name -> tensor, in file order.
using StateDict = std::vector<std::pair<std::string, at::Tensor>>;

// Writes `value` (a tree of GenericDict with string keys, strings, ints, doubles, bools, lists,
// tensors) readable by Python's torch.load. Atomic: written to `path.tmp.<pid>`, fsynced, then
// renamed over `path`. Throws core::RuntimeError naming the path on failure.
void save_ivalue(const c10::IValue& value, const std::string& path);
// A plain dict name -> tensor (tensors are detached, moved to the CPU and made contiguous).
void save_state_dict(const StateDict& weights, const std::string& path);

// Loads any torch.save / torch::pickle_save file. Dicts with string keys become GenericDict
// (str -> Any); dicts with int keys (optimizer state) GenericDict (int -> Any); tuples Tuple;
// lists GenericList; a Python object of an unknown class a GenericDict
// {"__class__": "module.Name", "__args__": [...], "__state__": <its attributes>} whose class name
// is appended to `opaque_classes` when given. Throws core::RuntimeError naming the file and what
// is wrong (missing, not a zip, truncated, CRC mismatch, bad pickle, storage size mismatch).
c10::IValue load_ivalue(const std::string& path, std::vector<std::string>* opaque_classes = nullptr);

// Loads the tensor dict of a checkpoint: the top level when it maps names to tensors, else the
// entry named `key_hint`, else the first of "model", "state_dict", "module" that is one. A
// "module." prefix on every key (DistributedDataParallel) is removed. Throws core::RuntimeError
// listing the top-level keys when no tensor dict is found.
StateDict load_state_dict(const std::string& path, const std::string& key_hint = "");

// The entry `name` of `weights`, or an undefined tensor.
at::Tensor find_tensor(const StateDict& weights, const std::string& name);

}  // namespace facerep::runtime
