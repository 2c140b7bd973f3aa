#pragma once
// The report of `facerep cv` in the cv folder, rebuilt from the fold records after every fold
// and by --report-only:
//   cv.json: every record (variant, seed, fold, tested checkpoint, test metrics), per variant and
//            metric the mean, sample standard deviation (n - 1) and n over folds (x seeds), and
//            the planned runs that have no record yet;
//   cv.md:   the variants side by side (one column each, mean ± std (n) per metric), then one
//            table per variant with a row per fold.
// Non-finite values are left out of the statistics (n counts the rest).
#include <string>
#include <vector>

#include "trainers/cv/cv_fold_result.h"
#include "trainers/cv/cv_plan.h"

namespace facerep::trainers {

struct MeanStd {
  double mean = 0.0;
  double std = 0.0;  // sample standard deviation; 0 when n < 2
  int n = 0;
};

MeanStd mean_std(const std::vector<double>& values);

// The records of the plan's jobs that have one (in plan order).
std::vector<CvFoldResult> read_cv_results(const CvPlan& plan);

// Writes <cv_dir>/cv.json and cv.md (atomically); returns cv.md's text.
std::string write_cv_report(const std::string& cv_dir, const CvPlan& plan, const std::vector<CvFoldResult>& results);

}  // namespace facerep::trainers
