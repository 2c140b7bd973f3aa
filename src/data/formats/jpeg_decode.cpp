#include "data/formats/jpeg_decode.h"

#include <algorithm>
#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE
#include <cstring>
#include <vector>

#include <jpeglib.h>
#include <jerror.h>

#include "core/error.h"

namespace facerep::data {
namespace {

struct ErrorManager {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void on_error(j_common_ptr c) {
  auto* e = reinterpret_cast<ErrorManager*>(c->err);
  (*c->err->format_message)(c, e->message);
  std::longjmp(e->jump, 1);
}

// libjpeg reports corrupt data (bad Huffman codes, premature end) as a warning (level -1) and
// carries on with grey filler; a sample with filler is worse than no sample. One warning is
// harmless and common in real face sets (scraped JPEGs): "extraneous bytes before marker", junk
// between the scan and the next marker, after which every pixel has decoded; OpenCV and PIL
// accept those files, and so do we. Trace messages (level >= 0) are ignored.
void on_message(j_common_ptr c, int level) {
  if (level < 0 && c->err->msg_code != JWRN_EXTRANEOUS_DATA) on_error(c);
}

int ceil_div(int a, int b) { return (a + b - 1) / b; }

uint32_t read_u16(const uint8_t* p, bool little) {
  return little ? (p[0] | (p[1] << 8)) : ((p[0] << 8) | p[1]);
}
uint32_t read_u32(const uint8_t* p, bool little) {
  return little ? (uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24))
                : ((uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]));
}

// What one pass over a JPEG should do, and what it found.
struct Job {
  bool header_only = false;
  bool crop = false;
  cv::Rect region;    // full resolution, when crop
  int scale_num = 8;  // over 8
  JpegHeader header;
  JpegRegion out;
};

int orientation_of(const jpeg_decompress_struct& ci) {
  for (jpeg_saved_marker_ptr m = ci.marker_list; m != nullptr; m = m->next)
    if (m->marker == JPEG_APP0 + 1 && m->data_length >= 6 && std::memcmp(m->data, "Exif\0\0", 6) == 0)
      return exif_orientation(m->data, m->data_length);
  return 1;
}

// Every libjpeg call lives in this one function so that a longjmp from the error handler lands
// in the frame that owns the decompressor. Objects with destructors are created before setjmp:
// a longjmp must not jump over a constructor.
void run(const uint8_t* bytes, size_t size, const std::string& what, Job& job) {
  jpeg_decompress_struct ci;
  ErrorManager err;
  std::memset(&ci, 0, sizeof ci);
  std::vector<JSAMPROW> rows;
  std::vector<JSAMPLE> scratch;  // the last row, read only to reach the end of the data
  cv::Mat block;
  ci.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = on_error;
  err.pub.emit_message = on_message;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&ci);
    throw core::RuntimeError(what + ": corrupt JPEG (" + err.message + ")");
  }
  jpeg_create_decompress(&ci);
  jpeg_mem_src(&ci, bytes, static_cast<unsigned long>(size));
  jpeg_save_markers(&ci, JPEG_APP0 + 1, 0xFFFF);  // EXIF, for the orientation tag
  jpeg_read_header(&ci, TRUE);
  job.header.size = cv::Size(static_cast<int>(ci.image_width), static_cast<int>(ci.image_height));
  job.header.direct = (ci.num_components == 1 || ci.num_components == 3) && orientation_of(ci) == 1;
  if (job.header_only || !job.header.direct) {
    jpeg_destroy_decompress(&ci);
    return;
  }

  ci.out_color_space = JCS_EXT_BGR;  // grey sources are expanded by libjpeg
  ci.scale_num = static_cast<unsigned>(job.scale_num);
  ci.scale_denom = 8;
  jpeg_start_decompress(&ci);
  const int W = static_cast<int>(ci.output_width), H = static_cast<int>(ci.output_height);
  int x0 = 0, x1 = W, y0 = 0, y1 = H;
  if (job.crop) {
    // The scaled block holding the region: floor of its start, ceiling of its end, at least 1 pixel.
    const cv::Rect r = job.region;
    x0 = std::clamp(r.x * job.scale_num / 8, 0, W - 1);
    y0 = std::clamp(r.y * job.scale_num / 8, 0, H - 1);
    x1 = std::clamp(ceil_div((r.x + r.width) * job.scale_num, 8), x0 + 1, W);
    y1 = std::clamp(ceil_div((r.y + r.height) * job.scale_num, 8), y0 + 1, H);
  }
  JDIMENSION cx = static_cast<JDIMENSION>(x0), cw = static_cast<JDIMENSION>(x1 - x0);
  if (static_cast<int>(cw) < W) jpeg_crop_scanline(&ci, &cx, &cw);  // widens to iMCU boundaries
  else cx = 0;
  block.create(y1 - y0, static_cast<int>(cw), CV_8UC3);
  rows.resize(static_cast<size_t>(y1 - y0));
  for (int r = 0; r < y1 - y0; ++r) rows[static_cast<size_t>(r)] = block.ptr(r);
  if (y0 > 0) jpeg_skip_scanlines(&ci, static_cast<JDIMENSION>(y0));
  while (static_cast<int>(ci.output_scanline) < y1) {
    const int done = static_cast<int>(ci.output_scanline) - y0;
    jpeg_read_scanlines(&ci, rows.data() + done, static_cast<JDIMENSION>(y1 - y0 - done));
  }
  // Skipping straight to the end would mark the input finished without reading it; skipping to
  // the last row and reading that one still entropy-decodes the rest (no IDCT, no colour
  // conversion), so corrupt data below the region and garbage before the end marker are found
  // just as on a full decode.
  if (static_cast<int>(ci.output_scanline) < H) {
    if (static_cast<int>(ci.output_scanline) < H - 1)
      jpeg_skip_scanlines(&ci, static_cast<JDIMENSION>(H - 1 - static_cast<int>(ci.output_scanline)));
    scratch.resize(static_cast<size_t>(cw) * 3);
    JSAMPROW last = scratch.data();
    jpeg_read_scanlines(&ci, &last, 1);
  }
  jpeg_finish_decompress(&ci);
  jpeg_destroy_decompress(&ci);

  const int shift = x0 - static_cast<int>(cx);
  job.out.pixels = (shift == 0 && x1 - x0 == block.cols) ? block : block.colRange(shift, shift + x1 - x0);
  job.out.origin = cv::Point(x0, y0);
  job.out.scaled = cv::Size(W, H);
  job.out.scale_num = job.scale_num;
}

void check_scale(int scale_num, const std::string& what) {
  if (scale_num < 1 || scale_num > 8)
    throw core::RuntimeError(what + ": JPEG scale must be 1/8 .. 8/8, got " + std::to_string(scale_num) + "/8");
}

}  // namespace

int exif_orientation(const uint8_t* app1, size_t size) {
  // "Exif\0\0", then a TIFF header: byte order "II"/"MM", 42, offset of IFD0 (from the TIFF start).
  if (size < 6 + 8 || std::memcmp(app1, "Exif\0\0", 6) != 0) return 1;
  const uint8_t* tiff = app1 + 6;
  const size_t n = size - 6;
  const bool little = tiff[0] == 'I' && tiff[1] == 'I';
  if (!little && !(tiff[0] == 'M' && tiff[1] == 'M')) return 1;
  if (read_u16(tiff + 2, little) != 42) return 1;
  const size_t ifd = read_u32(tiff + 4, little);
  if (ifd + 2 > n) return 1;
  const size_t entries = read_u16(tiff + ifd, little);
  for (size_t i = 0; i < entries; ++i) {
    const size_t e = ifd + 2 + 12 * i;  // tag, type, count, value: 2 + 2 + 4 + 4 bytes
    if (e + 12 > n) return 1;
    if (read_u16(tiff + e, little) != 0x0112) continue;
    if (read_u16(tiff + e + 2, little) != 3) return 1;  // orientation is a SHORT
    const int v = static_cast<int>(read_u16(tiff + e + 8, little));
    return v >= 1 && v <= 8 ? v : 1;
  }
  return 1;
}

JpegHeader read_jpeg_header(const uint8_t* bytes, size_t size, const std::string& what) {
  Job job;
  job.header_only = true;
  run(bytes, size, what, job);
  return job.header;
}

cv::Mat decode_jpeg(const uint8_t* bytes, size_t size, const std::string& what, int scale_num) {
  check_scale(scale_num, what);
  Job job;
  job.scale_num = scale_num;
  run(bytes, size, what, job);
  return job.out.pixels;
}

JpegRegion decode_jpeg_region(const uint8_t* bytes, size_t size, const std::string& what,
                              const cv::Rect& region, int scale_num) {
  check_scale(scale_num, what);
  if (region.width <= 0 || region.height <= 0)
    throw core::RuntimeError(what + ": empty JPEG decode region");
  Job job;
  job.crop = true;
  job.region = region;
  job.scale_num = scale_num;
  run(bytes, size, what, job);
  return job.out;
}

}  // namespace facerep::data
