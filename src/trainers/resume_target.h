#pragma once
// What `facerep train --resume X` continues from. X is a run folder (its newest checkpoint that
// loads), a checkpoint file, or `auto`: the newest run of the config's <run.root>/<run.name>
// with a valid checkpoint, or a fresh start when there is none, so a requeued cluster job runs
// the same command every time.
#include <string>

namespace facerep::trainers {

struct ResumeTarget {
  std::string checkpoint;  // "" = fresh start
  std::string run_dir;     // "" = start a new run folder
};

// The newest checkpoint in `checkpoints_dir` that loads and verifies: last.ckpt, else the step
// checkpoints from the newest down (a truncated last.ckpt must not block a resume when intact
// step files exist). "" when none does; each one skipped is logged with its reason.
std::string newest_valid_checkpoint(const std::string& checkpoints_dir);

// Throws ConfigError for a path that is neither a run folder with a valid checkpoint nor a file.
ResumeTarget resolve_resume(const std::string& what, const std::string& run_root, const std::string& run_name);

}  // namespace facerep::trainers
