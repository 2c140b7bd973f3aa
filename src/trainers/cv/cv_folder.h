#pragma once
// Where `facerep cv` works: <run folder>/cv/, in a run folder of <run.root>/<run.name>/ like a
// training run's (core/run_dir.h). A rerun continues the newest run folder that holds a cv/
// folder, so the same command finishes an interrupted cross-validation.
#include <string>

namespace facerep::trainers {

// <newest run folder of root/name with a cv/ folder>/cv, or "" when there is none.
std::string latest_cv_folder(const std::string& run_root, const std::string& run_name);

}  // namespace facerep::trainers
