#pragma once
// The final record of one (variant, seed, fold) of `facerep cv`: its test metrics on the chosen
// checkpoint, in <fold dir>/cv_result.json. Its presence marks the fold done (a rerun skips it).
#include <map>
#include <optional>
#include <string>

namespace facerep::trainers {

struct CvFoldResult {
  std::string variant;
  int seed = 0;
  int fold = 0;
  std::string checkpoint;                 // "best.ckpt" or "last.ckpt": what was tested
  std::map<std::string, double> metrics;  // "<evaluation name>/<metric>" of the test evaluations
};

inline constexpr const char* kCvResultFile = "cv_result.json";

// Writes <dir>/cv_result.json atomically.
void write_cv_fold_result(const std::string& dir, const CvFoldResult& result);
// The record in <dir>, or nullopt when there is none; throws core::RuntimeError naming the file
// when it exists but cannot be read.
std::optional<CvFoldResult> read_cv_fold_result(const std::string& dir);

}  // namespace facerep::trainers
