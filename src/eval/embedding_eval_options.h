#pragma once
// Options every evaluator shares: its name, role, data, and how it embeds.
#include <string>

#include "data/data_options.h"
#include "eval/eval_role.h"
#include "eval/evaluator.h"

namespace facerep::eval {

struct EmbeddingEvalOptions {
  std::string name;
  std::string role = kTestRole;
  data::DatasetOptions data;
  int seed = 0;
  int batch_size = 64;
  bool flip = false;

  // An empty result carrying this evaluation's name (`default_name` when unset) and role.
  EvalResult new_result(const char* default_name) const {
    EvalResult r;
    r.name = name.empty() ? default_name : name;
    r.role = role;
    return r;
  }

 protected:
  // Keys that open each evaluator's section: name, role, data.
  template <class V> void visit_head(V& v, const char* default_name, const char* data_help) {
    v("name", name, (std::string("name in logs and reports (default: ") + default_name + ")").c_str());
    visit_role(v, role);
    v.section("data", data, data_help);
  }
  // Keys that close it: how the dataset is embedded.
  template <class V> void visit_embedding(V& v) {
    visit_batch_size(v);
    v("flip", flip, "flip test-time augmentation: add the mirrored image's embedding");
  }
  template <class V> void visit_batch_size(V& v) { v("batch_size", batch_size, "images per forward pass").min(1); }
};

}  // namespace facerep::eval
