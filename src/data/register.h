#pragma once

namespace facerep::data {
// Registers every data component (sources, transforms, samplers). Idempotent.
void register_components();
// The parts, each defined next to what it registers.
void register_sources();     // source_registration.cpp
void register_transforms();  // transform_registration.cpp
void register_samplers();    // sampler_registration.cpp
}  // namespace facerep::data
