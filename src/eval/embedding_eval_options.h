#pragma once
// Options every embedding-based evaluator shares: its name, its data, and how it embeds.
#include <string>

#include "data/data_options.h"

namespace facerep::eval {

struct EmbeddingEvalOptions {
  std::string name;
  data::DatasetOptions data;
  int seed = 0;
  int batch_size = 64;
  bool flip = false;

 protected:
  // Keys that open each evaluator's section: name, data.
  template <class V> void visit_head(V& v, const char* default_name, const char* data_help) {
    v("name", name, (std::string("name in logs and reports (default: ") + default_name + ")").c_str());
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
