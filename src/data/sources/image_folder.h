#pragma once
// `type: image_folder`: root/<identity>/<image>. Identities sorted by folder name give class
// indices 0..N-1; images within an identity are sorted by file name. With `landmarks: pts` each
// image has its iBUG 300-W landmarks beside it in <stem>.pts.
#include <string>
#include <vector>

#include "data/sources/source.h"

namespace facerep::data {

struct ImageFolderOptions {
  std::string root;
  std::vector<std::string> extensions = {".jpg", ".jpeg", ".png", ".pgm", ".ppm", ".bmp", ".webp"};
  int min_per_identity = 0;
  int reduce = 1;
  std::string landmarks = "none";

  template <class V> void visit(V& v) {
    v("root", root, "folder holding one sub-folder per identity (relative to the config)").non_empty();
    v("extensions", extensions, "image file extensions to read (case-insensitive)").non_empty();
    v("min_per_identity", min_per_identity,
      "drop identities with fewer images than this (0 keeps all)").min(0);
    v("reduce", reduce, "decode at 1/reduce scale (1, 2, 4, 8; fast for JPEG); landmarks follow");
    v("landmarks", landmarks,
      "none, or pts: read each image's 68 iBUG landmarks from <stem>.pts beside it (300-W layout, "
      "pixel coordinates); every image must have one")
        .one_of({"none", "pts"});
    v.require(reduce == 1 || reduce == 2 || reduce == 4 || reduce == 8, "reduce",
              "must be 1, 2, 4 or 8, got " + std::to_string(reduce));
  }
};

class ImageFolderSource : public Source {
 public:
  ImageFolderSource(const ImageFolderOptions& options, const SourceContext& context);
  int64_t size() const override { return static_cast<int64_t>(paths_.size()); }
  Sample get(int64_t index) const override;
  std::optional<EncodedSample> get_encoded(int64_t index) const override;
  int64_t num_identities() const override { return static_cast<int64_t>(names_.size()); }
  int64_t identity_of(int64_t index) const override;
  std::string describe() const override;

  const std::vector<std::string>& identity_names() const { return names_; }
  const std::string& path_of(int64_t index) const { return paths_.at(static_cast<size_t>(index)); }

 private:
  Sample labels_of(int64_t index) const;  // everything but the image and landmarks; checks the index

  std::string root_;
  int reduce_;
  bool pts_landmarks_;
  std::vector<std::string> names_;
  std::vector<std::string> paths_;
  std::vector<int64_t> identities_;
  int64_t ignored_files_ = 0;
  int64_t dropped_identities_ = 0;
};

// The iBUG .pts file beside `image_path`: the same name with the extension .pts.
std::string pts_path_of(const std::string& image_path);

// `path` if absolute, else base_dir/path (base_dir empty = current directory).
std::string resolve_path(const std::string& base_dir, const std::string& path);

}  // namespace facerep::data
