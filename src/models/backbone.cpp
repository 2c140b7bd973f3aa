#include "models/backbone.h"

namespace facerep::models {

ModelRegistry& model_registry() {
  static ModelRegistry registry("model");
  return registry;
}

runtime::LoadReport load_pretrained(Backbone& model, const runtime::PretrainedOptions& o) {
  return runtime::load_pretrained(model, o, [&model](runtime::StateDict& w) { return model.adapt_pretrained(w); });
}

}  // namespace facerep::models
