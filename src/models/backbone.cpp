#include "models/backbone.h"

namespace facerep::models {
ModelRegistry& model_registry() {
  static ModelRegistry registry("model");
  return registry;
}
}  // namespace facerep::models
