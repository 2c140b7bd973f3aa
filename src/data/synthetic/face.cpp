#include "data/synthetic/face.h"

#include "data/synthetic/face_draw.h"

namespace facerep::data {
const std::vector<std::string>& synthetic_attribute_names() {
  static const std::vector<std::string> names = {"glasses", "beard", "long_hair", "dark_hair", "bangs"};
  return names;
}

const std::vector<std::string>& synthetic_au_names() {
  static const std::vector<std::string> names = {"brow_raise", "brow_lower", "smile", "lips_part",
                                                 "eye_closure"};
  return names;
}

SyntheticFace render_synthetic_face(uint64_t seed, int64_t identity, int64_t index,
                                    const SyntheticFaceOptions& options) {
  // The parts are drawn back to front; the order is also the order of the random draws.
  synthetic::FaceDrawing face(synthetic::make_identity(seed, identity), synthetic::key(seed, identity, index, 0x1A6E),
                              options);
  face.draw_head_and_hair();
  face.draw_fringe();
  face.draw_beard();
  face.draw_eyes();
  face.draw_brows();
  face.draw_nose();
  face.draw_mouth();
  face.draw_glasses();
  face.jaw_landmarks();
  face.draw_occluder();
  face.apply_lighting();
  face.apply_blur_and_noise();
  return face.finish();
}

}  // namespace facerep::data
