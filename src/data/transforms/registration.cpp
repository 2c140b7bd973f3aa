#include "data/register.h"
#include "data/regions/region_transform.h"
#include "data/transforms/transform.h"
#include "data/transforms/align.h"
#include "data/transforms/color.h"
#include "data/transforms/erasing.h"
#include "data/transforms/flip.h"
#include "data/transforms/geometric.h"
#include "data/transforms/normalize.h"

namespace facerep::data {

namespace {
template <class T, class Options>
void add(const std::string& name, const std::string& help) {
  transform_registry().add<Options>(
      name, help, std::function<std::shared_ptr<Transform>(const Options&)>(
                      [](const Options& o) { return std::make_shared<T>(o); }));
}
}  // namespace

void register_transforms() {
  add<Resize, ResizeOptions>("resize", "resize to a fixed size (bilinear; landmarks and regions follow)");
  add<CenterCrop, CenterCropOptions>("center_crop", "crop the centre (zero padding when larger than the image)");
  add<RandomResizedCrop, RandomResizedCropOptions>(
      "random_resized_crop", "random crop of random area and aspect ratio, resized (torchvision semantics)");
  add<HorizontalFlip, HorizontalFlipOptions>(
      "horizontal_flip", "mirror with probability p; left/right landmarks and regions are swapped");
  add<ColorJitter, ColorJitterOptions>("color_jitter", "random brightness, contrast, saturation and hue");
  add<Grayscale, GrayscaleOptions>("grayscale", "replace colours by luma with probability p");
  add<GaussianBlur, GaussianBlurOptions>("gaussian_blur", "Gaussian blur with a random sigma");
  add<RandomErasing, RandomErasingOptions>("random_erasing", "erase a random rectangle with probability p");
  add<Normalize, NormalizeOptions>("normalize", "to float RGB, (x/255 - mean) / std (else collation uses 0.5/0.5)");
  add<Align, AlignOptions>("align", "warp onto the ArcFace 5-point template using the sample's landmarks");
  add<FaceRegions, FaceRegionsOptions>(
      "face_regions", "facial-region map from the sample's landmarks or a template of an aligned crop (for crfr_p)");
}

}  // namespace facerep::data
