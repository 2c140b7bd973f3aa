#include "runtime/pretrained.h"

#include <map>
#include <sstream>

#include <torch/torch.h>

#include "core/error.h"
#include "core/logging.h"

namespace facerep::runtime {
namespace {

std::string shape_text(const std::vector<int64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

std::string first_names(const std::vector<std::string>& names, size_t limit = 8) {
  std::string out;
  for (size_t i = 0; i < names.size() && i < limit; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > limit) out += ", ... (" + std::to_string(names.size() - limit) + " more)";
  return out;
}

}  // namespace

std::string LoadReport::summary() const {
  std::ostringstream os;
  os << "loaded " << loaded.size() << " tensors";
  if (!missing.empty()) os << "; missing " << missing.size() << ": " << first_names(missing);
  if (!unexpected.empty()) os << "; unexpected " << unexpected.size() << ": " << first_names(unexpected);
  if (!skipped.empty()) os << "; skipped " << skipped.size() << ": " << first_names(skipped);
  for (const auto& m : mismatched)
    os << "; skipped shape mismatch " << m.key << " " << shape_text(m.checkpoint_shape) << " vs "
       << shape_text(m.model_shape);
  return os.str();
}

bool is_skipped(const std::string& key, const std::vector<std::string>& skip) {
  for (const auto& s : skip) {
    if (s.empty()) continue;
    if (key == s) return true;
    if (s.back() == '.' && key.rfind(s, 0) == 0) return true;
    if (key.rfind(s + ".", 0) == 0) return true;  // "head" also skips "head.weight"
  }
  return false;
}

LoadReport load_into(torch::nn::Module& module, const StateDict& weights, const LoadOptions& opts) {
  LoadReport report;
  // Checkpoint entries renamed into the model's namespace.
  std::map<std::string, at::Tensor> source;
  std::vector<std::string> source_order;
  for (const auto& kv : weights) {
    std::string key = kv.first;
    if (!opts.strip_prefix.empty() && key.rfind(opts.strip_prefix, 0) == 0) key = key.substr(opts.strip_prefix.size());
    key = opts.add_prefix + key;
    if (source.count(key)) throw core::RuntimeError("checkpoint key '" + key + "' appears twice after renaming");
    source[key] = kv.second;
    source_order.push_back(key);
  }
  const StateDict target = module_state(module);
  std::map<std::string, bool> in_model;
  for (const auto& kv : target) in_model[kv.first] = true;

  torch::NoGradGuard no_grad;
  for (const auto& kv : target) {
    const std::string& key = kv.first;
    if (is_skipped(key, opts.skip)) {
      report.skipped.push_back(key);
      continue;
    }
    auto it = source.find(key);
    if (it == source.end()) {
      report.missing.push_back(key);
      continue;
    }
    at::Tensor dst = kv.second;
    const at::Tensor& src = it->second;
    if (src.sizes() != dst.sizes())
      throw core::RuntimeError("shape mismatch for '" + key + "': checkpoint has " + shape_text(src.sizes().vec()) +
                               ", model has " + shape_text(dst.sizes().vec()) +
                               " (skip it or check the model options)");
    dst.copy_(src);
    report.loaded.push_back(key);
  }
  for (const auto& key : source_order) {
    if (in_model.count(key)) continue;
    if (is_skipped(key, opts.skip)) report.skipped.push_back(key);
    else report.unexpected.push_back(key);
  }
  // A skipped key present on both sides with different shapes is the typical replaced head:
  // record it so the log says why it was left alone.
  for (const auto& kv : target) {
    auto it = source.find(kv.first);
    if (it != source.end() && is_skipped(kv.first, opts.skip) && it->second.sizes() != kv.second.sizes())
      report.mismatched.push_back({kv.first, it->second.sizes().vec(), kv.second.sizes().vec()});
  }
  if (opts.strict && (!report.missing.empty() || !report.unexpected.empty())) {
    std::string msg = "strict load failed:";
    if (!report.missing.empty()) msg += " missing keys: " + first_names(report.missing, 20) + ";";
    if (!report.unexpected.empty()) msg += " unexpected keys: " + first_names(report.unexpected, 20) + ";";
    throw core::RuntimeError(msg);
  }
  return report;
}

LoadReport load_pretrained(torch::nn::Module& module, const PretrainedOptions& o, const PretrainedAdapter& adapt) {
  if (o.path.empty()) return {};
  StateDict weights = load_state_dict(o.path, o.key);
  for (auto& kv : weights)
    if (!o.prefix.empty() && kv.first.rfind(o.prefix, 0) == 0) kv.first = kv.first.substr(o.prefix.size());

  std::string note;
  if (adapt) {
    // The adapter sees only what will load: a skipped entry keeps its checkpoint shape, so the
    // report still lists it as a skipped mismatch.
    StateDict loading;
    std::vector<size_t> index;
    for (size_t i = 0; i < weights.size(); ++i) {
      if (is_skipped(weights[i].first, o.skip)) continue;
      loading.push_back(weights[i]);
      index.push_back(i);
    }
    note = adapt(loading);
    if (loading.size() != index.size())
      throw core::RuntimeError(o.path + ": pretrained adaptation added or removed weights");
    for (size_t j = 0; j < index.size(); ++j) {
      if (loading[j].first != weights[index[j]].first)
        throw core::RuntimeError(o.path + ": pretrained adaptation renamed '" + weights[index[j]].first + "'");
      weights[index[j]].second = loading[j].second;
    }
  }
  LoadOptions lo;
  lo.strict = o.strict;
  lo.skip = o.skip;
  LoadReport report = load_into(module, weights, lo);
  core::log_info("pretrained " + o.path + ": " + report.summary() + (note.empty() ? "" : "; " + note));
  return report;
}

}  // namespace facerep::runtime
