#include "core/crc32c.h"

#include <algorithm>
#include <climits>

#include <isa-l/crc.h>

namespace facerep::core {

uint32_t crc32c(const void* data, size_t size, uint32_t crc) {
  // ISA-L's crc32_iscsi neither inverts its input nor its output (iSCSI convention), and takes an
  // int length: invert around it and feed large buffers in chunks.
  auto* p = static_cast<unsigned char*>(const_cast<void*>(data));
  uint32_t state = ~crc;
  while (size > 0) {
    const size_t n = std::min<size_t>(size, INT_MAX);
    state = crc32_iscsi(p, static_cast<int>(n), state);
    p += n;
    size -= n;
  }
  return ~state;
}

uint32_t mask_crc32c(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }

}  // namespace facerep::core
