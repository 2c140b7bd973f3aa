#include "runtime/pickle_reader.h"

#include <cstring>
#include <unordered_map>

#include "core/error.h"

namespace facerep::runtime {

std::string PyValue::describe() const {
  switch (kind) {
    case Kind::kNone: return "None";
    case Kind::kBool: return b ? "True" : "False";
    case Kind::kInt: return "int " + std::to_string(i);
    case Kind::kFloat: return "float " + std::to_string(f);
    case Kind::kStr: return "str '" + s + "'";
    case Kind::kBytes: return "bytes of length " + std::to_string(s.size());
    case Kind::kTuple: return "tuple of " + std::to_string(items.size());
    case Kind::kList: return "list of " + std::to_string(items.size());
    case Kind::kDict: return "dict of " + std::to_string(dict.size());
    case Kind::kGlobal: return "class " + s;
    case Kind::kObject: return "object of class " + s;
    case Kind::kTensor: return "tensor";
  }
  return "?";
}

namespace {

class Reader {
 public:
  Reader(const std::string& data, const PickleHooks& hooks, const std::string& where)
      : data_(data), hooks_(hooks), where_(where) {}

  PyRef run() {
    while (true) {
      op_start_ = pos_;
      const unsigned char op = byte();
      if (op == '.') break;
      step(op);
    }
    if (stack_.size() != 1) fail("pickle ended with " + std::to_string(stack_.size()) + " values on the stack");
    return stack_.back();
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    // The offset of the opcode being read lets a damaged file be inspected with a hex dump.
    throw core::RuntimeError(where_ + ": corrupt pickle at offset " + std::to_string(op_start_) + ": " + what);
  }
  void need(size_t n) const {
    if (pos_ + n > data_.size()) fail("truncated (needs " + std::to_string(n) + " bytes at offset " + std::to_string(pos_) + ")");
  }
  unsigned char byte() {
    need(1);
    return static_cast<unsigned char>(data_[pos_++]);
  }
  uint64_t uint_le(size_t n) {
    need(n);
    uint64_t v = 0;
    for (size_t k = 0; k < n; ++k) v |= static_cast<uint64_t>(static_cast<unsigned char>(data_[pos_ + k])) << (8 * k);
    pos_ += n;
    return v;
  }
  std::string bytes(uint64_t n) {
    need(n);
    std::string s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::string line() {
    const size_t end = data_.find('\n', pos_);
    if (end == std::string::npos) fail("truncated text argument");
    std::string s = data_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return s;
  }
  PyRef pop() {
    if (stack_.size() <= (marks_.empty() ? 0 : marks_.back())) fail("stack underflow");
    PyRef v = stack_.back();
    stack_.pop_back();
    return v;
  }
  PyRef& top() {
    if (stack_.empty()) fail("stack underflow");
    return stack_.back();
  }
  std::vector<PyRef> pop_mark() {
    if (marks_.empty()) fail("missing MARK");
    const size_t m = marks_.back();
    marks_.pop_back();
    std::vector<PyRef> out(stack_.begin() + static_cast<std::ptrdiff_t>(m), stack_.end());
    stack_.resize(m);
    return out;
  }
  void push(PyRef v) { stack_.push_back(std::move(v)); }
  PyRef tuple(std::vector<PyRef> items) {
    PyRef t = PyValue::make(PyValue::Kind::kTuple);
    contain(items);
    t->items = std::move(items);
    return t;
  }
  static void contain(const std::vector<PyRef>& items) {
    for (const auto& v : items) v->contained = true;
  }
  // `target` is about to receive `items`: refused when that could close a reference cycle.
  void check_mutable(const PyValue& target, const std::vector<PyRef>& items, const char* op) const {
    if (target.contained)
      fail(std::string(op) + " on a value already stored in another (a reference cycle or an out-of-order pickle)");
    for (const auto& v : items)
      if (v.get() == &target) fail(std::string(op) + " of a value into itself (a reference cycle)");
  }
  void memo_put(uint64_t key) { memo_[key] = top(); }
  void memo_get(uint64_t key) {
    auto it = memo_.find(key);
    if (it == memo_.end()) fail("memo key " + std::to_string(key) + " not found");
    push(it->second);
  }
  void set_items(PyValue& d, const std::vector<PyRef>& kv) {
    if (kv.size() % 2) fail("odd number of items for SETITEMS");
    if (!d.is(PyValue::Kind::kDict)) fail("SETITEMS on " + d.describe());
    check_mutable(d, kv, "SETITEMS");
    contain(kv);
    for (size_t k = 0; k < kv.size(); k += 2) d.dict.emplace_back(kv[k], kv[k + 1]);
  }
  void append(PyValue& list, const std::vector<PyRef>& items) {
    if (!list.is(PyValue::Kind::kList)) fail("APPEND on " + list.describe());
    check_mutable(list, items, "APPEND");
    contain(items);
    list.items.insert(list.items.end(), items.begin(), items.end());
  }
  PyRef construct(const PyRef& callable, const PyRef& args) {
    std::vector<PyRef> a;
    if (args->is(PyValue::Kind::kTuple)) a = args->items;
    else a.push_back(args);
    contain(a);
    if (callable->is(PyValue::Kind::kGlobal) && hooks_.construct) {
      if (PyRef made = hooks_.construct(callable->s, a)) return made;
    }
    PyRef obj = PyValue::make(PyValue::Kind::kObject);
    obj->s = callable->is(PyValue::Kind::kGlobal) ? callable->s : "<" + callable->describe() + ">";
    obj->items = std::move(a);
    return obj;
  }
  PyRef persistent(const PyRef& pid) {
    if (!hooks_.persistent_load) fail("persistent id without a loader");
    return hooks_.persistent_load(pid);
  }
  int64_t signed_le(const std::string& b) {
    if (b.empty()) return 0;
    if (b.size() > 8) fail("integer wider than 64 bits");
    uint64_t v = 0;
    for (size_t k = 0; k < b.size(); ++k) v |= static_cast<uint64_t>(static_cast<unsigned char>(b[k])) << (8 * k);
    if (b.size() < 8 && (static_cast<unsigned char>(b.back()) & 0x80)) v |= ~uint64_t{0} << (8 * b.size());
    return static_cast<int64_t>(v);
  }

  void step(unsigned char op) {
    using K = PyValue::Kind;
    switch (op) {
      case 0x80: byte(); break;                       // PROTO
      case 0x95: uint_le(8); break;                   // FRAME
      case '(': marks_.push_back(stack_.size()); break;
      case '0': pop(); break;
      case '1': pop_mark(); break;
      case '2': push(top()); break;
      case 'N': push(PyValue::none()); break;
      case 0x88: case 0x89: {
        PyRef v = PyValue::make(K::kBool);
        v->b = op == 0x88;
        push(v);
        break;
      }
      case 'J': push(PyValue::integer(static_cast<int32_t>(uint_le(4)))); break;
      case 'K': push(PyValue::integer(static_cast<int64_t>(uint_le(1)))); break;
      case 'M': push(PyValue::integer(static_cast<int64_t>(uint_le(2)))); break;
      case 0x8a: push(PyValue::integer(signed_le(bytes(uint_le(1))))); break;
      case 0x8b: push(PyValue::integer(signed_le(bytes(uint_le(4))))); break;
      case 'I': case 'L': {
        std::string s = line();
        if (!s.empty() && s.back() == 'L') s.pop_back();
        if (op == 'I' && (s == "00" || s == "01")) {
          PyRef v = PyValue::make(K::kBool);
          v->b = s == "01";
          push(v);
        } else {
          try {
            push(PyValue::integer(std::stoll(s)));
          } catch (...) {
            fail("bad integer '" + s + "'");
          }
        }
        break;
      }
      case 'G': {
        const uint64_t be = uint_le(8);
        uint64_t v = 0;
        for (int k = 0; k < 8; ++k) v |= ((be >> (8 * k)) & 0xFF) << (8 * (7 - k));
        PyRef f = PyValue::make(K::kFloat);
        std::memcpy(&f->f, &v, 8);
        push(f);
        break;
      }
      case 'F': {
        PyRef f = PyValue::make(K::kFloat);
        f->f = std::stod(line());
        push(f);
        break;
      }
      case 'X': case 'T': push(PyValue::str(bytes(uint_le(4)))); break;
      case 0x8c: case 'U': push(PyValue::str(bytes(uint_le(1)))); break;
      case 0x8d: push(PyValue::str(bytes(uint_le(8)))); break;
      case 'B': case 'C': case 0x8e: {
        PyRef v = PyValue::make(K::kBytes);
        v->s = bytes(uint_le(op == 'B' ? 4 : op == 'C' ? 1 : 8));
        push(v);
        break;
      }
      case ')': push(tuple({})); break;
      case 't': push(tuple(pop_mark())); break;
      case 0x85: { PyRef a = pop(); push(tuple({a})); break; }
      case 0x86: { PyRef b = pop(), a = pop(); push(tuple({a, b})); break; }
      case 0x87: { PyRef c = pop(), b = pop(), a = pop(); push(tuple({a, b, c})); break; }
      case ']': case 0x8f: push(PyValue::make(K::kList)); break;  // sets read as lists
      case 'l': case 0x91: {
        PyRef l = PyValue::make(K::kList);
        l->items = pop_mark();
        contain(l->items);
        push(l);
        break;
      }
      case 'a': { PyRef v = pop(); append(*top(), {v}); break; }
      case 'e': case 0x90: { auto items = pop_mark(); append(*top(), items); break; }
      case '}': push(PyValue::make(K::kDict)); break;
      case 'd': {
        PyRef d = PyValue::make(K::kDict);
        set_items(*d, pop_mark());
        push(d);
        break;
      }
      case 's': { PyRef v = pop(), k = pop(); set_items(*top(), {k, v}); break; }
      case 'u': { auto kv = pop_mark(); set_items(*top(), kv); break; }
      case 'c': {
        std::string module = line();
        std::string name = line();
        PyRef g = PyValue::make(K::kGlobal);
        g->s = module + "." + name;
        push(g);
        break;
      }
      case 0x93: {
        PyRef name = pop(), module = pop();
        PyRef g = PyValue::make(K::kGlobal);
        g->s = module->s + "." + name->s;
        push(g);
        break;
      }
      case 'R': case 0x81: { PyRef args = pop(), callable = pop(); push(construct(callable, args)); break; }
      case 0x92: { pop(); PyRef args = pop(), cls = pop(); push(construct(cls, args)); break; }
      case 'b': {
        PyRef state = pop();
        PyValue& obj = *top();
        check_mutable(obj, {state}, "BUILD");
        state->contained = true;
        // OrderedDict's state is its instance __dict__ (state_dict()'s _metadata): keep it aside.
        obj.state = state;
        break;
      }
      case 'p': memo_put(std::stoull(line())); break;
      case 'q': memo_put(uint_le(1)); break;
      case 'r': memo_put(uint_le(4)); break;
      case 0x94: memo_put(memo_.size()); break;
      case 'g': memo_get(std::stoull(line())); break;
      case 'h': memo_get(uint_le(1)); break;
      case 'j': memo_get(uint_le(4)); break;
      case 'Q': { PyRef pid = pop(); push(persistent(pid)); break; }
      case 'P': push(persistent(PyValue::str(line()))); break;
      default: {
        char buf[8];
        std::snprintf(buf, sizeof buf, "0x%02x", op);
        fail(std::string("unsupported opcode ") + buf);
      }
    }
  }

  const std::string& data_;
  const PickleHooks& hooks_;
  std::string where_;
  size_t pos_ = 0;
  size_t op_start_ = 0;
  std::vector<PyRef> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, PyRef> memo_;
};

}  // namespace

PyRef read_pickle(const std::string& data, const PickleHooks& hooks, const std::string& where) {
  try {
    return Reader(data, hooks, where).run();
  } catch (const core::RuntimeError&) {
    throw;
  } catch (const std::exception& e) {
    // Text arguments that fail to parse (std::stoll...) are corruption too.
    throw core::RuntimeError(where + ": corrupt pickle: " + e.what());
  }
}

}  // namespace facerep::runtime
