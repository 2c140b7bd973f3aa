#pragma once
// Landmark annotation readers: iBUG `.pts` files and dlib's image-metadata XML. Both yield
// landmark vectors x0,y0,x1,y1,... in the pixel coordinates written in the file.
#include <string>
#include <vector>

namespace facerep::data {

// Reads an iBUG .pts file ("version: 1", "n_points: N", "{", N lines "x y", "}").
// Coordinates are returned exactly as written. Throws core::RuntimeError "<path>:<line>: reason".
std::vector<float> read_pts(const std::string& path);

struct DlibBox {
  int top = 0, left = 0, width = 0, height = 0;
  bool ignore = false;
  std::vector<float> landmarks;  // parts ordered by their numeric name ("00", "01", ...)
};

struct DlibImage {
  std::string file;  // as written, relative to the XML's folder
  int width = 0, height = 0;  // 0 when the XML does not say
  std::vector<DlibBox> boxes;
};

// Reads a dlib imglab XML (<image file=...><box top left width height><part name x y/>...).
// Throws core::RuntimeError "<path>:<line>: reason" on malformed tags or part names.
std::vector<DlibImage> read_dlib_xml(const std::string& path);

}  // namespace facerep::data
