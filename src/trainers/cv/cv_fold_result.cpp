#include "trainers/cv/cv_fold_result.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "core/atomic_write.h"
#include "core/error.h"
#include "core/text_escape.h"

namespace facerep::trainers {
namespace fs = std::filesystem;

void write_cv_fold_result(const std::string& dir, const CvFoldResult& r) {
  std::ostringstream out;
  out << "{\n  \"variant\": " << core::json_quote(r.variant) << ",\n  \"seed\": " << r.seed
      << ",\n  \"fold\": " << r.fold << ",\n  \"checkpoint\": " << core::json_quote(r.checkpoint)
      << ",\n  \"metrics\": {";
  bool first = true;
  for (const auto& [k, v] : r.metrics) {
    out << (first ? "\n" : ",\n") << "    " << core::json_quote(k) << ": " << core::json_number(v);
    first = false;
  }
  out << "\n  }\n}\n";
  core::write_file_atomic((fs::path(dir) / kCvResultFile).string(), out.str());
}

std::optional<CvFoldResult> read_cv_fold_result(const std::string& dir) {
  const fs::path file = fs::path(dir) / kCvResultFile;
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  try {
    const YAML::Node n = YAML::LoadFile(file.string());  // JSON is YAML
    CvFoldResult r;
    r.variant = n["variant"].as<std::string>();
    r.seed = n["seed"].as<int>();
    r.fold = n["fold"].as<int>();
    r.checkpoint = n["checkpoint"].as<std::string>();
    for (const auto& kv : n["metrics"]) {
      // null stands for a metric that was not finite
      r.metrics[kv.first.as<std::string>()] =
          kv.second.IsNull() ? std::numeric_limits<double>::quiet_NaN() : kv.second.as<double>();
    }
    return r;
  } catch (const YAML::Exception& e) {
    throw core::RuntimeError(file.string() + ": unreadable cv result (" + e.what() + "); delete it to rerun the fold");
  }
}

}  // namespace facerep::trainers
