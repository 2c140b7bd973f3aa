#include "data/transforms/align.h"

#include "data/transforms/face_align.h"
#include "data/sample_geometry.h"

namespace facerep::data {

void Align::apply(Sample& sample, std::mt19937_64&) const {
  check_sample_geometry(sample, "align");
  align_sample(sample, o_.size);
}

}  // namespace facerep::data
