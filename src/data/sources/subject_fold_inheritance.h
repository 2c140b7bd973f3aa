#pragma once
// Evaluations of a subject-fold run inherit its split: inside `eval:`, any mapping with
// `type: subject_fold` and no `source:` (e.g. eval[i].data.source, eval[i].threshold_data.source)
// gets data.train.source's wrapped source and split keys (subject_fold_split_keys()), so it
// names the same subjects, fold and seed as training; it sets only `part` itself. Applied to
// the config tree before it is typed, so the resolved config.yaml holds the full specs.
#include "core/config_tree.h"

namespace facerep::data {

// Throws core::ConfigError naming the key when such an entry exists but data.train.source is not
// a subject_fold, when the entry sets a split key itself, or when it lacks `part`.
void inherit_subject_folds(core::ConfigTree& tree);

}  // namespace facerep::data
