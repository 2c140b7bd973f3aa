#include "data/sources/subject_fold.h"

#include <any>
#include <unordered_map>

#include "core/error.h"
#include "data/sources/subject_split.h"

namespace facerep::data {

const SubjectFoldOptions* subject_fold_options(const core::ComponentSpec& spec) {
  return std::any_cast<SubjectFoldOptions>(&spec.options);
}

namespace {
// "data.train.source.source" -> "data.train.source": the subject_fold's own key path.
std::string fold_path(const SubjectFoldOptions& o) {
  const std::string& p = o.source.path;
  const std::string tail = ".source";
  if (p.size() > tail.size() && p.compare(p.size() - tail.size(), tail.size(), tail) == 0)
    return p.substr(0, p.size() - tail.size());
  return "subject_fold";
}
}  // namespace

SubjectFoldSource::SubjectFoldSource(const SubjectFoldOptions& options, const SourceContext& context)
    : options_(options) {
  const std::string path = fold_path(options);
  inner_ = source_registry().build(options.source, context);
  total_subjects_ = inner_->num_identities();
  if (total_subjects_ <= 0)
    throw core::ConfigError(core::SourceLoc{}, path + ".source",
                            "has no identity labels (" + inner_->describe() + "); subject folds need subjects");
  SubjectSplitRule rule;
  rule.subjects = total_subjects_;
  rule.folds = options.folds;
  rule.fold = options.fold;
  rule.validation_fraction = options.validation_fraction;
  rule.seed = static_cast<uint64_t>(options.seed);
  SubjectSplit split;
  try {
    split = split_subjects(rule);
  } catch (const core::ConfigError& e) {
    throw core::ConfigError(core::SourceLoc{}, path, e.what());  // "folds: ..." under the source's path
  }
  const std::vector<int64_t>& subjects = split_part(split, options.part);
  subjects_ = static_cast<int64_t>(subjects.size());
  if (subjects_ == 0)
    throw core::ConfigError(core::SourceLoc{}, path + ".part", "part '" + options.part + "' of fold " +
                                                                   std::to_string(options.fold) + " has no subjects");
  std::unordered_map<int64_t, int64_t> renumber;
  for (int64_t i = 0; i < subjects_; ++i) renumber[subjects[i]] = i;
  for (int64_t i = 0, n = inner_->size(); i < n; ++i) {
    const auto it = renumber.find(inner_->identity_of(i));
    if (it == renumber.end()) continue;
    index_.push_back(i);
    identity_.push_back(it->second);
  }
  if (index_.empty())
    throw core::ConfigError(core::SourceLoc{}, path + ".part",
                            "the " + std::to_string(subjects_) + " subjects of part '" + options.part + "' of fold " +
                                std::to_string(options.fold) + " have no images");
}

void SubjectFoldSource::check_index(int64_t index) const {
  if (index < 0 || index >= size())
    throw core::RuntimeError("subject_fold: index " + std::to_string(index) + " out of range [0, " +
                             std::to_string(size()) + ")");
}

int64_t SubjectFoldSource::identity_of(int64_t index) const {
  check_index(index);
  return identity_[static_cast<size_t>(index)];
}

Sample SubjectFoldSource::get(int64_t index) const {
  check_index(index);
  Sample s = inner_->get(index_[static_cast<size_t>(index)]);
  s.identity = identity_[static_cast<size_t>(index)];
  s.index = index;
  return s;
}

std::optional<EncodedSample> SubjectFoldSource::get_encoded(int64_t index) const {
  check_index(index);
  std::optional<EncodedSample> e = inner_->get_encoded(index_[static_cast<size_t>(index)]);
  if (e) {
    e->sample.identity = identity_[static_cast<size_t>(index)];
    e->sample.index = index;
  }
  return e;
}

std::string SubjectFoldSource::describe() const {
  return "subject_fold fold " + std::to_string(options_.fold) + "/" + std::to_string(options_.folds) + " " +
         options_.part + ": " + std::to_string(subjects_) + " of " + std::to_string(total_subjects_) +
         " subjects (identities renumbered 0.." + std::to_string(subjects_ - 1) + "), " +
         std::to_string(size()) + " images, of " + inner_->describe();
}

}  // namespace facerep::data
