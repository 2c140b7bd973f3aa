#pragma once
// Image decoding with errors that name the file and the reason. Files are read into memory so
// their structure can be checked first: libjpeg only *warns* on a truncated JPEG and returns a
// grey-padded image, which we must not pass off as a sample. JPEGs are decoded by libjpeg
// directly (jpeg_decode.h, same pixels as cv::imdecode, faster); everything else, and the JPEGs
// libjpeg alone cannot match OpenCV on (CMYK/YCCK, EXIF-rotated), by cv::imdecode.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace facerep::data {

// File extensions (lower case, with the dot) the folder and list sources accept.
const std::vector<std::string>& image_extensions();
// True when `path` ends in one of image_extensions() (case-insensitive).
bool has_image_extension(const std::string& path);

// Whole file as bytes. Throws core::RuntimeError "<path>: missing" / "cannot read" / "empty file".
std::vector<uint8_t> read_file_bytes(const std::string& path);

// Decodes an encoded image (JPEG, PNG, PGM/PPM, BMP, WebP) to CV_8UC3 BGR (grey is expanded).
// `reduce` in {1,2,4,8} decodes at 1/reduce scale (cheap for JPEG: libjpeg's DCT scaling).
// `what` names the image in errors (a path, "file.rec@offset 1234", ...). Throws
// core::RuntimeError "<what>: <reason>" for zero bytes, truncated data and non-images.
cv::Mat decode_image(const uint8_t* bytes, size_t size, const std::string& what, int reduce = 1);

// The checks decode_image makes before decoding: throws core::RuntimeError "<what>: <reason>"
// for zero bytes, content that is no supported image, and truncated JPEG/PNG files. Returns true
// when the bytes hold a JPEG.
bool check_encoded_image(const uint8_t* bytes, size_t size, const std::string& what);

// read_file_bytes + decode_image.
cv::Mat read_image(const std::string& path, int reduce = 1);

// Writes an image (format from the extension); throws core::RuntimeError naming the path on failure.
// Encodes by the extension and writes atomically (core/atomic_write.h); `durable` = false for bulk
// exports (no fsync per image).
void write_image(const std::string& path, const cv::Mat& image, bool durable = true);

}  // namespace facerep::data
