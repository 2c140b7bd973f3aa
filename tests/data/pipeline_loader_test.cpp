// Dataset + loader: worker-count independence, exact resume, errors that surface with the path,
// skip accounting.
#include <gtest/gtest.h>

#include <sstream>

#include <torch/torch.h>

#include "core/config_tree.h"
#include "core/error.h"
#include "core/logging.h"
#include "data/dataset.h"
#include "data/loader.h"
#include "pipeline_test_source.h"

namespace facerep::data {
namespace {

using testing::PipelineTestSource;

using testing::TransformList;

std::shared_ptr<Dataset> dataset(int64_t n, std::set<int64_t> broken = {}, const std::string& on_error = "fail",
                                 int max_skipped = 0, int views = 1) {
  core::ConfigTree tree = core::ConfigTree::load_string(
      "transforms: [{type: random_resized_crop, size: 16, scale: [0.3, 1]}, {type: horizontal_flip},"
      " {type: color_jitter}]\n",
      "t.yaml");
  DatasetOptions o;
  o.on_error = on_error;
  o.max_skipped = max_skipped;
  o.views = views;
  return std::make_shared<Dataset>(std::make_shared<PipelineTestSource>(n, 5, std::move(broken)),
                                   build_transforms(core::read_options<TransformList>(tree, tree.root(), "").transforms),
                                   o, 1234);
}

LoaderOptions loader_options(int workers, int prefetch = 2) {
  LoaderOptions o;
  o.workers = workers;
  o.prefetch = prefetch;
  o.drop_last = false;
  return o;
}

// Every batch of `epochs` epochs, as (indices, images).
std::vector<std::pair<std::vector<int64_t>, at::Tensor>> drain(Loader& loader, int epochs) {
  std::vector<std::pair<std::vector<int64_t>, at::Tensor>> out;
  for (int e = 0; e < epochs; ++e)
    while (auto b = loader.next()) out.push_back({b->indices, b->images});
  return out;
}

void expect_same(const std::vector<std::pair<std::vector<int64_t>, at::Tensor>>& a,
                 const std::vector<std::pair<std::vector<int64_t>, at::Tensor>>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].first, b[i].first) << "batch " << i;
    EXPECT_TRUE(a[i].second.equal(b[i].second)) << "batch " << i;
  }
}

TEST(PipelineLoader, BatchesDoNotDependOnTheNumberOfWorkers) {
  auto ds = dataset(45);
  Loader serial(ds, loader_options(0), 8, 7);
  const auto reference = drain(serial, 2);
  ASSERT_EQ(reference.size(), 12u);  // 6 per epoch, the last of 5 samples
  EXPECT_EQ(reference[5].first.size(), 5u);
  EXPECT_EQ(reference[0].second.sizes(), (std::vector<int64_t>{8, 3, 16, 16}));
  EXPECT_NE(reference[0].first, reference[6].first) << "epochs must be shuffled differently";
  for (int workers : {1, 3}) {
    SCOPED_TRACE(workers);
    Loader threaded(ds, loader_options(workers, 1 + workers), 8, 7);
    expect_same(drain(threaded, 2), reference);
  }
}

TEST(PipelineLoader, PositionCountsBatchesAndEpochEnds) {
  Loader loader(dataset(20), loader_options(2), 8, 0);
  EXPECT_EQ(loader.batches_per_epoch(), 3);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(loader.next());
  EXPECT_EQ(loader.position().epoch, 0);
  EXPECT_EQ(loader.position().batch, 3);
  EXPECT_FALSE(loader.next());
  EXPECT_EQ(loader.position().epoch, 1);
  EXPECT_EQ(loader.position().batch, 0);
  ASSERT_TRUE(loader.next());
  EXPECT_EQ(loader.position().batch, 1);
}

TEST(PipelineLoader, SeekResumesMidEpochWithIdenticalBatches) {
  auto ds = dataset(40);
  Loader full(ds, loader_options(2), 6, 3);
  const auto all = drain(full, 2);  // 7 batches per epoch
  ASSERT_EQ(all.size(), 14u);
  for (int workers : {0, 2}) {
    Loader resumed(ds, loader_options(workers), 6, 3);
    ASSERT_TRUE(resumed.next());  // some progress first, then jump (as a restored checkpoint would)
    resumed.seek({1, 4});
    std::vector<std::pair<std::vector<int64_t>, at::Tensor>> rest;
    while (auto b = resumed.next()) rest.push_back({b->indices, b->images});
    expect_same(rest, {all.begin() + 11, all.end()});
  }
  Loader at_end(ds, loader_options(1), 6, 3);
  at_end.seek({0, 7});
  EXPECT_FALSE(at_end.next());
  auto first = at_end.next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->indices, all[7].first);
  EXPECT_THROW(at_end.seek({0, 8}), core::RuntimeError);
}

TEST(PipelineLoader, WorkerErrorSurfacesWithThePathInOrder) {
  for (int workers : {0, 2}) {
    SCOPED_TRACE(workers);
    LoaderOptions o = loader_options(workers);
    o.sampler = core::component_from_yaml("sampler", "{type: sequential}", "sampler");
    Loader loader(dataset(32, {13}), o, 4, 0);
    ASSERT_TRUE(loader.next());  // 0-3
    ASSERT_TRUE(loader.next());  // 4-7
    ASSERT_TRUE(loader.next());  // 8-11
    try {
      loader.next();  // 12-15 holds the corrupt sample
      FAIL() << "expected the worker's error";
    } catch (const core::RuntimeError& e) {
      EXPECT_NE(std::string(e.what()).find("sample 13"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("fake/13: corrupt JPEG data"), std::string::npos) << e.what();
    }
    auto after = loader.next();  // the loader stays usable: the next batch follows
    ASSERT_TRUE(after);
    EXPECT_EQ(after->indices.front(), 16);
  }  // destroyed mid-epoch with workers waiting: must join, not hang
}

TEST(PipelineLoader, SkippedSamplesShrinkTheBatchAndAreCounted) {
  std::ostringstream log;
  core::set_log_console(&log);
  LoaderOptions o = loader_options(2);
  o.sampler = core::component_from_yaml("sampler", "{type: sequential}", "sampler");
  auto ds = dataset(64, {3, 5}, "skip", 2);  // 8 batches: prefetching stays within epoch 0
  Loader loader(ds, o, 8, 0);
  auto first = loader.next();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->indices, (std::vector<int64_t>{0, 1, 2, 4, 6, 7}));
  EXPECT_EQ(first->size(), 6);
  EXPECT_EQ(ds->skipped(), 2);
  EXPECT_NE(log.str().find("fake/5"), std::string::npos) << log.str();

  auto strict = dataset(16, {3, 5, 9}, "skip", 2);
  EXPECT_TRUE(strict->get(0, 0));
  EXPECT_FALSE(strict->get(3, 0));
  EXPECT_FALSE(strict->get(5, 0));
  try {
    strict->get(9, 0);
    FAIL() << "expected max_skipped to trip";
  } catch (const core::RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("3 samples skipped, more than max_skipped = 2"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("fake/9"), std::string::npos) << e.what();
  }
  core::set_log_console(nullptr);
}

TEST(PipelineLoader, ABadFileCountsOnceAgainstMaxSkippedAcrossEpochs) {
  std::ostringstream log;
  core::set_log_console(&log);
  auto ds = dataset(8, {3}, "skip", 1);
  for (int64_t epoch = 0; epoch < 3; ++epoch) {
    for (int64_t i = 0; i < 8; ++i) EXPECT_EQ(ds->get(i, epoch).has_value(), i != 3) << i;
  }
  EXPECT_EQ(ds->skipped(), 1);      // one distinct file: max_skipped = 1 does not trip
  EXPECT_EQ(ds->skip_events(), 3);  // met once per epoch
  // Named once, not once per epoch.
  const std::string text = log.str();
  EXPECT_NE(text.find("fake/3"), std::string::npos) << text;
  EXPECT_EQ(text.find("fake/3", text.find("fake/3") + 1), std::string::npos) << text;
  core::set_log_console(nullptr);
}

TEST(PipelineLoader, ViewsAreIndependentAugmentationsOfOneSample) {
  auto ds = dataset(4, {}, "fail", 0, 2);
  const auto views = ds->get(2, 0);
  ASSERT_TRUE(views);
  ASSERT_EQ(views->size(), 2u);
  EXPECT_GT(cv::norm((*views)[0].image, (*views)[1].image, cv::NORM_L1), 0.0);
  const auto again = ds->get(2, 0);
  EXPECT_EQ(cv::norm((*views)[1].image, (*again)[1].image, cv::NORM_INF), 0.0);
  Loader loader(ds, loader_options(1), 4, 0);
  auto b = loader.next();
  ASSERT_TRUE(b);
  ASSERT_EQ(b->views.size(), 2u);
  EXPECT_FALSE(b->views[0].equal(b->views[1]));
}

TEST(PipelineLoader, BatchLargerThanShardIsAConfigError) {
  LoaderOptions o = loader_options(0);
  o.drop_last = true;
  EXPECT_THROW(Loader(dataset(10), o, 16, 0), core::ConfigError);
}

}  // namespace
}  // namespace facerep::data
