#include "data/register.h"

namespace facerep::data {
void register_components() {
  static const bool done = [] {
    register_sources();
    register_transforms();
    register_samplers();
    return true;
  }();
  (void)done;
}
}  // namespace facerep::data
