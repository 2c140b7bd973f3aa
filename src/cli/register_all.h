#pragma once
// The one list of component registrations, layer by layer (explicit, never static
// self-registration, which the linker drops from static libraries). The binary and the test
// binary both call it once at start-up, so tests run with exactly the components users get.
namespace facerep::cli {
void register_all_components();
}  // namespace facerep::cli
