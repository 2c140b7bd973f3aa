#include "data/regions/mean_shape_68.h"

namespace facerep::data {

const std::vector<cv::Point2f>& mean_shape_68() {
  // Written by scripts/mean_shape_68.py from the annotated faces in ../shared/data/landmarks:
  // each face's eye centres, nose tip and mouth corners fitted to the ArcFace template by a
  // similarity transform, then the 68 points averaged.
  // 46 faces; mean |five points - template| after fitting: 2.42 px
  static const std::vector<cv::Point2f> shape = {
      {17.3f, 56.5f}, {17.5f, 67.0f}, {18.4f, 77.4f}, {20.4f, 87.9f},
      {24.2f, 97.6f}, {30.5f, 105.9f}, {38.0f, 113.0f}, {46.2f, 118.9f},
      {55.9f, 120.7f}, {66.1f, 119.2f}, {75.5f, 113.8f}, {84.0f, 107.0f},
      {91.2f, 98.8f}, {95.9f, 89.1f}, {98.3f, 78.3f}, {99.4f, 67.3f},
      {100.0f, 56.0f}, {24.4f, 46.1f}, {28.6f, 41.3f}, {34.9f, 39.6f},
      {41.8f, 40.0f}, {48.2f, 42.7f}, {62.7f, 42.5f}, {69.7f, 39.9f},
      {76.9f, 39.3f}, {83.8f, 41.4f}, {88.8f, 46.3f}, {55.4f, 51.7f},
      {55.1f, 58.3f}, {54.9f, 64.9f}, {54.8f, 71.8f}, {47.0f, 76.5f},
      {50.9f, 78.2f}, {55.1f, 79.6f}, {59.5f, 78.3f}, {63.7f, 76.9f},
      {32.3f, 53.8f}, {36.4f, 51.5f}, {41.2f, 51.5f}, {45.4f, 54.0f},
      {41.2f, 54.9f}, {36.3f, 54.9f}, {66.8f, 54.2f}, {71.0f, 51.5f},
      {75.9f, 51.5f}, {80.3f, 53.9f}, {76.1f, 55.0f}, {71.2f, 54.9f},
      {39.7f, 90.4f}, {45.0f, 87.0f}, {51.0f, 86.4f}, {55.5f, 86.8f},
      {60.0f, 85.9f}, {66.9f, 87.3f}, {73.3f, 90.3f}, {67.3f, 96.9f},
      {60.5f, 99.5f}, {55.6f, 99.8f}, {50.6f, 99.4f}, {44.7f, 97.0f},
      {42.1f, 90.7f}, {51.0f, 88.9f}, {55.6f, 89.4f}, {60.1f, 89.0f},
      {70.7f, 90.7f}, {60.3f, 94.6f}, {55.5f, 95.2f}, {50.8f, 94.6f},
  };
  return shape;
}

}  // namespace facerep::data
