#pragma once
// CRC-32C (Castagnoli), as TFRecord / TensorBoard event files checksum their records. Computed
// by Intel ISA-L (libisal-dev, hardware CRC32 instructions where the CPU has them).
#include <cstddef>
#include <cstdint>
#include <string>

namespace facerep::core {

// CRC-32C of `size` bytes; `crc` continues a previous value (0 to start).
uint32_t crc32c(const void* data, size_t size, uint32_t crc = 0);
inline uint32_t crc32c(const std::string& s) { return crc32c(s.data(), s.size()); }
// TFRecord's masked form: rotate right by 15, add 0xa282ead8.
uint32_t mask_crc32c(uint32_t crc);

}  // namespace facerep::core
