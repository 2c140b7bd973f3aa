#pragma once
// `identification`: closed-set gallery/probe identification on a labelled source. Each identity's
// samples are shuffled with the seed; the first `gallery_per_identity` form the gallery, the rest
// are probes (identities with no probe left are dropped). Reports rank-1 (primary) and rank-5.
//
// `kshot`: N-way k-shot episodes with nearest-centroid cosine scoring; reports the mean accuracy
// (primary) and its 95% confidence interval over episodes. `ways: 0` makes every episode all-way
// (each identity of the set), `queries: 0` queries every image beyond the support.
#include <string>

#include "eval/embedding_eval_options.h"
#include "eval/evaluator.h"

namespace facerep::eval {

struct IdentificationOptions : EmbeddingEvalOptions {
  int gallery_per_identity = 1;

  template <class V> void visit(V& v) {
    visit_head(v, "identification", "labelled source + transforms (default transforms: resize to the model's size)");
    v("gallery_per_identity", gallery_per_identity, "gallery images per identity; the rest are probes").min(1);
    v("seed", seed, "added to the run seed for the gallery/probe split").min(0);
    visit_embedding(v);
  }
};

class IdentificationEvaluator : public Evaluator {
 public:
  explicit IdentificationEvaluator(const IdentificationOptions& options) : options_(options) {}
  EvalResult evaluate(models::Backbone& model, const EvalContext& ctx) override;
  bool runs_on_every_rank() const override { return true; }  // its work is embed_all

 private:
  IdentificationOptions options_;
};

struct KShotOptions : EmbeddingEvalOptions {
  int ways = 5;
  int shots = 1;
  int queries = 5;
  int episodes = 100;

  template <class V> void visit(V& v) {
    visit_head(v, "kshot", "labelled source + transforms (default transforms: resize to the model's size)");
    v("ways", ways, "identities per episode; 0: every identity with enough images (all-way)").min(0);
    v.require(!v.reading() || ways != 1, "ways", "must be 0 (all-way) or at least 2, got 1");
    v("shots", shots, "support images per identity").min(1);
    v("queries", queries, "query images per identity; 0: every image beyond the support").min(0);
    v("episodes", episodes, "episodes to average over").min(1);
    v("seed", seed, "added to the run seed for drawing episodes").min(0);
    visit_embedding(v);
  }
};

class KShotEvaluator : public Evaluator {
 public:
  explicit KShotEvaluator(const KShotOptions& options) : options_(options) {}
  EvalResult evaluate(models::Backbone& model, const EvalContext& ctx) override;
  bool runs_on_every_rank() const override { return true; }  // its work is embed_all

 private:
  KShotOptions options_;
};

}  // namespace facerep::eval
