#pragma once
// A tiny in-memory Source for the pipeline tests: sample i is a 32x32 BGR image whose pixels
// encode i (so a mix-up shows), identity i % identities, path "fake/<i>". Chosen indices throw
// the way a corrupt file would.
#include <set>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/config_visit.h"
#include "core/error.h"
#include "data/sources/source.h"

namespace facerep::testing {

// A `transforms:` list read on its own, as tests build transform pipelines from YAML.
struct TransformList {
  std::vector<core::ComponentSpec> transforms;
  template <class V> void visit(V& v) { v.components("transforms", transforms, "transform", "transforms"); }
};

class PipelineTestSource : public data::Source {
 public:
  PipelineTestSource(int64_t size, int64_t identities, std::set<int64_t> broken = {}, int side = 32)
      : size_(size), identities_(identities), broken_(std::move(broken)), side_(side) {}

  int64_t size() const override { return size_; }
  data::Sample get(int64_t index) const override {
    if (broken_.count(index)) throw core::RuntimeError(path(index) + ": corrupt JPEG data");
    data::Sample s;
    s.image = cv::Mat(side_, side_, CV_8UC3);
    cv::RNG rng(static_cast<uint64_t>(index) + 1);
    rng.fill(s.image, cv::RNG::UNIFORM, 0, 256);
    s.identity = identities_ > 0 ? index % identities_ : -1;
    s.path = path(index);
    s.index = index;
    return s;
  }
  int64_t num_identities() const override { return identities_ > 0 ? identities_ : -1; }
  int64_t identity_of(int64_t index) const override { return identities_ > 0 ? index % identities_ : -1; }
  std::string describe() const override { return "pipeline test source: " + std::to_string(size_) + " images"; }

  static std::string path(int64_t index) { return "fake/" + std::to_string(index); }

 private:
  int64_t size_, identities_;
  std::set<int64_t> broken_;
  int side_;
};

}  // namespace facerep::testing
