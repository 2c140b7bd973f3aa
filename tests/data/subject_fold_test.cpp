// Subject-exclusive folds: the split rule on ids, and the source that wraps another one.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/error.h"
#include "data/sources/source.h"
#include "data/sources/subject_fold.h"
#include "data/sources/subject_split.h"
#include "data/source_test_util.h"
#include "test_support.h"

namespace facerep::data {
namespace {

SubjectSplitRule rule(int64_t subjects, int folds, int fold, double val = 0.2, uint64_t seed = 0) {
  SubjectSplitRule r;
  r.subjects = subjects;
  r.folds = folds;
  r.fold = fold;
  r.validation_fraction = val;
  r.seed = seed;
  return r;
}

TEST(SubjectSplit, EverySubjectIsTestedExactlyOnceAndPartsAreDisjoint) {
  // BP4D's shape: 41 subjects, 3 folds.
  std::vector<int> tested(41, 0);
  std::vector<size_t> test_sizes;
  for (int f = 0; f < 3; ++f) {
    const SubjectSplit s = split_subjects(rule(41, 3, f));
    for (int64_t id : s.test) ++tested[id];
    test_sizes.push_back(s.test.size());
    std::set<int64_t> all;
    for (const auto* part : {&s.train, &s.validation, &s.test}) all.insert(part->begin(), part->end());
    EXPECT_EQ(all.size(), 41u) << "parts overlap or miss subjects in fold " << f;
    EXPECT_EQ(s.validation.size(), static_cast<size_t>(std::llround(0.2 * (41 - s.test.size()))));
    for (const auto* part : {&s.train, &s.validation, &s.test}) EXPECT_TRUE(std::is_sorted(part->begin(), part->end()));
  }
  for (int id = 0; id < 41; ++id) EXPECT_EQ(tested[id], 1) << "subject " << id;
  // Dealt round-robin: the first 41 % 3 = 2 folds hold one more.
  EXPECT_EQ(test_sizes, (std::vector<size_t>{14, 14, 13}));
}

TEST(SubjectSplit, DeterministicBySeed) {
  const SubjectSplit a = split_subjects(rule(27, 3, 1, 0.2, 5)), b = split_subjects(rule(27, 3, 1, 0.2, 5));
  EXPECT_EQ(a.test, b.test);
  EXPECT_EQ(a.validation, b.validation);
  EXPECT_EQ(a.train, b.train);
  EXPECT_NE(split_subjects(rule(27, 3, 1, 0.2, 6)).test, a.test);
}

TEST(SubjectSplit, ValidationAtLeastOneSubjectOrNone) {
  EXPECT_EQ(split_subjects(rule(6, 3, 0, 0.01)).validation.size(), 1u);
  const SubjectSplit none = split_subjects(rule(6, 3, 0, 0.0));
  EXPECT_TRUE(none.validation.empty());
  EXPECT_EQ(none.train.size(), 4u);
}

TEST(SubjectSplit, ImpossibleSplitsAreConfigErrors) {
  EXPECT_NE(testing::config_error_message([] { split_subjects(rule(2, 3, 0)); }).find("at least as many subjects"),
            std::string::npos);
  EXPECT_NE(testing::config_error_message([] { split_subjects(rule(9, 3, 3)); }).find("fold: must be in [0, 2]"),
            std::string::npos);
  EXPECT_NE(testing::config_error_message([] { split_subjects(rule(9, 1, 0)); }).find("folds: must be >= 2"),
            std::string::npos);
  // 2 non-test subjects, validation 0.9 of them: none left for training.
  EXPECT_NE(testing::config_error_message([] { split_subjects(rule(3, 3, 0, 0.9)); }).find("none for training"),
            std::string::npos);
}

std::shared_ptr<Source> fold_source(const std::string& body) {
  const core::ComponentSpec spec = testing::read_component(
      "source: {type: subject_fold, source: {type: synthetic, identities: 7, per_identity: 3, size: 16}, " + body + "}",
      "source", "source");
  return source_registry().build(spec, SourceContext{});
}

// The wrapped identity of a synthetic sample ("synthetic:<id>/<image>").
int64_t wrapped_identity(const Sample& s) { return std::stoll(s.path.substr(10, s.path.find('/') - 10)); }

TEST(SubjectFoldSource, PartsRenumberIdentitiesContiguously) {
  std::set<int64_t> tested;
  for (int fold = 0; fold < 3; ++fold) {
    std::set<int64_t> seen_wrapped;
    for (const char* part : {"train", "validation", "test"}) {
      const auto src = fold_source("folds: 3, fold: " + std::to_string(fold) + ", part: " + part);
      std::set<int64_t> ids, wrapped;
      for (int64_t i = 0; i < src->size(); ++i) {
        const Sample s = src->get(i);
        EXPECT_EQ(s.identity, src->identity_of(i));
        EXPECT_EQ(s.index, i);
        ids.insert(s.identity);
        wrapped.insert(wrapped_identity(s));
      }
      // 0..n-1, exactly the part's subjects, every image of each.
      ASSERT_EQ(static_cast<int64_t>(ids.size()), src->num_identities()) << part;
      EXPECT_EQ(*ids.begin(), 0);
      EXPECT_EQ(*ids.rbegin(), src->num_identities() - 1);
      EXPECT_EQ(src->size(), 3 * src->num_identities());
      for (int64_t w : wrapped) EXPECT_TRUE(seen_wrapped.insert(w).second) << "subject " << w << " in two parts";
      if (std::string(part) == "test") tested.insert(wrapped.begin(), wrapped.end());
      EXPECT_NE(src->describe().find("fold " + std::to_string(fold) + "/3 " + part), std::string::npos)
          << src->describe();
    }
    EXPECT_EQ(seen_wrapped.size(), 7u);
  }
  EXPECT_EQ(tested.size(), 7u);
}

TEST(SubjectFoldSource, ErrorsNameTheKey) {
  EXPECT_NE(testing::config_error_message([] { fold_source("folds: 3, fold: 3"); }).find("source.fold: must be < folds"),
            std::string::npos);
  EXPECT_NE(testing::config_error_message([] { fold_source("folds: 1"); }).find("source.folds: must be >= 2"),
            std::string::npos);
  EXPECT_NE(testing::config_error_message([] { fold_source("folds: 8"); }).find("at least as many subjects"),
            std::string::npos);
  EXPECT_NE(testing::config_error_message([] { fold_source("validation_fraction: 0, part: validation"); })
                .find("source.part: validation: there is no validation part"),
            std::string::npos);
  EXPECT_NE(testing::config_error_message([] {
              testing::read_component("source: {type: subject_fold, part: test}", "source", "source");
            }).find("source.source: missing"),
            std::string::npos);
}

TEST(SubjectFoldSource, ForwardsEncodedImagesWithRenumberedIdentities) {
  testing::TempDir dir;
  for (const char* person : {"amy", "bob", "cat", "dan"})
    for (int i = 0; i < 2; ++i)
      testing::write_bytes(dir.file(std::string(person) + "/" + std::to_string(i) + ".jpg"),
                           testing::encode(testing::gradient_image(16, 16, i), ".jpg"));
  const core::ComponentSpec spec = testing::read_component(
      "source: {type: subject_fold, source: {type: image_folder, root: " + dir.str() + "}, folds: 2, fold: 1, "
      "part: test}",
      "source", "source");
  const auto src = source_registry().build(spec, SourceContext{});
  ASSERT_EQ(src->num_identities(), 2);
  for (int64_t i = 0; i < src->size(); ++i) {
    const std::optional<EncodedSample> e = src->get_encoded(i);
    ASSERT_TRUE(e.has_value()) << "JPEG files can be decoded by region through the wrapper";
    EXPECT_EQ(e->sample.identity, src->identity_of(i));
    EXPECT_EQ(e->sample.index, i);
    EXPECT_EQ(e->sample.path, src->get(i).path);
    EXPECT_GT(e->size(), 0u);
  }
}

}  // namespace
}  // namespace facerep::data
