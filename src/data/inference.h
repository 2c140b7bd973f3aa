#pragma once
// The one way images are prepared for a trained model outside its training loop: evaluators
// during training, `facerep eval`, `embed`, `viz` and few-shot runs all build their datasets
// here, from the training config, so a model is always fed as it was trained.
//
// From the training transforms it keeps the deterministic steps in order (align, resize,
// center_crop, grayscale with p = 1) and drops the random augmentations (Transform::augments()),
// then resizes to the model's input size and normalises as training did (the training
// `normalize`, else the default mean = std = 0.5).
#include <cstdint>
#include <memory>
#include <vector>

#include "core/config_visit.h"
#include "data/data_options.h"
#include "data/sources/source.h"

namespace facerep::data {

class Dataset;

struct InferencePreprocessing {
  int64_t image_size = 0;                       // the model's input side
  std::vector<core::ComponentSpec> steps;       // deterministic training steps + final resize
  std::vector<core::ComponentSpec> normalize;   // the training `normalize` (empty: default 0.5)
};

// From the training dataset options and the model's input size.
InferencePreprocessing inference_preprocessing(const DatasetOptions& train, int64_t image_size);

// The dataset of `data` (its source; its transforms when the user listed any) prepared as `pre`.
// Listed transforms replace the steps, and get the training normalisation unless they
// normalise themselves. One view, no augmentation.
std::shared_ptr<Dataset> build_inference_dataset(DatasetOptions data, const InferencePreprocessing& pre,
                                                 const SourceContext& ctx);

}  // namespace facerep::data
