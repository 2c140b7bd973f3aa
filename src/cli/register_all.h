#pragma once

namespace facerep::cli {
// Registers the components of every layer (once).
void register_all_components();
}  // namespace facerep::cli
