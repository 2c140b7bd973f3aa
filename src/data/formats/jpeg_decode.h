#pragma once
// JPEG decoding through libjpeg(-turbo) directly: faster than cv::imdecode (no extra copies, no
// per-call codec lookup) and able to decode only a region at a reduced DCT scale, which is what
// a random crop resized to 112x112 needs. Pixels match cv::imdecode, which uses the same library
// with the same settings (JDCT_ISLOW, fancy upsampling, BGR output).
//
// libjpeg reports errors through a longjmp and merely *warns* about corrupt data; both become
// core::RuntimeError "<what>: corrupt JPEG (<libjpeg's message>)" here, so a damaged file never
// passes as a sample. The caller checks structure (end-of-image marker) first, as decode_image does.
#include <cstddef>
#include <cstdint>
#include <string>

#include <opencv2/core/mat.hpp>

namespace facerep::data {

struct JpegHeader {
  cv::Size size;        // full-resolution width x height, as stored (before any EXIF rotation)
  // True when libjpeg alone reproduces cv::imdecode: 1 or 3 components and EXIF orientation 1
  // (or none). CMYK/YCCK files and rotated photos must go through OpenCV instead.
  bool direct = false;
};

// Reads the header (and APP1/EXIF) only. Throws core::RuntimeError on a corrupt header.
JpegHeader read_jpeg_header(const uint8_t* bytes, size_t size, const std::string& what);

// The whole image at scale scale_num/8 (1..8), CV_8UC3 BGR (grey expanded). Its size is
// ceil(width * scale_num / 8) x ceil(height * scale_num / 8). Returns an empty Mat, decoding
// nothing, when the header says !direct.
cv::Mat decode_jpeg(const uint8_t* bytes, size_t size, const std::string& what, int scale_num = 8);

// Part of the image decoded at scale scale_num/8: `pixels` covers the scaled image's columns
// [origin.x, origin.x + pixels.cols) and rows [origin.y, origin.y + pixels.rows), the smallest
// such block containing `region` (full-resolution pixels, clipped to the image) once scaled.
// Rows above and below are skipped and columns outside are not converted, so the cost falls
// with the region's area and the scale. Empty `pixels` when !direct.
struct JpegRegion {
  cv::Mat pixels;
  cv::Point origin;   // in scaled-image pixels
  cv::Size scaled;    // the scaled image's full size
  int scale_num = 8;
};
JpegRegion decode_jpeg_region(const uint8_t* bytes, size_t size, const std::string& what,
                              const cv::Rect& region, int scale_num);

// EXIF orientation (1..8) from an APP1 "Exif" payload (starting at "Exif\0\0"); 1 when absent
// or unreadable (OpenCV treats an unreadable tag the same way).
int exif_orientation(const uint8_t* app1, size_t size);

}  // namespace facerep::data
