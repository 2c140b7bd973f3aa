#pragma once
// `type: verification_bin`: the images of an insightface verification set (lfw.bin, cfp_fp.bin,
// agedb_30.bin; format in data/formats/verification_bin.h), in file order, held encoded in memory
// (LFW's 12,000 112x112 JPEGs are ~60 MB). Samples carry no identity; the pairs are the file's
// own: samples 2i and 2i+1, same() flags them. The `verification` evaluator's `bin:` key uses it.
#include <string>
#include <vector>

#include "data/sources/source.h"

namespace facerep::data {

struct VerificationBinOptions {
  std::string path;

  template <class V> void visit(V& v) {
    v("path", path, "the insightface .bin file (relative to the config)").non_empty();
  }
};

class VerificationBinSource : public Source {
 public:
  VerificationBinSource(const VerificationBinOptions& options, const SourceContext& context);
  int64_t size() const override { return static_cast<int64_t>(images_.size()); }
  Sample get(int64_t index) const override;
  std::optional<EncodedSample> get_encoded(int64_t index) const override;
  int64_t num_identities() const override { return -1; }
  int64_t identity_of(int64_t) const override { return -1; }
  std::string describe() const override;

  // One flag per pair: pair i is samples 2i and 2i+1.
  const std::vector<bool>& same() const { return same_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<std::string> images_;
  std::vector<bool> same_;
};

}  // namespace facerep::data
