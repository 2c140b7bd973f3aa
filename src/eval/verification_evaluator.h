#pragma once
// `verification`: embeds the evaluator's dataset once, scores pairs by cosine similarity and
// reports 10-fold accuracy (LFW protocol), AUC, EER and TAR at the FARs the pair count resolves.
// Pairs: `generate` (balanced, seeded, from the source's identity labels), a CSV `path1,path2,same`
// or an LFW pairs.txt (images under image_root as name/name_%04d.jpg). Pair paths must name
// samples of data.source (e.g. an image_folder over the same root); all of the source is embedded.
// `bin:` reads an insightface verification set (lfw.bin, cfp_fp.bin, agedb_30.bin) instead: its
// images replace data.source (data.transforms still apply) and its own pairs are scored.
// Writes results.json, results.md, roc.csv and roc.png to ctx.out_dir.
#include <cstdint>
#include <memory>
#include <string>

#include "eval/embedding_eval_options.h"
#include "eval/evaluator.h"

namespace facerep::eval {

struct VerificationOptions : EmbeddingEvalOptions {
  std::string bin;
  std::string pairs = "generate";
  std::string image_root;
  int num_pairs = 600;
  int folds = 10;

  template <class V> void visit(V& v) {
    visit_head(v, "verification", "source + transforms (default transforms: resize to the model's size)");
    v("bin", bin, "insightface verification .bin (lfw.bin, cfp_fp.bin, agedb_30.bin): its images and pairs "
                  "replace data.source and pairs");
    v("pairs", pairs, "generate | a CSV path1,path2,same | an LFW pairs.txt").non_empty();
    v("image_root", image_root, "for pairs.txt: folder holding name/name_%04d.jpg");
    v.require(!v.reading() || pairs == "generate" || pairs.size() < 4 ||
                  pairs.substr(pairs.size() - 4) == ".csv" || !image_root.empty(),
              "image_root", "is needed with an LFW pairs.txt (" + pairs + ")");
    v.require(!v.reading() || bin.empty() || pairs == "generate", "pairs",
              "cannot be combined with bin (" + bin + " holds its own pairs)");
    v("num_pairs", num_pairs, "with pairs: generate, how many (half same, half different)").min(2);
    v("seed", seed, "with pairs: generate, added to the run seed").min(0);
    v("folds", folds, "cross-validation folds (consecutive blocks of pairs)").min(2);
    visit_embedding(v);
  }
};

class VerificationEvaluator : public Evaluator {
 public:
  explicit VerificationEvaluator(const VerificationOptions& options) : options_(options) {}
  EvalResult evaluate(models::Backbone& model, const EvalContext& ctx) override;
  bool runs_on_every_rank() const override { return true; }  // its work is embed_all

 private:
  VerificationOptions options_;
};

}  // namespace facerep::eval
