#include "data/formats/image_io.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/atomic_write.h"
#include "core/error.h"
#include "data/formats/jpeg_decode.h"

namespace facerep::data {
namespace {

enum class Format { kUnknown, kJpeg, kPng, kPnm, kBmp, kWebp };

Format sniff(const uint8_t* b, size_t n) {
  if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return Format::kJpeg;
  if (n >= 8 && std::memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0) return Format::kPng;
  if (n >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6') return Format::kPnm;
  if (n >= 2 && b[0] == 'B' && b[1] == 'M') return Format::kBmp;
  if (n >= 12 && std::memcmp(b, "RIFF", 4) == 0 && std::memcmp(b + 8, "WEBP", 4) == 0)
    return Format::kWebp;
  return Format::kUnknown;
}

// A JPEG is complete when its end-of-image marker follows the first scan. Marker segments before
// the scan are skipped by their lengths (an EXIF thumbnail carries its own EOI inside APP1);
// inside entropy-coded data 0xFF is always stuffed, so the first FF D9 there is the real EOI.
bool jpeg_complete(const uint8_t* b, size_t n) {
  size_t pos = 2;
  while (pos + 4 <= n) {
    if (b[pos] != 0xFF) return false;
    const uint8_t marker = b[pos + 1];
    if (marker == 0xFF) {  // fill byte
      ++pos;
      continue;
    }
    if (marker == 0xD9) return false;  // EOI before any scan
    const size_t len = (size_t(b[pos + 2]) << 8) | b[pos + 3];
    if (marker == 0xDA) {
      const size_t scan = pos + 2 + len;
      for (size_t i = scan; i + 1 < n; ++i)
        if (b[i] == 0xFF && b[i + 1] == 0xD9) return true;
      return false;
    }
    pos += 2 + len;
  }
  return false;
}

// A PNG ends with the IEND chunk; allow a little trailing padding after it.
bool png_complete(const uint8_t* b, size_t n) {
  const size_t from = n > 64 ? n - 64 : 0;
  for (size_t i = from; i + 4 <= n; ++i)
    if (std::memcmp(b + i, "IEND", 4) == 0) return true;
  return false;
}

int imread_flag(int reduce, const std::string& what) {
  switch (reduce) {
    case 1: return cv::IMREAD_COLOR;
    case 2: return cv::IMREAD_REDUCED_COLOR_2;
    case 4: return cv::IMREAD_REDUCED_COLOR_4;
    case 8: return cv::IMREAD_REDUCED_COLOR_8;
    default:
      throw core::RuntimeError(what + ": decode reduce factor must be 1, 2, 4 or 8, got " +
                               std::to_string(reduce));
  }
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

const std::vector<std::string>& image_extensions() {
  static const std::vector<std::string> exts = {".jpg", ".jpeg", ".png", ".pgm", ".ppm",
                                                ".pbm", ".bmp",  ".webp"};
  return exts;
}

bool has_image_extension(const std::string& path) {
  const std::string ext = lower(std::filesystem::path(path).extension().string());
  const auto& exts = image_extensions();
  return std::find(exts.begin(), exts.end(), ext) != exts.end();
}

std::vector<uint8_t> read_file_bytes(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw core::RuntimeError(path + ": missing (no such file)");
  if (std::filesystem::is_directory(path, ec))
    throw core::RuntimeError(path + ": is a directory, not a file");
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw core::RuntimeError(path + ": cannot read (" + std::strerror(errno) + ")");
  const std::streamoff size = in.tellg();
  if (size <= 0) throw core::RuntimeError(path + ": empty file (zero bytes)");
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), size))
    throw core::RuntimeError(path + ": read failed");
  return bytes;
}

bool check_encoded_image(const uint8_t* bytes, size_t size, const std::string& what) {
  if (size == 0) throw core::RuntimeError(what + ": empty file (zero bytes)");
  const Format format = sniff(bytes, size);
  if (format == Format::kUnknown)
    throw core::RuntimeError(what + ": not an image (content is not JPEG, PNG, PNM, BMP or WebP)");
  if (format == Format::kJpeg && !jpeg_complete(bytes, size))
    throw core::RuntimeError(what + ": truncated or corrupt JPEG (no end-of-image marker after the scan)");
  if (format == Format::kPng && !png_complete(bytes, size))
    throw core::RuntimeError(what + ": truncated or corrupt PNG (no IEND chunk)");
  return format == Format::kJpeg;
}

cv::Mat decode_image(const uint8_t* bytes, size_t size, const std::string& what, int reduce) {
  if (size == 0) throw core::RuntimeError(what + ": empty file (zero bytes)");
  const int flag = imread_flag(reduce, what);
  if (check_encoded_image(bytes, size, what)) {
    // libjpeg directly; empty when the file needs OpenCV (CMYK/YCCK, EXIF rotation).
    cv::Mat direct = decode_jpeg(bytes, size, what, 8 / reduce);
    if (!direct.empty()) return direct;
  }
  cv::Mat image;
  try {
    // cv::Mat over the caller's bytes: no copy.
    const cv::Mat buf(1, static_cast<int>(size), CV_8U, const_cast<uint8_t*>(bytes));
    image = cv::imdecode(buf, flag);
  } catch (const cv::Exception& e) {
    throw core::RuntimeError(what + ": corrupt image (" + e.msg + ")");
  }
  if (image.empty()) throw core::RuntimeError(what + ": corrupt or unsupported image (decoder failed)");
  if (image.channels() == 1) cv::cvtColor(image, image, cv::COLOR_GRAY2BGR);
  if (image.depth() != CV_8U) image.convertTo(image, CV_8U);
  return image;
}

cv::Mat read_image(const std::string& path, int reduce) {
  const std::vector<uint8_t> bytes = read_file_bytes(path);
  return decode_image(bytes.data(), bytes.size(), path, reduce);
}

void write_image(const std::string& path, const cv::Mat& image, bool durable) {
  // Encoded in memory, then written atomically: a full disk never leaves half a PNG.
  std::vector<uint8_t> bytes;
  bool ok = false;
  try {
    ok = cv::imencode(std::filesystem::path(path).extension().string(), image, bytes);
  } catch (const cv::Exception& e) {
    throw core::RuntimeError(path + ": cannot encode image (" + e.msg + ")");
  }
  if (!ok) throw core::RuntimeError(path + ": cannot encode image (unknown extension?)");
  core::write_file_atomic(path, reinterpret_cast<const char*>(bytes.data()), bytes.size(), durable);
}

}  // namespace facerep::data
