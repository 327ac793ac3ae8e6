#include "format.h"

#include <algorithm>
#include <cstring>

#include "levels.h"

namespace lmzip {

const char* error_name(Error e) {
  switch (e) {
#define LMZIP_ERROR_NAME(id, code, name, message) \
  case Error::id:                                 \
    return name;
    LMZIP_ERROR_LIST(LMZIP_ERROR_NAME)
#undef LMZIP_ERROR_NAME
  }
  return "LMZ_ERR_UNKNOWN";
}

const char* error_message(Error e) {
  switch (e) {
#define LMZIP_ERROR_MESSAGE(id, code, name, message) \
  case Error::id:                                    \
    return message;
    LMZIP_ERROR_LIST(LMZIP_ERROR_MESSAGE)
#undef LMZIP_ERROR_MESSAGE
  }
  return "unknown error";
}

Error peek_header(const uint8_t* data, size_t size, StreamHeader& header) {
  using namespace format;
  if (size == 0) return Error::truncated;
  if (!data) return Error::invalid_argument;
  if (std::memcmp(data, kMagic, std::min(size, sizeof kMagic)) != 0) return Error::not_lmzip;
  if (size < kHeaderSize) return Error::truncated;
  StreamHeader h;
  if (Error e = parse_header_start(data, h); e != Error::ok) return e;
  if (size < h.header_size) return Error::truncated;
  if (h.header_size > kHeaderSize)
    if (Error e = parse_model_id(data + kHeaderSize, h); e != Error::ok) return e;
  header = h;
  return Error::ok;
}

namespace format {
size_t put_varint(uint8_t* p, uint64_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    p[n++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  p[n++] = static_cast<uint8_t>(v);
  return n;
}

StreamHeader make_header(int level, const Model* model) {
  StreamHeader h;
  h.format_version = kFormatVersion;
  h.level = level;
  h.flags = model ? kFlagModelId : 0;
  h.model_id = model ? model->id() : 0;
  h.header_size = kHeaderSize + (model ? kModelIdSize : 0);
  return h;
}

size_t pack_header(const StreamHeader& h, uint8_t* out) {
  std::memcpy(out, kMagic, sizeof kMagic);
  out[3] = static_cast<uint8_t>(h.format_version);
  out[4] = static_cast<uint8_t>(h.level);
  out[5] = h.flags;
  if (h.flags & kFlagModelId) put_le(out + kHeaderSize, h.model_id, kModelIdSize);
  return h.header_size;
}

Error parse_header_start(const uint8_t* p, StreamHeader& h) {
  if (std::memcmp(p, kMagic, sizeof kMagic) != 0) return Error::not_lmzip;
  h.format_version = p[3];
  if (h.format_version < kOldestFormatVersion || h.format_version > kFormatVersion)
    return h.format_version > kFormatVersion ? Error::unsupported_version : Error::corrupt_header;
  h.level = p[4];
  h.flags = p[5];
  const LevelConfig* config = level_config(h.level, h.format_version);
  if (!config || (h.flags & ~kKnownFlags)) return Error::corrupt_header;
  // Exactly the levels with a neural model name one.
  bool names_model = (h.flags & kFlagModelId) != 0;
  if (names_model != (config->model != ModelSlot::none)) return Error::corrupt_header;
  h.model_id = 0;
  h.header_size = kHeaderSize + (names_model ? kModelIdSize : 0);
  return Error::ok;
}

Error parse_model_id(const uint8_t* p, StreamHeader& h) {
  h.model_id = static_cast<uint32_t>(get_le(p, kModelIdSize));
  return h.model_id == 0 ? Error::corrupt_header : Error::ok;
}

void pack_block_header(const BlockHeader& b, uint8_t* out) {
  uint32_t type = b.coded ? kCoded : kStored;
  put_le(out, (b.raw_size << 3) | (type << 1) | (b.last ? 1u : 0u), kBlockHeaderSize);
}

Error parse_block_header(const uint8_t* p, BlockHeader& b) {
  uint32_t v = static_cast<uint32_t>(get_le(p, kBlockHeaderSize));
  uint32_t type = (v >> 1) & 3;
  b.last = v & 1;
  b.coded = type == kCoded;
  b.raw_size = v >> 3;
  if (type > kCoded || b.raw_size > kMaxBlockSize) return Error::corrupt_data;
  return Error::ok;
}

Error check_coded_length(uint32_t coded_size, uint32_t raw_size) {
  // A coded block is smaller than stored (else the encoder stores it), and
  // the coder's flush writes at least 4 bytes.
  return coded_size < 4 || coded_size + kCodedLengthSize >= raw_size ? Error::corrupt_data : Error::ok;
}
}  // namespace format

}  // namespace lmzip
