#include "models/backbone.h"

#include "core/error.h"

namespace facerep::models {

ModelRegistry& model_registry() {
  static ModelRegistry registry("model");
  return registry;
}

at::Tensor Backbone::feature_map(const at::Tensor&) {
  throw core::RuntimeError(name() + ": this model offers no spatial feature map (has_feature_map() is false)");
}

runtime::LoadReport load_pretrained(Backbone& model, const runtime::PretrainedOptions& o) {
  return runtime::load_pretrained(model, o, [&model](runtime::StateDict& w) { return model.adapt_pretrained(w); });
}

}  // namespace facerep::models

#include "core/error.h"
#include "models/masked_encoder.h"

namespace facerep::models {
MaskedEncoder& require_masked_encoder(Backbone& model, const std::string& who) {
  MaskedEncoder* encoder = model.masked_encoder();
  if (!encoder)
    throw core::ConfigError("model.type: " + who +
                            " needs a model that encodes visible patches (a masked encoder, e.g. model: {type: vit}); "
                            "this model does not");
  return *encoder;
}
}  // namespace facerep::models
