#pragma once

namespace facerep::runtime {
// Registers this layer's components (by `type:` name) in their registries. Idempotent.
void register_components();
}  // namespace facerep::runtime
