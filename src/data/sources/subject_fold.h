#pragma once
// `type: subject_fold`: one part (train, validation or test) of a subject-exclusive k-fold split
// of another source, whose identities are the subjects (the split rule: subject_split.h). The
// identities of the part are renumbered 0..n-1 in ascending order of the wrapped ids, so an
// identity classifier over the training subjects has exactly n_train classes. Samples keep the
// wrapped source's order; samples with no identity (-1) belong to no part.
//
// Inside an `eval:` entry a subject_fold without `source:` inherits the wrapped source and the
// split keys from data.train.source (subject_fold_inheritance.h), so a test part always matches
// the training run's fold.
#include <memory>
#include <string>
#include <vector>

#include "core/config_visit.h"
#include "data/sources/source.h"

namespace facerep::data {

struct SubjectFoldOptions {
  core::ComponentSpec source;
  int folds = 3;
  int fold = 0;
  std::string part = "train";
  double validation_fraction = 0.2;
  int seed = 0;

  template <class V> void visit(V& v) {
    v.component("source", source, "source",
                "the wrapped source; its identities are the subjects (omit it inside eval entries to inherit "
                "data.train.source's)");
    v.require(!source.empty(), "source", "missing: the source whose identities are the subjects");
    v("folds", folds, "number of subject-exclusive folds").min(2);
    v("fold", fold, "the fold whose subjects are the test part").min(0);
    v.require(fold < folds, "fold",
              "must be < folds (" + std::to_string(folds) + "), got " + std::to_string(fold));
    v("part", part, "which subjects: train, validation (carved out of the non-test subjects) or test")
        .one_of({"train", "validation", "test"});
    v("validation_fraction", validation_fraction,
      "share of the non-test subjects held out for validation (at least 1 subject when > 0; 0 = no validation part)")
        .min(0.0).less(1.0);
    v.require(part != "validation" || validation_fraction > 0, "part",
              "validation: there is no validation part when validation_fraction is 0");
    v("seed", seed, "shuffles the subjects before they are dealt into folds (independent of run.seed)").min(0);
  }
};

// The split keys an eval entry inherits from data.train.source, besides `source`.
inline const std::vector<std::string>& subject_fold_split_keys() {
  static const std::vector<std::string> keys{"folds", "fold", "seed", "validation_fraction"};
  return keys;
}

// The subject_fold options of `spec`, or nullptr when it is another source type.
const SubjectFoldOptions* subject_fold_options(const core::ComponentSpec& spec);

class SubjectFoldSource : public Source {
 public:
  // Throws core::ConfigError naming the option's key path when the split cannot be made.
  SubjectFoldSource(const SubjectFoldOptions& options, const SourceContext& context);
  int64_t size() const override { return static_cast<int64_t>(index_.size()); }
  Sample get(int64_t index) const override;
  std::optional<EncodedSample> get_encoded(int64_t index) const override;
  int64_t num_identities() const override { return subjects_; }
  int64_t identity_of(int64_t index) const override;
  std::string describe() const override;

 private:
  void check_index(int64_t index) const;

  SubjectFoldOptions options_;
  std::shared_ptr<Source> inner_;
  std::vector<int64_t> index_;     // wrapped sample index of each sample of the part
  std::vector<int64_t> identity_;  // renumbered identity of each sample of the part
  int64_t subjects_ = 0;           // subjects in the part
  int64_t total_subjects_ = 0;     // subjects in the wrapped source
};

}  // namespace facerep::data
