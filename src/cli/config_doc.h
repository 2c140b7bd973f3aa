#pragma once
// docs/config.md, generated from the same visit() declarations that read configs, so the
// reference cannot drift from the code.
#include <string>
#include <vector>

#include "core/config_visit.h"

namespace facerep::cli {

// The Markdown reference of every key of ExperimentConfig, including each registered
// component type's options (register components first).
std::string config_reference_markdown();
// The Markdown for a given list of rows (exposed for tests).
std::string rows_to_markdown(const std::vector<core::DocRow>& rows);

}  // namespace facerep::cli
