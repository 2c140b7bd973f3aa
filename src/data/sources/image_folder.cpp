#include "data/sources/image_folder.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "core/error.h"
#include "data/formats/image_io.h"
#include "data/formats/landmark_io.h"

namespace facerep::data {
namespace fs = std::filesystem;

std::string resolve_path(const std::string& base_dir, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute() || base_dir.empty()) return path;
  return (fs::path(base_dir) / path).lexically_normal().string();
}

std::string pts_path_of(const std::string& image_path) {
  return fs::path(image_path).replace_extension(".pts").string();
}

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}
}  // namespace

ImageFolderSource::ImageFolderSource(const ImageFolderOptions& options, const SourceContext& context)
    : root_(resolve_path(context.base_dir, options.root)),
      reduce_(options.reduce),
      pts_landmarks_(options.landmarks == "pts") {
  std::error_code ec;
  if (!fs::is_directory(root_, ec))
    throw core::ConfigError("image_folder: root '" + root_ + "' is not a directory");
  std::vector<std::string> exts;
  for (const auto& e : options.extensions) exts.push_back(lower(e.empty() || e[0] == '.' ? e : "." + e));

  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(root_)) {
    if (entry.is_directory()) dirs.push_back(entry.path());
    else ++ignored_files_;
  }
  std::sort(dirs.begin(), dirs.end());
  for (const auto& dir : dirs) {
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(dir)) {
      const std::string ext = lower(entry.path().extension().string());
      if (entry.is_regular_file() && std::find(exts.begin(), exts.end(), ext) != exts.end())
        files.push_back(entry.path().string());
      else
        ++ignored_files_;
    }
    if (files.empty() || static_cast<int>(files.size()) < options.min_per_identity) {
      ++dropped_identities_;
      continue;
    }
    std::sort(files.begin(), files.end());
    const int64_t id = static_cast<int64_t>(names_.size());
    names_.push_back(dir.filename().string());
    for (auto& f : files) {
      // Checked here rather than at get(): a missing file should stop the run before training.
      if (pts_landmarks_ && !fs::is_regular_file(pts_path_of(f), ec))
        throw core::RuntimeError("image_folder: " + f + " has no landmark file " + pts_path_of(f) +
                                 " (landmarks: pts)");
      paths_.push_back(std::move(f));
      identities_.push_back(id);
    }
  }
  if (paths_.empty())
    throw core::RuntimeError("image_folder " + root_ + ": no images found (expected root/<identity>/<image> with extensions " +
                             [&] { std::string s; for (auto& e : exts) s += (s.empty() ? "" : " ") + e; return s; }() + ")");
}

int64_t ImageFolderSource::identity_of(int64_t index) const {
  return identities_.at(static_cast<size_t>(index));
}

Sample ImageFolderSource::labels_of(int64_t index) const {
  if (index < 0 || index >= size())
    throw core::RuntimeError("image_folder " + root_ + ": index " + std::to_string(index) + " out of range");
  Sample s;
  s.path = paths_[static_cast<size_t>(index)];
  s.identity = identities_[static_cast<size_t>(index)];
  s.index = index;
  return s;
}

std::optional<EncodedSample> ImageFolderSource::get_encoded(int64_t index) const {
  EncodedSample e;
  e.sample = labels_of(index);
  if (pts_landmarks_) return std::nullopt;  // landmarks must follow the full decode (source.h)
  e.bytes = read_file_bytes(e.sample.path);
  e.reduce = reduce_;
  return e;
}

Sample ImageFolderSource::get(int64_t index) const {
  if (!pts_landmarks_) return decode_encoded(*get_encoded(index));
  Sample s = labels_of(index);
  const std::string pts = pts_path_of(s.path);
  try {
    s.landmarks = read_pts(pts);
  } catch (const core::RuntimeError& e) {
    throw core::RuntimeError("image_folder: landmarks of " + s.path + ": " + e.what());
  }
  if (s.landmarks.size() != 136)
    throw core::RuntimeError("image_folder: landmarks of " + s.path + ": " + pts + " has " +
                             std::to_string(s.landmarks.size() / 2) + " points, expected the 68 of iBUG 300-W");
  s.image = read_image(s.path, reduce_);
  // Same convention as the list source: a 1/reduce decode scales the coordinates by 1/reduce.
  for (float& v : s.landmarks) v = static_cast<float>(v / reduce_);
  return s;
}

std::string ImageFolderSource::describe() const {
  std::string out = "image_folder " + root_ + ": " + std::to_string(names_.size()) + " identities, " +
                    std::to_string(paths_.size()) + " images";
  if (dropped_identities_) out += ", " + std::to_string(dropped_identities_) + " identities dropped (too few images)";
  if (ignored_files_) out += ", " + std::to_string(ignored_files_) + " non-image entries ignored";
  return out;
}

}  // namespace facerep::data
