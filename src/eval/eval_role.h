#pragma once
// What an evaluation is for. `validation` results may choose a checkpoint (best.ckpt);
// `test` results are only reported, so held-out test data never influences a choice.
#include <string>

namespace facerep::eval {

inline constexpr const char* kValidationRole = "validation";
inline constexpr const char* kTestRole = "test";

// The `role` key, declared once for every evaluator's options.
template <class V> void visit_role(V& v, std::string& role) {
  v("role", role,
    "validation: its primary metric may choose best.ckpt | test: only reported. Default test, so a held-out "
    "set never selects a checkpoint unless it is marked validation")
      .one_of({kValidationRole, kTestRole});
}

}  // namespace facerep::eval
