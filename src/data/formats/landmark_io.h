#pragma once
// Landmark annotation reader for iBUG `.pts` files (the image_folder source's `landmarks: pts`):
// landmark vectors x0,y0,x1,y1,... in the pixel coordinates written in the file.
#include <string>
#include <vector>

namespace facerep::data {

// Reads an iBUG .pts file ("version: 1", "n_points: N", "{", N lines "x y", "}").
// Coordinates are returned exactly as written. Throws core::RuntimeError "<path>:<line>: reason".
std::vector<float> read_pts(const std::string& path);

}  // namespace facerep::data
