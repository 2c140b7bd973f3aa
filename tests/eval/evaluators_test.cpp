#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <torch/torch.h>

#include "core/config_tree.h"
#include "core/error.h"
#include "data/dataset.h"
#include "data/sources/source.h"
#include "data/inference.h"
#include "eval/embed.h"
#include "eval/evaluator.h"
#include "eval/pair_list.h"
#include "eval/report.h"
#include "losses/test_backbone.h"
#include "eval/mean_colour_backbone.h"
#include "test_support.h"

namespace facerep::eval {
namespace {

// Solid-colour 8×8 images: identity i has its own colour, each image a little brightness noise.
struct PaletteOptions {
  int identities = 6;
  int per_identity = 4;
  template <class V> void visit(V& v) {
    v("identities", identities, "identities").min(1).max(6);
    v("per_identity", per_identity, "images per identity").min(1);
  }
};

class PaletteSource : public data::Source {
 public:
  explicit PaletteSource(const PaletteOptions& o) : o_(o) {}
  int64_t size() const override { return o_.identities * o_.per_identity; }
  data::Sample get(int64_t index) const override {
    static const int colours[6][3] = {{250, 10, 10}, {10, 250, 10}, {10, 10, 250},
                                      {250, 250, 10}, {10, 250, 250}, {250, 10, 250}};
    data::Sample s;
    const int id = static_cast<int>(index / o_.per_identity), k = static_cast<int>(index % o_.per_identity);
    const int* c = colours[id];
    s.image = cv::Mat(8, 8, CV_8UC3, cv::Scalar(c[2] - 3 * k, c[1] - 3 * k, c[0] - 3 * k));
    s.identity = id;
    s.index = index;
    s.path = "palette:" + std::to_string(id) + "/" + std::to_string(k);
    return s;
  }
  int64_t num_identities() const override { return o_.identities; }
  int64_t identity_of(int64_t index) const override { return index / o_.per_identity; }
  std::string describe() const override { return "palette"; }

 private:
  PaletteOptions o_;
};

// Mean colour as the embedding: identities are perfectly separable by angle.
using testing_models::MeanColour;

void register_palette() {
  if (!data::source_registry().contains("test_palette"))
    data::source_registry().add<PaletteOptions>("test_palette", "test colours", [](const PaletteOptions& o, const data::SourceContext&) {
      return std::make_shared<PaletteSource>(o);
    });
}

std::shared_ptr<Evaluator> build(const std::string& yaml) {
  register_palette();
  return evaluator_registry().build(testing::read_component(yaml, "eval", "evaluator", "eval.yaml"));
}

TEST(Embed, NormalisedInOrderWithFlipAndModeRestored) {
  register_palette();
  PaletteOptions po;
  data::DatasetOptions dopt;
  auto ds = std::make_shared<data::Dataset>(std::make_shared<PaletteSource>(po), std::vector<std::shared_ptr<data::Transform>>{},
                                            dopt, 0);
  torch::manual_seed(0);
  testing::LinearBackbone model(3, 8, 5);
  model.train();
  const Embedded e = embed_all(model, *ds, 5, false, c10::kCPU);
  ASSERT_EQ(e.embeddings.size(0), 24);
  EXPECT_TRUE(model.is_training());
  EXPECT_FALSE(e.embeddings.requires_grad());
  EXPECT_TRUE(torch::allclose(e.embeddings.norm(2, 1), torch::ones({24}), 1e-5, 1e-5));
  EXPECT_EQ(e.paths[7], "palette:1/3");
  EXPECT_EQ(e.identities[7], 1);
  // Row 7 equals the model applied to sample 7 by hand: (x/255 − 0.5)/0.5 in RGB, CHW.
  const data::Sample s = PaletteSource(po).get(7);
  cv::Vec3b bgr = s.image.at<cv::Vec3b>(0, 0);
  at::Tensor img = torch::empty({1, 3, 8, 8});
  for (int c = 0; c < 3; ++c) img[0][c].fill_((bgr[2 - c] / 255.0 - 0.5) / 0.5);
  at::Tensor ref = model.forward(img);
  ref = ref / ref.norm();
  EXPECT_TRUE(torch::allclose(e.embeddings[7], ref[0], 1e-4, 1e-5));
  // Flip TTA: normalise(f(x) + f(flip x)); for a linear model that is f evaluated at x + flip x (minus one bias).
  at::Tensor asym = torch::randn({1, 3, 8, 8});
  at::Tensor both = model.forward(asym) + model.forward(asym.flip({3}));
  torch::NoGradGuard g;
  EXPECT_TRUE(torch::allclose(embed_images(model, asym, true), both / both.norm(), 1e-5, 1e-6));
  EXPECT_FALSE(torch::allclose(embed_images(model, asym, true), embed_images(model, asym, false), 1e-3, 1e-3));
}

TEST(Evaluators, VerificationOnGeneratedPairsWritesEveryReport) {
  testing::TempDir dir;
  auto ev = build("eval: {type: verification, data: {source: {type: test_palette}}, num_pairs: 40}\n");
  MeanColour model;
  EvalContext ctx;
  ctx.out_dir = dir.str();
  ctx.preprocessing = data::inference_preprocessing({}, 8);
  const EvalResult r = ev->evaluate(model, ctx);
  EXPECT_EQ(r.name, "verification");
  EXPECT_EQ(r.primary, "accuracy");
  EXPECT_DOUBLE_EQ(r.metrics.at("accuracy"), 1.0);
  EXPECT_DOUBLE_EQ(r.metrics.at("auc"), 1.0);
  EXPECT_DOUBLE_EQ(r.metrics.at("eer"), 0.0);
  EXPECT_DOUBLE_EQ(r.metrics.at("pairs"), 40.0);
  EXPECT_TRUE(r.metrics.count("tar_at_far_1e-01"));   // 20 negatives resolve 1e-1
  EXPECT_FALSE(r.metrics.count("tar_at_far_1e-02"));  // … but not 1e-2
  const std::string json = testing::read_file(dir.file("results.json"));
  EXPECT_NE(json.find("\"accuracy\": 1"), std::string::npos) << json;
  EXPECT_NE(testing::read_file(dir.file("results.md")).find("| accuracy | 1.0000 |"), std::string::npos);
  EXPECT_EQ(testing::read_file(dir.file("roc.csv")).substr(0, 18), "threshold,far,tar\n");
  const cv::Mat png = cv::imread(dir.file("roc.png"));
  EXPECT_EQ(png.cols, 640);
  EXPECT_EQ(png.rows, 480);
}

TEST(Evaluators, VerificationFromLfwPairsFileMatchesImageFolderSamples) {
  testing::TempDir dir;
  const std::string root = dir.file("lfw");
  // Two people, two images each, solid colours far apart.
  for (const auto& [name, colour] : std::vector<std::pair<std::string, cv::Scalar>>{{"Ann", {20, 20, 230}}, {"Bob", {230, 20, 20}}})
    for (int k = 1; k <= 2; ++k) {
      std::filesystem::create_directories(root + "/" + name);
      char file[64];
      std::snprintf(file, sizeof file, "/%s/%s_%04d.jpg", name.c_str(), name.c_str(), k);
      cv::imwrite(root + file, cv::Mat(8, 8, CV_8UC3, colour + cv::Scalar(5 * k, 5 * k, 5 * k)));
    }
  // 10 pairs alternating same/different, so both folds hold both kinds.
  std::string pairs = "2 5\n";
  for (int i = 0; i < 5; ++i) pairs += "Ann 1 2\nAnn 1 Bob 2\n";
  testing::write_file(dir.file("pairs.txt"), pairs);
  auto ev = build("eval: {type: verification, folds: 2, pairs: pairs.txt, image_root: lfw,\n"
                  "       data: {source: {type: image_folder, root: lfw}}}\n");
  MeanColour model;
  EvalContext ctx;
  ctx.base_dir = dir.str();
  ctx.preprocessing = data::inference_preprocessing({}, 8);
  const EvalResult r = ev->evaluate(model, ctx);
  EXPECT_DOUBLE_EQ(r.metrics.at("accuracy"), 1.0);
  EXPECT_DOUBLE_EQ(r.metrics.at("pairs"), 10.0);
  // A pair naming an image the source lacks is an error naming the line.
  testing::write_file(dir.file("pairs.txt"), "Ann 1 3\n");
  try {
    ev->evaluate(model, ctx);
    FAIL();
  } catch (const core::RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("pairs.txt:1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Ann_0003.jpg"), std::string::npos) << e.what();
  }
}

TEST(Evaluators, LfwPairsWithoutImageRootIsAConfigError) {
  EXPECT_THROW(build("eval: {type: verification, pairs: pairs.txt}\n"), core::ConfigError);
}

TEST(Evaluators, RoleIsValidationOrTest) {
  try {
    build("eval: {type: reconstruction, role: train}\n");
    FAIL();
  } catch (const core::ConfigError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("eval.yaml:1"), std::string::npos) << m;
    EXPECT_NE(m.find("role"), std::string::npos) << m;
  }
}

TEST(Evaluators, IdentificationAndKShotOnSeparableData) {
  testing::TempDir dir;
  MeanColour model;
  EvalContext ctx;
  ctx.out_dir = dir.str();
  ctx.preprocessing = data::inference_preprocessing({}, 8);
  const EvalResult id =
      build("eval: {type: identification, role: validation, data: {source: {type: test_palette}}}\n")->evaluate(model, ctx);
  EXPECT_EQ(id.primary, "rank1");
  EXPECT_EQ(id.role, "validation");
  EXPECT_NE(testing::read_file(dir.file("results.json")).find("\"role\": \"validation\""), std::string::npos);
  EXPECT_DOUBLE_EQ(id.metrics.at("rank1"), 1.0);
  EXPECT_DOUBLE_EQ(id.metrics.at("gallery"), 6.0);
  EXPECT_DOUBLE_EQ(id.metrics.at("probes"), 18.0);
  const EvalResult ks = build("eval: {type: kshot, name: fewshot, ways: 3, shots: 1, queries: 2, episodes: 10,\n"
                              "       data: {source: {type: test_palette}}}\n")
                            ->evaluate(model, ctx);
  EXPECT_EQ(ks.name, "fewshot");
  EXPECT_EQ(ks.role, "test");  // the default: a held-out set never selects unless marked
  EXPECT_NE(testing::read_file(dir.file("results.json")).find("\"role\": \"test\""), std::string::npos);
  EXPECT_DOUBLE_EQ(ks.metrics.at("accuracy"), 1.0);
  EXPECT_DOUBLE_EQ(ks.metrics.at("ci95"), 0.0);
  EXPECT_NE(testing::read_file(dir.file("results.md")).find("3-way 1-shot"), std::string::npos);
  // ways: 0 and queries: 0: every identity of the set, every image beyond the support a query.
  const EvalResult all =
      build("eval: {type: kshot, ways: 0, queries: 0, episodes: 4, data: {source: {type: test_palette}}}\n")
          ->evaluate(model, ctx);
  EXPECT_DOUBLE_EQ(all.metrics.at("ways"), 6.0);
  EXPECT_DOUBLE_EQ(all.metrics.at("accuracy"), 1.0);
  EXPECT_NE(testing::read_file(dir.file("results.md")).find("all 6-way 1-shot, every other image a query"),
            std::string::npos);
  EXPECT_THROW(build("eval: {type: kshot, ways: 1}\n"), core::ConfigError);
}

TEST(PairLists, ParseFormatsAndRejectMalformedLines) {
  testing::TempDir dir;
  testing::write_file(dir.file("pairs.txt"), "1 1\nAnn 1 4\nAnn 2 Bob 10\n");
  const auto p = read_lfw_pairs(dir.file("pairs.txt"), "/img");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].a, "/img/Ann/Ann_0001.jpg");
  EXPECT_EQ(p[0].b, "/img/Ann/Ann_0004.jpg");
  EXPECT_TRUE(p[0].same);
  EXPECT_EQ(p[1].b, "/img/Bob/Bob_0010.jpg");
  EXPECT_FALSE(p[1].same);
  testing::write_file(dir.file("bad.txt"), "Ann 1 4\nAnn two 3\n");
  try {
    read_lfw_pairs(dir.file("bad.txt"), "/img");
    FAIL();
  } catch (const core::RuntimeError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.txt:2"), std::string::npos) << e.what();
  }
  testing::write_file(dir.file("p.csv"), "path1,path2,same\na.jpg,/x/b.jpg,1\nc.jpg,d.jpg,false\n");
  const auto c = read_csv_pairs(dir.file("p.csv"));
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].a, dir.file("a.jpg"));
  EXPECT_EQ(c[0].b, "/x/b.jpg");
  EXPECT_FALSE(c[1].same);
  testing::write_file(dir.file("q.csv"), "a.jpg,b.jpg,1\na.jpg,b.jpg,maybe\n");
  EXPECT_THROW(read_csv_pairs(dir.file("q.csv")), core::RuntimeError);
}

TEST(PairLists, GeneratedPairsAreBalancedCorrectAndSeeded) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 30; ++i) ids.push_back(i / 3);
  ids.push_back(-1);
  const auto pairs = generate_pairs(ids, 100, 7);
  ASSERT_EQ(pairs.size(), 100u);
  int same = 0;
  for (const auto& p : pairs) {
    EXPECT_NE(p.a, p.b);
    EXPECT_EQ(ids[p.a] == ids[p.b], p.same);
    EXPECT_GE(ids[p.a], 0);
    EXPECT_GE(ids[p.b], 0);
    same += p.same;
  }
  EXPECT_EQ(same, 50);
  const auto again = generate_pairs(ids, 100, 7), other = generate_pairs(ids, 100, 8);
  EXPECT_TRUE(std::equal(pairs.begin(), pairs.end(), again.begin(), [](auto& x, auto& y) { return x.a == y.a && x.b == y.b; }));
  EXPECT_FALSE(std::equal(pairs.begin(), pairs.end(), other.begin(), [](auto& x, auto& y) { return x.a == y.a && x.b == y.b; }));
  EXPECT_THROW(generate_pairs({0, 1, 2}, 10, 0), core::RuntimeError);  // nobody has two images
}

TEST(Evaluators, ReportFoldersUseNamesAndNeverCollide) {
  auto spec = [](const std::string& type, const std::string& yaml) {
    core::ComponentSpec s;
    s.type = type;
    s.raw = YAML::Load(yaml);
    return s;
  };
  const std::vector<std::string> names = eval_folder_names(
      {spec("kshot", "{type: kshot, name: orl}"), spec("kshot", "{type: kshot}"), spec("kshot", "{type: kshot}"),
       spec("verification", "{type: verification}"), spec("kshot", "{type: kshot, name: orl}")});
  EXPECT_EQ(names, (std::vector<std::string>{"orl-1", "kshot-2", "kshot-3", "verification", "orl-5"}));
}
}  // namespace
}  // namespace facerep::eval
