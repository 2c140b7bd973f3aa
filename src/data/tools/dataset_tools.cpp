#include "data/tools/dataset_tools.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <opencv2/imgproc.hpp>

#include "core/atomic_write.h"
#include "core/error.h"
#include "data/transforms/face_align.h"
#include "data/formats/image_io.h"
#include "data/formats/packed_format.h"
#include "data/sources/image_folder.h"
#include "data/sources/list.h"
#include "data/sources/packed.h"
#include "data/sources/recordio.h"

namespace facerep::data {
namespace fs = std::filesystem;

std::shared_ptr<Source> open_source_path(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw core::ConfigError(path + ": no such file or folder");
  const SourceContext context;
  if (fs::is_directory(path, ec)) {
    if (fs::is_regular_file(fs::path(path) / "labels.csv", ec)) {
      ListSourceOptions o;
      o.path = (fs::path(path) / "labels.csv").string();
      return std::make_shared<ListSource>(o, context);
    }
    ImageFolderOptions o;
    o.root = path;
    return std::make_shared<ImageFolderSource>(o, context);
  }
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".csv" || ext == ".tsv") {
    ListSourceOptions o;
    o.path = path;
    return std::make_shared<ListSource>(o, context);
  }
  if (ext == ".rec") {
    RecordIOOptions o;
    o.path = path;
    return std::make_shared<RecordIOSource>(o, context);
  }
  if (ext == ".frp") {
    PackedSourceOptions o;
    o.path = {path};
    return std::make_shared<PackedSource>(o, context);
  }
  throw core::ConfigError(path + ": cannot tell the dataset type (expected a folder, .csv/.tsv, .rec or .frp; "
                                 "or pass a YAML config)");
}

int64_t export_synthetic(const std::string& out, const SynthExportOptions& options) {
  if (options.landmarks != 5 && options.landmarks != 68)
    throw core::ConfigError("synthetic export: landmarks must be 5 or 68, got " + std::to_string(options.landmarks));
  fs::create_directories(out);
  // The list is written last, atomically: it names only images that exist.
  std::ostringstream csv;
  csv << "path,identity";
  for (const auto& n : synthetic_attribute_names()) csv << ",attr_" << n;
  for (const auto& n : synthetic_au_names()) csv << ",au_" << n;
  for (int k = 0; k < options.landmarks; ++k) csv << ",x" << k << ",y" << k;
  csv << ",region_map\n";
  csv.precision(7);
  int64_t written = 0;
  for (int id = 0; id < options.identities; ++id) {
    const std::string sub = std::to_string(id);
    fs::create_directories(fs::path(out) / "images" / sub);
    fs::create_directories(fs::path(out) / "regions" / sub);
    for (int i = 0; i < options.per_identity; ++i) {
      const SyntheticFace f = render_synthetic_face(options.seed, id, i, options.face);
      const std::string image = "images/" + sub + "/" + std::to_string(i) + ".png";
      const std::string region = "regions/" + sub + "/" + std::to_string(i) + ".png";
      write_image((fs::path(out) / image).string(), f.image, false);
      write_image((fs::path(out) / region).string(), f.region_map, false);
      csv << image << ',' << id;
      for (float v : f.attributes) csv << ',' << v;
      for (float v : f.aus) csv << ',' << v;
      for (float v : options.landmarks == 68 ? f.landmarks68 : f.landmarks5) csv << ',' << v;
      csv << ',' << region << '\n';
      ++written;
    }
  }
  core::write_file_atomic((fs::path(out) / "labels.csv").string(), csv.str());
  return written;
}

namespace {
// Resizes a sample to size x size without alignment (landmarks scaled, region map nearest).
void resize_sample(Sample& s, int size) {
  const double sx = static_cast<double>(size) / s.image.cols, sy = static_cast<double>(size) / s.image.rows;
  cv::resize(s.image, s.image, cv::Size(size, size), 0, 0, cv::INTER_AREA);
  if (!s.region_map.empty()) cv::resize(s.region_map, s.region_map, cv::Size(size, size), 0, 0, cv::INTER_NEAREST);
  for (size_t i = 0; i + 1 < s.landmarks.size(); i += 2) {
    // Pixel centres: x' + 0.5 = (x + 0.5) * scale.
    s.landmarks[i] = static_cast<float>((s.landmarks[i] + 0.5) * sx - 0.5);
    s.landmarks[i + 1] = static_cast<float>((s.landmarks[i + 1] + 0.5) * sy - 0.5);
  }
}
}  // namespace

PackResult pack_source(const Source& source, const std::string& out, const PackOptions& options,
                       const std::function<void(int64_t, int64_t)>& progress) {
  const int64_t n = source.size();
  if (n == 0) throw core::RuntimeError("pack: the source is empty");
  PackResult result;
  std::unique_ptr<PackedWriter> writer;
  for (int64_t i = 0; i < n; ++i) {
    Sample s = source.get(i);
    const bool can_align = options.align && (s.landmarks.size() == 10 || s.landmarks.size() == 136);
    if (can_align) {
      align_sample(s, options.size);
      ++result.aligned;
    } else if (s.image.cols != options.size || s.image.rows != options.size) {
      resize_sample(s, options.size);
      ++result.resized;
    }
    if (!writer) {
      PackedLayout layout;
      layout.height = layout.width = options.size;
      layout.channels = s.image.channels();
      layout.num_attributes = static_cast<int>(s.attributes.size());
      layout.num_aus = static_cast<int>(s.aus.size());
      layout.num_landmarks = static_cast<int>(s.landmarks.size());
      layout.region_map = !s.region_map.empty();
      writer = std::make_unique<PackedWriter>(out, layout);
    }
    writer->add(s);
    if (progress && (i % 256 == 255 || i + 1 == n)) progress(i + 1, n);
  }
  writer->finish();
  result.written = writer->count();
  return result;
}

CheckReport check_source(const Source& source, int64_t max_listed) {
  CheckReport r;
  r.description = source.describe();
  r.images = source.size();
  r.identities = source.num_identities();
  std::map<int64_t, int64_t> counts;
  for (int64_t i = 0; i < r.images; ++i) {
    try {
      const Sample s = source.get(i);
      const int64_t id = s.identity;
      if (id < 0) ++r.unlabelled;
      else ++counts[id];
      ++r.image_sizes[std::to_string(s.image.cols) + "x" + std::to_string(s.image.rows)];
    } catch (const core::RuntimeError& e) {
      ++r.failure_count;
      // The message already names the file (and line/offset); keep the index alongside.
      if (static_cast<int64_t>(r.failures.size()) < max_listed)
        r.failures.emplace_back("sample " + std::to_string(i), e.what());
      const int64_t id = source.identity_of(i);
      if (id < 0) ++r.unlabelled;
      else ++counts[id];
    }
  }
  if (!counts.empty()) {
    std::vector<int64_t> c;
    for (const auto& kv : counts) c.push_back(kv.second);
    if (r.identities > static_cast<int64_t>(c.size()))
      c.resize(static_cast<size_t>(r.identities), 0);  // identities with no image count as 0
    std::sort(c.begin(), c.end());
    r.per_identity_min = c.front();
    r.per_identity_max = c.back();
    r.per_identity_median = c[c.size() / 2];
  }
  return r;
}

std::string format_check_report(const CheckReport& r) {
  std::ostringstream os;
  os << r.description << "\n";
  os << "images: " << r.images << "\n";
  if (r.identities >= 0) {
    os << "identities: " << r.identities << "\n";
    os << "images per identity: min " << r.per_identity_min << ", median " << r.per_identity_median
       << ", max " << r.per_identity_max << "\n";
  } else {
    os << "identities: none (no identity labels)\n";
  }
  if (r.unlabelled) os << "without identity: " << r.unlabelled << "\n";
  os << "image sizes:";
  std::vector<std::pair<int64_t, std::string>> sizes;
  for (const auto& kv : r.image_sizes) sizes.emplace_back(-kv.second, kv.first);
  std::sort(sizes.begin(), sizes.end());
  for (size_t i = 0; i < sizes.size() && i < 8; ++i) os << " " << sizes[i].second << " (" << -sizes[i].first << ")";
  if (sizes.size() > 8) os << " and " << sizes.size() - 8 << " more";
  os << "\n";
  os << "unreadable: " << r.failure_count << "\n";
  for (const auto& f : r.failures) os << "  " << f.second << "\n";
  if (r.failure_count > static_cast<int64_t>(r.failures.size()))
    os << "  ... and " << r.failure_count - static_cast<int64_t>(r.failures.size()) << " more\n";
  return os.str();
}

}  // namespace facerep::data
