#pragma once
// A few-shot sweep's config (`facerep sweep CONFIG`, `facerep fewshot CONFIG`): the encoders to
// compare, one labelled dataset split once into a training pool and a test part, and the grid
// of tasks x protocols x low-data regimes x seeds. Torch-free.
#include <string>
#include <vector>

#include "core/config_tree.h"
#include "core/config_visit.h"
#include "core/run_options.h"
#include "data/data_options.h"
#include "trainers/fewshot_finetune_options.h"

namespace facerep::trainers {

struct FewshotConfig {
  core::RunOptions run;
  std::vector<core::ComponentSpec> encoders;
  data::DatasetOptions data;
  double test_fraction = 0.3;
  std::vector<std::string> tasks{"identity"};
  std::vector<std::string> protocols{"linear", "knn"};
  std::vector<double> shots{1, 2, 5};
  std::vector<double> fractions;
  std::vector<int> seeds{0, 1, 2};
  int knn_k = 20;
  double knn_temperature = 0.07;
  int verification_pairs = 3000;
  int parsing_size = 32;
  FinetuneOptions finetune;
  int batch_size = 64;
  std::string out;               // output folder ("" = <run.root>/<run.name>)
  std::string source_file;       // set when loaded: relative paths resolve against its folder
  std::string base_dir;

  template <class V> void visit(V& v) {
    v.section("run", run, "name, root, seed, threads, device of the sweep");
    v.components("encoders", encoders, "encoder", "the encoders compared (checkpoint, trained, recipe, model)");
    v.section("data", data,
              "one labelled dataset; no transforms needed: each encoder's own preprocessing is applied");
    v("test_fraction", test_fraction,
      "share of each identity's images held out as the test part (without identities: of all images); "
      "verification holds out this share of the identities instead, with all their images")
        .greater(0.0).less(1.0);
    v("tasks", tasks,
      "identity, attributes, aus, landmarks, values (scalar labels of a list), parsing (region maps: mean IoU), "
      "verification (unseen identities: 10-fold accuracy, TAR@FAR)")
        .non_empty();
    for (const auto& t : tasks)
      v.require(t == "identity" || t == "attributes" || t == "aus" || t == "landmarks" || t == "values" ||
                    t == "parsing" || t == "verification",
                "tasks",
                "unknown task '" + t + "' (identity, attributes, aus, landmarks, values, parsing, verification)");
    v("protocols", protocols,
      "linear (probe), knn (cosine), centroid (identity: nearest class mean; verification: the features unfitted); "
      "finetune (trains the encoder per cell; see finetune); cells a protocol cannot run are skipped (knn x parsing, "
      "knn x verification, centroid x other tasks, finetune x encoders without parameters or with pca)")
        .non_empty();
    for (const auto& p : protocols)
      v.require(p == "linear" || p == "knn" || p == "centroid" || p == "finetune", "protocols",
                "unknown protocol '" + p + "' (linear, knn, centroid, finetune)");
    v("shots", shots, "training images per identity (one sweep axis; empty with fractions)");
    for (double k : shots) v.require(k >= 1 && k == static_cast<int>(k), "shots", "must be whole numbers >= 1");
    v("fractions", fractions, "fractions of the training pool (the other regime; empty with shots)");
    for (double f : fractions) v.require(f > 0 && f <= 1, "fractions", "must be in (0, 1]");
    v.require(shots.empty() != fractions.empty(), "shots", "give shots or fractions, not both and not neither");
    v("seeds", seeds, "one subset (and validation split) per seed; mean, std and 95% CI over them").non_empty();
    v("knn_k", knn_k, "neighbours of the knn protocol").min(1);
    v("knn_temperature", knn_temperature, "knn weights exp(cosine / temperature)").greater(0.0);
    v("verification_pairs", verification_pairs,
      "verification: same/different pairs among the test identities' images, drawn once from run.seed (at most "
      "twice the distinct same-identity pairs there)")
        .min(10);
    v("parsing_size", parsing_size,
      "parsing: side of the region maps every encoder is scored at (nearest neighbour from its input size)")
        .min(1);
    v.section("finetune", finetune,
              "the finetune protocol: the encoder and a new head trained on each cell's training images "
              "(encoders with parameters and without pca)");
    v("batch_size", batch_size, "images per forward pass when extracting features").min(1);
    v("out", out, "output folder (empty = <run.root>/<run.name>); rerunning continues it");
  }
};

// Loads and validates a sweep config (with `_base_` and --set overrides, like training configs).
FewshotConfig load_fewshot_config(const std::string& path, const std::vector<std::string>& overrides);

}  // namespace facerep::trainers
