#pragma once
// The encoders a few-shot sweep compares, chosen by `type:` in its `encoders:` list:
//   checkpoint  a trained run's checkpoint (its model and, from the config inside it, its
//               preprocessing; EMA weights when it has them)
//   recipe      a training recipe's model as built, weights untrained (the random-init baseline
//               of the same architecture, seeded by run.seed)
//   model       a model given inline, e.g. {type: pixels} (the raw-pixel baseline)
//   trained     a recipe trained first (with `set:` overrides, e.g. train.steps=300), once: the
//               run lives in <run.root>/fewshot_encoders/<name>-<config hash> and is reused by
//               every later sweep under the same root
// Every one may add `pca: K`: features projected on their top K principal components, fitted on
// the training pool only ("eigenfaces" on pixels; verification's identity-disjoint pool gets its
// own fit; feature maps for parsing are not projected).
#include <memory>
#include <string>

#include "core/config_visit.h"
#include "core/registry.h"
#include "data/inference.h"
#include "models/backbone.h"

namespace facerep::trainers {

struct LoadedEncoder {
  std::shared_ptr<models::Backbone> model;
  data::InferencePreprocessing preprocessing;
  std::string fingerprint;  // changes whenever the weights or the preprocessing could (cache key)
};

class FewshotEncoder {
 public:
  virtual ~FewshotEncoder() = default;
  virtual const std::string& name() const = 0;
  virtual int pca() const = 0;
  // Paths resolve against `base_dir` (the sweep config's folder); `work_dir` holds what an
  // encoder makes (the sweep's run.root).
  virtual LoadedEncoder load(const std::string& base_dir, const std::string& work_dir) const = 0;
};

using EncoderRegistry = core::Registry<FewshotEncoder>;
EncoderRegistry& encoder_registry();
void register_fewshot_encoders();

}  // namespace facerep::trainers
