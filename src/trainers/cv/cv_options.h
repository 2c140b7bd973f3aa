#pragma once
// `cv:`: what `facerep cv` repeats over the subject-exclusive folds of data.train.source. Each
// variant is the config with its own `--set` overrides (e.g. the same recipe with and without
// an adversarial head); `seeds` repeats every (variant, fold) per run.seed. Torch-free.
#include <set>
#include <string>
#include <vector>

#include "core/config_visit.h"

namespace facerep::trainers {

struct CvVariant {
  std::string name;
  std::vector<std::string> set;

  template <class V> void visit(V& v) {
    v("name", name, "variant name: a column of the report and the folder cv/<name>/").non_empty();
    v("set", set, "overrides for this variant, as --set takes them (key.path=value)");
  }
};

struct CvOptions {
  std::vector<CvVariant> variants;
  std::vector<int> seeds;

  template <class V> void visit(V& v) {
    v.sections("variants", variants,
               "configurations compared fold by fold (default: one variant named run, without overrides)");
    v("seeds", seeds,
      "run.seed values: every (variant, fold) is trained once per seed and the report aggregates over folds x "
      "seeds (default: run.seed alone)");
    std::set<std::string> names;
    for (size_t i = 0; i < variants.size(); ++i) {
      const std::string at = "variants[" + std::to_string(i) + "]";
      const std::string& n = variants[i].name;
      v.require(n.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
                        std::string::npos &&
                    n != "." && n != "..",
                (at + ".name").c_str(), "'" + n + "': use letters, digits, '_', '-', '.' (it names a folder)");
      v.require(names.insert(n).second, (at + ".name").c_str(), "'" + n + "' is used by two variants");
      for (size_t k = 0; k < variants[i].set.size(); ++k)
        v.require(variants[i].set[k].find('=') != std::string::npos && variants[i].set[k].front() != '=',
                  (at + ".set[" + std::to_string(k) + "]").c_str(),
                  "'" + variants[i].set[k] + "': expected key.path=value");
    }
    std::set<int> seen;
    for (int s : seeds) v.require(s >= 0 && seen.insert(s).second, "seeds", "seeds must be distinct and >= 0");
  }
};

}  // namespace facerep::trainers
