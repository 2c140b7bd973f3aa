#include "data/formats/verification_bin.h"

#include <fstream>
#include <sstream>

#include "core/error.h"
#include "runtime/pickle_reader.h"

namespace facerep::data {

namespace {
using runtime::PyRef;
using runtime::PyValue;

// Tuples and lists both count as sequences: pickle.dump of a list of pairs or a tuple of lists
// appears in the wild.
bool is_sequence(const PyValue& v) { return v.is(PyValue::Kind::kTuple) || v.is(PyValue::Kind::kList); }

// UTF-8 text whose code points are all below 256, back to those bytes.
bool latin1_bytes(const std::string& utf8, std::string* out) {
  out->clear();
  for (size_t k = 0; k < utf8.size(); ++k) {
    const auto c = static_cast<unsigned char>(utf8[k]);
    if (c < 0x80) {
      out->push_back(static_cast<char>(c));
    } else if ((c == 0xC2 || c == 0xC3) && k + 1 < utf8.size()) {
      out->push_back(static_cast<char>(((c & 0x03) << 6) | (static_cast<unsigned char>(utf8[++k]) & 0x3F)));
    } else {
      return false;
    }
  }
  return true;
}

// Python 3 writes `bytes` at protocol 2 as _codecs.encode(<latin-1 decoded text>, 'latin1')
// (and b'' as __builtin__.bytes()): turn those calls back into bytes.
PyRef construct_bytes(const std::string& global, const std::vector<PyRef>& args) {
  PyRef out = PyValue::make(PyValue::Kind::kBytes);
  if (global == "__builtin__.bytes" && args.empty()) return out;
  if (global == "_codecs.encode" && args.size() == 2 && args[0]->is(PyValue::Kind::kStr) &&
      args[1]->is(PyValue::Kind::kStr) && (args[1]->s == "latin1" || args[1]->s == "latin-1") &&
      latin1_bytes(args[0]->s, &out->s))
    return out;
  return nullptr;
}

bool read_flag(const PyValue& v, bool* out) {
  if (v.is(PyValue::Kind::kBool)) {
    *out = v.b;
    return true;
  }
  if (v.is(PyValue::Kind::kInt) && (v.i == 0 || v.i == 1)) {
    *out = v.i == 1;
    return true;
  }
  return false;
}
}  // namespace

VerificationBin read_verification_bin(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw core::RuntimeError(path + ": cannot read verification .bin");
  std::ostringstream buf;
  buf << in.rdbuf();
  const std::string data = buf.str();
  if (data.empty()) throw core::RuntimeError(path + ": empty verification .bin");

  // Other classes (e.g. a numpy array) become opaque objects that the layout checks below reject
  // by name.
  runtime::PickleHooks hooks;
  hooks.construct = construct_bytes;
  const PyRef root = runtime::read_pickle(data, hooks, path);
  const std::string layout = " (expected the pickle of (list of encoded images, list of bools))";
  if (!is_sequence(*root) || root->items.size() != 2)
    throw core::RuntimeError(path + ": top-level value is " + root->describe() + layout);
  const PyValue& images = *root->items[0];
  const PyValue& flags = *root->items[1];
  if (!is_sequence(images)) throw core::RuntimeError(path + ": images are " + images.describe() + layout);
  if (!is_sequence(flags)) throw core::RuntimeError(path + ": issame is " + flags.describe() + layout);
  if (flags.items.empty()) throw core::RuntimeError(path + ": no pairs");
  if (images.items.size() != 2 * flags.items.size())
    throw core::RuntimeError(path + ": " + std::to_string(images.items.size()) + " images for " +
                             std::to_string(flags.items.size()) + " pairs (expected two images per pair)");

  VerificationBin bin;
  bin.images.reserve(images.items.size());
  for (size_t i = 0; i < images.items.size(); ++i) {
    const PyValue& v = *images.items[i];
    if (!v.is(PyValue::Kind::kBytes) && !v.is(PyValue::Kind::kStr))
      throw core::RuntimeError(path + ": image " + std::to_string(i) + " is " + v.describe() + ", not encoded bytes");
    bin.images.push_back(v.s);
  }
  bin.same.reserve(flags.items.size());
  for (size_t i = 0; i < flags.items.size(); ++i) {
    bool same = false;
    if (!read_flag(*flags.items[i], &same))
      throw core::RuntimeError(path + ": issame[" + std::to_string(i) + "] is " + flags.items[i]->describe() +
                               ", not a bool");
    bin.same.push_back(same);
  }
  return bin;
}

}  // namespace facerep::data
