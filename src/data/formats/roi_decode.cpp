#include "data/formats/roi_decode.h"

#include <algorithm>

#include <opencv2/imgproc.hpp>

#include "data/formats/image_io.h"
#include "data/formats/jpeg_decode.h"
#include "data/sample_geometry.h"

namespace facerep::data {
namespace {

int ceil_div(int a, int b) { return (a + b - 1) / b; }

// Smallest M in {1, 2, 4, 8}, at most max_num, with region * reduce * M / 8 >= output along both
// axes. Only powers of two: libjpeg-turbo has SIMD inverse DCTs for 8x8, 4x4 and 2x2 (1x1 is
// trivial); its 3/8, 5/8, 6/8 and 7/8 scales run in plain C and cost more than a full decode.
int dct_scale(const cv::Rect& region, int reduce, const cv::Size& output, int max_num) {
  const int need = std::max(ceil_div(8 * output.width, region.width * reduce),
                            ceil_div(8 * output.height, region.height * reduce));
  int num = 1;
  while (num < need && num < max_num) num *= 2;
  return num;
}

}  // namespace

bool plans_crop(const Transform& transform) {
  std::mt19937_64 throwaway(0);
  return transform.plan_crop(cv::Size(64, 64), throwaway).has_value();
}

bool decode_planned(const uint8_t* bytes, size_t size, int reduce, const std::string& what,
                    const Transform& first, std::mt19937_64& rng, cv::Mat& image) {
  if (reduce != 1 && reduce != 2 && reduce != 4 && reduce != 8) return false;
  if (!check_encoded_image(bytes, size, what)) return false;  // not a JPEG
  const JpegHeader header = read_jpeg_header(bytes, size, what);
  if (!header.direct) return false;
  // The image the transform would have been given: libjpeg's size at 1/reduce.
  const cv::Size seen(ceil_div(header.size.width, reduce), ceil_div(header.size.height, reduce));
  const std::optional<CropPlan> plan = first.plan_crop(seen, rng);
  if (!plan) return false;

  const cv::Rect& r = plan->region;
  const int full_num = 8 / reduce;  // the scale a full decode would use
  const bool inside = (r & cv::Rect(cv::Point(0, 0), seen)) == r;
  // A crop reaching past the image (center_crop padding) keeps full_num: its zeros must stay
  // exactly where crop_resize_sample puts them.
  const int num = inside ? dct_scale(r, reduce, plan->output, full_num) : full_num;
  const cv::Rect full_res(r.x * reduce, r.y * reduce, r.width * reduce, r.height * reduce);
  const JpegRegion block = decode_jpeg_region(bytes, size, what, full_res, num);

  if (num == full_num) {
    // Same pixels as the full decode (up to libjpeg's block edges): crop and resize exactly as
    // the transform would.
    Sample part;
    part.image = block.pixels;
    part.path = what;
    crop_resize_sample(part, r - block.origin, plan->output);
    image = part.image;
    return true;
  }
  // Reduced scale: output pixel centre u maps to (u + 0.5) * k + t - 0.5 in the block, with k the
  // scaled crop size over the output size and t the crop's scaled offset within the block.
  const double s = num / 8.0;
  const double kx = full_res.width * s / plan->output.width;
  const double ky = full_res.height * s / plan->output.height;
  const double tx = full_res.x * s - block.origin.x, ty = full_res.y * s - block.origin.y;
  const cv::Matx23d to_block(kx, 0, 0.5 * kx + tx - 0.5, 0, ky, 0.5 * ky + ty - 0.5);
  cv::warpAffine(block.pixels, image, to_block, plan->output, cv::INTER_LINEAR | cv::WARP_INVERSE_MAP,
                 cv::BORDER_REPLICATE);
  return true;
}

}  // namespace facerep::data
