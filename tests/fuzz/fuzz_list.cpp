// List reader: the input is a CSV/TSV list file. Rows may name the two images the harness keeps
// beside it (a.png, a 8x8 colour image; r.png, a region map), so get() decodes real samples.
#include <filesystem>
#include <mutex>

#include <opencv2/imgcodecs.hpp>

#include "data/sources/list.h"
#include "fuzz/fuzz_support.h"
#include "fuzz/fuzz_targets.h"

namespace facerep::fuzz {

namespace {
void write_list_images() {
  static std::once_flag once;
  std::call_once(once, [] {
    std::vector<uint8_t> png;
    cv::imencode(".png", cv::Mat(8, 8, CV_8UC3, cv::Scalar(10, 200, 30)), png);
    write_scratch("list/a.png", std::string(png.begin(), png.end()));
    cv::imencode(".png", cv::Mat(8, 8, CV_8UC1, cv::Scalar(1)), png);
    write_scratch("list/r.png", std::string(png.begin(), png.end()));
  });
}

void list_body(const std::vector<std::string>& parts) {
  write_list_images();
  data::ListSourceOptions options;
  options.path = write_scratch("list/list.csv", parts[0]);
  const data::ListSource source(options, data::SourceContext{scratch_path("list"), 0});
  source.describe();
  for (int64_t i = 0; i < source.size() && i < 8; ++i) {
    source.identity_of(i);
    source.get_encoded(i);
    source.get(i);
  }
}
}  // namespace

int fuzz_list(const uint8_t* data, size_t size) {
  return expect_clean_errors(list_body, {std::string(reinterpret_cast<const char*>(data), size)});
}

std::vector<std::string> seeds_list() {
  return {
      "path,identity\na.png,0\na.png,1\n",
      "path,identity,attr_smile,au_1,value_light\na.png,bob,1,0.5,-2\n\"a.png\",alice,0,0.25,3e2\n",
      "path\tidentity\tx0\ty0\tx1\ty1\tregion_map\na.png\t3\t1.5\t2\t6\t2.5\tr.png\na.png\t\t\t\t\t\t\n",
      "path,identity\r\nsub/../a.png,0\r\n",
  };
}

}  // namespace facerep::fuzz
