#include "eval/fewshot/features.h"

#include <filesystem>

#include <torch/torch.h>

#include "core/error.h"
#include "core/logging.h"
#include "eval/embed.h"
#include "runtime/state_dict_io.h"

namespace facerep::eval::fewshot {
namespace {

// The label tensors of a FeatureSet by their file names, so saving and loading list them once.
std::vector<std::pair<std::string, at::Tensor*>> label_fields(FeatureSet& s) {
  return {{"features", &s.features},   {"identity", &s.identity}, {"attributes", &s.attributes},
          {"attributes_mask", &s.attributes_mask}, {"aus", &s.aus},         {"aus_mask", &s.aus_mask},
          {"values", &s.values},       {"values_mask", &s.values_mask},
          {"landmarks", &s.landmarks}, {"landmarks_mask", &s.landmarks_mask},
          {"dense", &s.dense},         {"regions", &s.regions},   {"regions_mask", &s.regions_mask}};
}

// Concatenates per-batch chunks; undefined when no batch had the label. Batches without it get
// zeros and a false mask, so rows stay aligned with the features.
at::Tensor cat_or_undefined(std::vector<at::Tensor>& chunks, const std::vector<int64_t>& sizes,
                            std::vector<at::Tensor>* masks) {
  const at::Tensor* any = nullptr;
  for (const auto& c : chunks)
    if (c.defined()) any = &c;
  if (!any) return at::Tensor();
  for (size_t i = 0; i < chunks.size(); ++i) {
    if (chunks[i].defined()) continue;
    std::vector<int64_t> shape = any->sizes().vec();
    shape[0] = sizes[i];
    chunks[i] = torch::zeros(shape, any->options());
    if (masks) (*masks)[i] = torch::zeros({sizes[i]}, torch::kBool);
  }
  return torch::cat(chunks, 0);
}

// float16 halves the memory of feature maps (on the synthetic sweep no parsing cell moved by more
// than 0.0007 mIoU against float32); a batch with values beyond its range stays float32.
at::Tensor compact_map(const at::Tensor& map) {
  const at::Tensor x = map.to(torch::kCPU, torch::kFloat);
  constexpr double kHalfMax = 65504.0;
  return x.numel() > 0 && x.abs().max().item<double>() > kHalfMax ? x : x.to(torch::kHalf);
}

// Region maps [B,H,W] uint8 at side x side, nearest neighbour.
at::Tensor resize_regions(const at::Tensor& maps, int64_t side) {
  if (maps.size(1) == side && maps.size(2) == side) return maps.cpu();
  namespace F = torch::nn::functional;
  const at::Tensor x = maps.cpu().unsqueeze(1).to(torch::kFloat);
  const auto o = F::InterpolateFuncOptions().size(std::vector<int64_t>{side, side}).mode(torch::kNearest);
  return F::interpolate(x, o).squeeze(1).round().to(torch::kUInt8);
}

// One dtype for all batches: float32 if any batch had to stay float32.
at::Tensor cat_maps(const std::vector<at::Tensor>& maps) {
  bool wide = false;
  for (const auto& m : maps) wide = wide || m.scalar_type() == torch::kFloat;
  std::vector<at::Tensor> same;
  for (const auto& m : maps) same.push_back(wide ? m.to(torch::kFloat) : m);
  return torch::cat(same, 0);
}

}  // namespace

std::vector<int64_t> FeatureSet::identity_labels() const {
  if (!identity.defined()) return std::vector<int64_t>(static_cast<size_t>(size()), -1);
  const at::Tensor ids = identity.to(torch::kLong).contiguous();
  return std::vector<int64_t>(ids.data_ptr<int64_t>(), ids.data_ptr<int64_t>() + ids.numel());
}

FeatureSet extract_features(models::Backbone& model, const data::Dataset& dataset, int64_t batch_size,
                            c10::Device device, const ExtractOptions& options) {
  torch::NoGradGuard no_grad;
  EvalModeGuard eval_mode(model);
  std::vector<at::Tensor> feats, ids, attrs, attr_masks, aus, au_masks, values, value_masks, marks, mark_masks;
  std::vector<at::Tensor> dense, regions, region_masks;
  std::vector<int64_t> sizes;
  FeatureSet out;
  const bool parsing = options.parsing_size > 0;
  const bool maps = parsing && model.has_feature_map();
  for_each_batch(dataset, batch_size, [&](const data::Batch& b) {
    const at::Tensor images = b.images.to(device);
    feats.push_back(model.forward(images).to(torch::kFloat).cpu());
    if (maps) dense.push_back(compact_map(model.feature_map(images)));
    if (parsing) {
      regions.push_back(b.region_map.defined() ? resize_regions(b.region_map, options.parsing_size) : at::Tensor());
      region_masks.push_back(b.region_mask);
    }
    sizes.push_back(b.size());
    ids.push_back(b.identity.defined() ? b.identity.to(torch::kLong).cpu() : torch::full({b.size()}, -1, torch::kLong));
    attrs.push_back(b.attributes), attr_masks.push_back(b.attributes_mask);
    aus.push_back(b.aus), au_masks.push_back(b.aus_mask);
    values.push_back(b.values), value_masks.push_back(b.values_mask);
    // Landmarks in units of the input side: comparable across input sizes, and NME-ready.
    marks.push_back(b.landmarks.defined() ? b.landmarks / static_cast<double>(b.images.size(3)) : at::Tensor());
    mark_masks.push_back(b.landmarks_mask);
    for (const auto& p : b.paths) out.paths.push_back(p);
  });
  out.features = feats.empty() ? torch::zeros({0, model.embedding_dim()}) : torch::cat(feats, 0);
  out.identity = ids.empty() ? torch::zeros({0}, torch::kLong) : torch::cat(ids, 0);
  out.attributes = cat_or_undefined(attrs, sizes, &attr_masks);
  if (out.attributes.defined()) out.attributes_mask = torch::cat(attr_masks, 0);
  out.aus = cat_or_undefined(aus, sizes, &au_masks);
  if (out.aus.defined()) out.aus_mask = torch::cat(au_masks, 0);
  out.values = cat_or_undefined(values, sizes, &value_masks);
  if (out.values.defined()) out.values_mask = torch::cat(value_masks, 0);
  out.landmarks = cat_or_undefined(marks, sizes, &mark_masks);
  if (out.landmarks.defined()) out.landmarks_mask = torch::cat(mark_masks, 0);
  if (!dense.empty()) out.dense = cat_maps(dense);
  out.regions = cat_or_undefined(regions, sizes, &region_masks);
  if (out.regions.defined()) out.regions_mask = torch::cat(region_masks, 0);
  return out;
}

void save_feature_set(const FeatureSet& set, const std::string& path) {
  c10::impl::GenericDict dict(c10::StringType::get(), c10::AnyType::get());
  FeatureSet copy = set;
  for (const auto& [name, tensor] : label_fields(copy))
    if (tensor->defined()) dict.insert(name, tensor->contiguous());
  c10::impl::GenericList paths(c10::StringType::get());
  for (const auto& p : set.paths) paths.push_back(p);
  dict.insert("paths", paths);
  runtime::save_ivalue(dict, path);  // atomic: temporary file, then rename
}

FeatureSet load_feature_set(const std::string& path) {
  const c10::IValue value = runtime::load_ivalue(path);
  if (!value.isGenericDict()) throw core::RuntimeError(path + ": not a facerep feature file");
  const auto dict = value.toGenericDict();
  FeatureSet set;
  for (const auto& [name, tensor] : label_fields(set))
    if (dict.contains(name)) *tensor = dict.at(name).toTensor();
  if (!set.features.defined() || !dict.contains("paths"))
    throw core::RuntimeError(path + ": not a facerep feature file (no features or paths)");
  const c10::List<c10::IValue> paths = dict.at("paths").toList();
  for (size_t i = 0; i < paths.size(); ++i) set.paths.push_back(paths.get(i).toStringRef());
  if (static_cast<int64_t>(set.paths.size()) != set.size())
    throw core::RuntimeError(path + ": " + std::to_string(set.paths.size()) + " paths for " +
                             std::to_string(set.size()) + " feature rows");
  return set;
}

FeatureSet cached_features(const std::string& cache_dir, const std::string& key, models::Backbone& model,
                           const data::Dataset& dataset, int64_t batch_size, c10::Device device,
                           const ExtractOptions& options) {
  const std::string path = (std::filesystem::path(cache_dir) / (key + ".features")).string();
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return load_feature_set(path);
  FeatureSet set = extract_features(model, dataset, batch_size, device, options);
  std::filesystem::create_directories(cache_dir, ec);
  save_feature_set(set, path);
  core::log_info("features of " + std::to_string(set.size()) + " images cached in " + path);
  return set;
}

}  // namespace facerep::eval::fewshot
