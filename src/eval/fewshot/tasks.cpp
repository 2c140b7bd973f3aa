#include "eval/fewshot/tasks.h"

#include <map>

#include <torch/torch.h>

#include "core/error.h"

namespace facerep::eval::fewshot {
namespace {

at::Tensor select_rows(const at::Tensor& t, const std::vector<int64_t>& idx) {
  return t.index_select(0, torch::tensor(idx, torch::kLong));
}

bool has_identities(const FeatureSet& set) {
  return set.identity.defined() && (set.identity >= 0).any().item<bool>();
}

}  // namespace

const std::vector<std::string>& task_names() {
  static const std::vector<std::string> names{"identity", "attributes", "aus",         "landmarks",
                                              "values",   "parsing",    "verification"};
  return names;
}

std::string missing_labels(const std::string& task, const FeatureSet& set) {
  if (task == "identity" || task == "verification")
    return has_identities(set) ? "" : "the data has no identity labels";
  if (task == "attributes") return set.attributes.defined() ? "" : "the data has no attribute labels";
  if (task == "aus") return set.aus.defined() ? "" : "the data has no action-unit labels";
  if (task == "landmarks") return set.landmarks.defined() ? "" : "the data has no landmarks";
  if (task == "values") return set.values.defined() ? "" : "the data has no scalar labels (list value_<name> columns)";
  if (task == "parsing")
    return set.regions.defined() ? ""
                                 : "the data has no region maps (a source that draws them, e.g. synthetic, or a "
                                   "list's region_map column)";
  return "unknown task '" + task + "' (identity, attributes, aus, landmarks, values, parsing, verification)";
}

std::string unsupported_combination(const std::string& task, const std::string& protocol) {
  if (protocol == "centroid" && task != "identity" && task != "verification")
    return "centroid needs classes (identity) or embeddings to compare (verification), not task " + task;
  if (protocol == "knn" && task == "verification")
    return "knn predicts training identities, which verification's test identities never are";
  if (protocol == "knn" && task == "parsing")
    return "knn on parsing would compare every test location with every training location";
  if (protocol == "finetune" && task == "parsing")
    return "finetune trains pooled-embedding heads; a dense head is fitted on frozen feature maps (linear)";
  return "";
}

bool identity_disjoint(const std::string& task) { return task == "verification"; }

std::vector<int64_t> labelled_rows(const std::string& task, const FeatureSet& set, const std::vector<int64_t>& from) {
  at::Tensor ok;
  if (task == "identity" || task == "verification") ok = set.identity >= 0;
  else if (task == "attributes") ok = set.attributes_mask;
  else if (task == "aus") ok = set.aus_mask;
  else if (task == "values") ok = set.values_mask;
  else if (task == "parsing") ok = set.regions_mask;
  else ok = set.landmarks_mask;
  const at::Tensor mask = ok.to(torch::kBool).contiguous();
  const bool* m = mask.data_ptr<bool>();
  std::vector<int64_t> out;
  for (int64_t i : from)
    if (m[i]) out.push_back(i);
  return out;
}

at::Tensor task_targets(const std::string& task, const FeatureSet& set, const std::vector<int64_t>& idx) {
  if (task == "identity") return select_rows(set.identity, idx);
  if (task == "attributes") return (select_rows(set.attributes, idx) >= 0.5).to(torch::kFloat);
  if (task == "aus") return (select_rows(set.aus, idx) >= 0.5).to(torch::kFloat);
  if (task == "values") return select_rows(set.values, idx).to(torch::kFloat);
  if (task == "parsing") return select_rows(set.regions, idx).to(torch::kLong);
  if (task == "verification") {
    const std::vector<int64_t> ids = set.identity_labels();
    std::map<int64_t, int64_t> rank;
    for (int64_t i : idx) rank.emplace(ids[i], 0);
    int64_t next = 0;
    for (auto& entry : rank) entry.second = next++;
    std::vector<int64_t> out;
    for (int64_t i : idx) out.push_back(rank.at(ids[i]));
    return torch::tensor(out, torch::kLong);
  }
  const at::Tensor marks = select_rows(set.landmarks, idx);
  return marks.reshape({marks.size(0), -1});  // [N, 2P]: x0, y0, x1, y1, ...
}

ProbeTask probe_task(const std::string& task) {
  if (task == "identity" || task == "parsing" || task == "verification") return ProbeTask::kClassification;
  if (task == "landmarks" || task == "values") return ProbeTask::kRegression;
  return ProbeTask::kMultiLabel;
}

}  // namespace facerep::eval::fewshot
