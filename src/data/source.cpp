#include "data/source.h"

namespace facerep::data {
SourceRegistry& source_registry() {
  static SourceRegistry registry("source");
  return registry;
}
}  // namespace facerep::data
