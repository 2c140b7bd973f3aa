// One inference pipeline: `facerep embed` and the evaluators that run during training prepare
// images the same way (data/inference.h, from the config inside the checkpoint), so a recipe
// with its own `normalize` gets the same embeddings from both.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <opencv2/imgcodecs.hpp>
#include <torch/torch.h>

#include "data/inference.h"
#include "eval/embed.h"
#include "eval/eval_data.h"
#include "test_support.h"
#include "trainers/checkpoint_model.h"

namespace facerep {
namespace {

// path -> embedding, from `facerep embed`'s CSV.
std::map<std::string, std::vector<float>> read_embeddings(const std::string& csv) {
  std::map<std::string, std::vector<float>> rows;
  std::ifstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::stringstream cells(line);
    std::string path, cell;
    std::getline(cells, path, ',');
    std::vector<float>& v = rows[path];
    while (std::getline(cells, cell, ',')) v.push_back(std::stof(cell));
  }
  return rows;
}

TEST(InferencePreprocessing, EmbedAndTrainingEvaluatorsGiveTheSameEmbeddings) {
  testing::TempDir dir;
  std::string out;
  ASSERT_EQ(testing::run_facerep("data synth --out " + dir.file("faces") + " --identities 3 --per-identity 2 --size 40", &out), 0)
      << out;
  // A recipe whose normalisation is not the default, with augmentations that inference must drop.
  testing::write_file(dir.file("c.yaml"),
                      "run: {name: t, root: " + dir.file("runs") + ", threads: 1}\n"
                      "model: {type: mobilefacenet, embedding_size: 16, image_size: 32, scale: 1, blocks: [1, 1, 1, 1]}\n"
                      "objective: {type: arcface}\n"
                      "optim: {type: sgd, lr: 0.01}\n"
                      "data:\n  train:\n    source: {type: synthetic, identities: 4, per_identity: 4, size: 32}\n"
                      "    transforms:\n      - {type: horizontal_flip}\n      - {type: color_jitter}\n"
                      "      - {type: normalize, mean: [0.2, 0.4, 0.6], std: [0.1, 0.2, 0.3]}\n"
                      "  loader: {workers: 0}\n"
                      "train: {steps: 2, batch_size: 8, log_every: 1}\n");
  ASSERT_EQ(testing::run_facerep("train " + dir.file("c.yaml"), &out), 0) << out;
  const std::string ckpt = testing::find_file(dir.file("runs"), "last.ckpt");
  ASSERT_FALSE(ckpt.empty()) << out;
  ASSERT_EQ(testing::run_facerep("embed " + ckpt + " --data " + dir.file("faces/labels.csv") + " --out " + dir.file("e.csv"), &out),
            0)
      << out;
  const auto from_embed = read_embeddings(dir.file("e.csv"));
  ASSERT_EQ(from_embed.size(), 6u);

  // What an evaluator sees during training: its data section over the same images.
  auto [model, config] = trainers::load_checkpoint_model(ckpt);
  eval::EvalContext ctx;
  ctx.preprocessing = trainers::model_preprocessing(config, *model);
  ctx.base_dir = dir.str();
  data::DatasetOptions images = testing::read_options<data::DatasetOptions>(
      "source: {type: list, path: " + dir.file("faces/labels.csv") + "}\n");
  const eval::Embedded from_eval =
      eval::embed_all(*model, *eval::build_eval_dataset(images, ctx), 8, false, c10::Device(c10::kCPU));
  ASSERT_EQ(from_eval.paths.size(), 6u);
  for (size_t i = 0; i < from_eval.paths.size(); ++i) {
    SCOPED_TRACE(from_eval.paths[i]);
    ASSERT_TRUE(from_embed.count(from_eval.paths[i]));
    const auto& row = from_embed.at(from_eval.paths[i]);
    const at::Tensor e = torch::tensor(row);
    EXPECT_TRUE(torch::allclose(e, from_eval.embeddings[i], 1e-5, 1e-5));
  }

  // The test can fail: the default normalisation gives other embeddings.
  eval::EvalContext plain = ctx;
  plain.preprocessing.normalize.clear();
  const eval::Embedded other =
      eval::embed_all(*model, *eval::build_eval_dataset(images, plain), 8, false, c10::Device(c10::kCPU));
  EXPECT_FALSE(torch::allclose(other.embeddings, from_eval.embeddings, 1e-3, 1e-3));
}

}  // namespace
}  // namespace facerep

namespace facerep {
namespace {

TEST(InferencePreprocessing, VizMaeNeedsOnlyTheCheckpoint) {
  testing::TempDir dir;
  std::string out;
  const std::string recipe = testing::source_dir() + "/configs/pretrain/tiny_mae.yaml";
  ASSERT_EQ(testing::run_facerep("train " + recipe + " --set run.root=" + dir.file("runs") +
                        " --set run.threads=1 --set train.steps=2 --set train.batch_size=8 --set 'eval=[]'",
                    &out),
            0)
      << out;
  const std::string ckpt = testing::find_file(dir.file("runs"), "last.ckpt");
  ASSERT_FALSE(ckpt.empty()) << out;
  ASSERT_EQ(testing::run_facerep("viz mae " + ckpt + " --out " + dir.file("grid.png") + " --count 2", &out), 0) << out;
  EXPECT_NE(out.find("wrote " + dir.file("grid.png")), std::string::npos) << out;
  // Two rows of three 32-px cells, each upscaled to 96 px plus a 2-px border.
  const cv::Mat grid = cv::imread(dir.file("grid.png"));
  EXPECT_EQ(grid.rows, 2 * 100);
  EXPECT_EQ(grid.cols, 3 * 100);
}

}  // namespace
}  // namespace facerep
