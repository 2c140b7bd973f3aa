#include <gtest/gtest.h>

#include "cli/config_doc.h"
#include "test_support.h"

namespace facerep::cli {
namespace {

TEST(ConfigDoc, DocsConfigMdMatchesTheBinary) {
  std::string out;
  ASSERT_EQ(testing::run_command(testing::binary_path() + " config doc 2>/dev/null", &out), 0);
  const std::string committed = testing::read_file(testing::source_dir() + "/docs/config.md");
  EXPECT_TRUE(out == committed)
      << "docs/config.md is out of date with the code: run scripts/gen_config_doc.sh";
  EXPECT_NE(out.find("## `train`"), std::string::npos);
  EXPECT_NE(out.find("| `train.epochs` | int | `1` | >= 1 |"), std::string::npos);
}

TEST(ConfigDoc, MarkdownGroupsSectionsAndComponentTypes) {
  const std::vector<core::DocRow> rows = {
      {"run", "section", "", "run things", ""},
      {"run.seed", "int", "0", "the seed", ""},
      {"model", "model (by type:)", "vit", "backbone", ""},
      {"model{type: vit}", "model options", "", "a vision transformer", ""},
      {"model{type: vit}.depth", "int", "12", "blocks | layers", ">= 1"},
      {"model{type: tiny}", "model options", "", "", ""},
      {"run.threads", "int", "0", "threads", ">= 0"},
  };
  const std::string md = rows_to_markdown(rows);
  const std::string expected =
      "## `run`\n\nrun things\n\n"
      "| key | type | default | constraint | description |\n|---|---|---|---|---|\n"
      "| `run.seed` | int | `0` |  | the seed |\n"
      "| `run.threads` | int | `0` | >= 0 | threads |\n\n"
      "## `model`\n\nbackbone\n\nChosen by `type:` (default: `vit`). Types: `vit`, `tiny`.\n\n"
      "### `model` type `vit`\n\na vision transformer\n\n"
      "| key | type | default | constraint | description |\n|---|---|---|---|---|\n"
      "| `model.depth` | int | `12` | >= 1 | blocks \\| layers |\n\n"
      "### `model` type `tiny`\n\nNo options.\n\n";
  EXPECT_EQ(md, expected);
}

}  // namespace
}  // namespace facerep::cli
