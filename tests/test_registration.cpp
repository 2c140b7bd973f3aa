#include "test_support.h"
#include "test_paths.h"

#ifdef FACEREP_TEST_HAS_RUNTIME
#include "runtime/register.h"
#endif
#ifdef FACEREP_TEST_HAS_DATA
#include "data/register.h"
#endif
#ifdef FACEREP_TEST_HAS_MODELS
#include "models/register.h"
#endif
#ifdef FACEREP_TEST_HAS_LOSSES
#include "losses/register.h"
#endif
#ifdef FACEREP_TEST_HAS_EVAL
#include "eval/register.h"
#endif
#ifdef FACEREP_TEST_HAS_DIST
#include "dist/register.h"
#endif
#ifdef FACEREP_TEST_HAS_TRAINERS
#include "trainers/register.h"
#endif

namespace facerep::testing {
void register_linked_components() {
#ifdef FACEREP_TEST_HAS_RUNTIME
  runtime::register_components();
#endif
#ifdef FACEREP_TEST_HAS_DATA
  data::register_components();
#endif
#ifdef FACEREP_TEST_HAS_MODELS
  models::register_components();
#endif
#ifdef FACEREP_TEST_HAS_LOSSES
  losses::register_components();
#endif
#ifdef FACEREP_TEST_HAS_EVAL
  eval::register_components();
#endif
#ifdef FACEREP_TEST_HAS_DIST
  dist::register_components();
#endif
#ifdef FACEREP_TEST_HAS_TRAINERS
  trainers::register_components();
#endif
}
}  // namespace facerep::testing
