#pragma once

namespace facerep::models {
// Registers this layer's components (by `type:` name) in their registries. Idempotent.
void register_components();
}  // namespace facerep::models
