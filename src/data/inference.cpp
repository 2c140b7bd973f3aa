#include "data/inference.h"

#include "data/dataset.h"
#include "data/transforms/transform.h"

namespace facerep::data {

InferencePreprocessing inference_preprocessing(const DatasetOptions& train, int64_t image_size) {
  InferencePreprocessing pre;
  pre.image_size = image_size;
  for (const auto& spec : train.transforms) {
    const auto transform = transform_registry().build(spec);
    if (transform->normalizes()) pre.normalize.push_back(spec);
    else if (!transform->augments()) pre.steps.push_back(spec);
  }
  pre.steps.push_back(core::component_from_yaml(
      "transform", "{type: resize, size: " + std::to_string(image_size) + "}", "<inference resize>"));
  return pre;
}

std::shared_ptr<Dataset> build_inference_dataset(DatasetOptions data, const InferencePreprocessing& pre,
                                                 const SourceContext& ctx) {
  if (data.transforms.empty()) {
    data.transforms = pre.steps;
    data.transforms.insert(data.transforms.end(), pre.normalize.begin(), pre.normalize.end());
  } else {
    bool normalizes = false;
    for (const auto& spec : data.transforms) normalizes = normalizes || transform_registry().build(spec)->normalizes();
    if (!normalizes) data.transforms.insert(data.transforms.end(), pre.normalize.begin(), pre.normalize.end());
  }
  data.views = 1;
  return Dataset::build(data, ctx);
}

}  // namespace facerep::data
