#pragma once

namespace facerep::losses {
// Registers every objective. Idempotent.
void register_components();
void register_supervised_objectives();  // supervised_registration.cpp: margin, softmax, triplet, symmetry, sum
void register_pretrain_objectives();    // pretrain_registration.cpp: mae, fsfm
void register_au_objectives();          // au/au_registration.cpp: au
}  // namespace facerep::losses
