#pragma once
// Keep in step with project(VERSION ...) in CMakeLists.txt (a test checks they agree).
namespace facerep::core {
inline constexpr const char* kVersion = "0.1.0";
}  // namespace facerep::core
