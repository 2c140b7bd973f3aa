#include "trainers/fewshot_config.h"

#include <filesystem>

namespace facerep::trainers {

FewshotConfig load_fewshot_config(const std::string& path, const std::vector<std::string>& overrides) {
  core::ConfigTree tree = core::ConfigTree::load_file(path);
  for (const auto& o : overrides) tree.apply_override(o);
  FewshotConfig config = core::read_options<FewshotConfig>(tree, tree.root(), "");
  if (config.encoders.empty())
    throw core::ConfigError(core::SourceLoc{tree.file(), 0}, "encoders", "list at least one encoder to compare");
  config.source_file = tree.file();
  config.base_dir = std::filesystem::absolute(tree.file()).parent_path().string();
  return config;
}

}  // namespace facerep::trainers
