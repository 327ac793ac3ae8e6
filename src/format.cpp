#include "format.h"

#include "predictor.h"

namespace lmzip {

const char* error_name(Error e) {
  switch (e) {
    case Error::ok: return "LMZ_OK";
    case Error::invalid_argument: return "LMZ_ERR_INVALID_ARGUMENT";
    case Error::not_lmzip: return "LMZ_ERR_NOT_LMZIP";
    case Error::unsupported_version: return "LMZ_ERR_UNSUPPORTED_VERSION";
    case Error::corrupt_header: return "LMZ_ERR_CORRUPT_HEADER";
    case Error::model_mismatch: return "LMZ_ERR_MODEL_MISMATCH";
    case Error::corrupt_data: return "LMZ_ERR_CORRUPT_DATA";
    case Error::checksum_mismatch: return "LMZ_ERR_CHECKSUM_MISMATCH";
    case Error::length_mismatch: return "LMZ_ERR_LENGTH_MISMATCH";
    case Error::truncated: return "LMZ_ERR_TRUNCATED";
    case Error::output_limit: return "LMZ_ERR_OUTPUT_LIMIT";
    case Error::out_of_memory: return "LMZ_ERR_OUT_OF_MEMORY";
  }
  return "LMZ_ERR_UNKNOWN";
}

const char* error_message(Error e) {
  switch (e) {
    case Error::ok: return "no error";
    case Error::invalid_argument: return "invalid argument";
    case Error::not_lmzip: return "not in lmzip format";
    case Error::unsupported_version: return "written by a newer lmzip (unsupported format version)";
    case Error::corrupt_header: return "corrupt header";
    case Error::model_mismatch: return "needs a model that this lmzip does not have";
    case Error::corrupt_data: return "corrupt compressed data";
    case Error::checksum_mismatch: return "checksum mismatch (data corrupt)";
    case Error::length_mismatch: return "length mismatch (data corrupt)";
    case Error::truncated: return "unexpected end of input (truncated)";
    case Error::output_limit: return "decompressed size exceeds the limit";
    case Error::out_of_memory: return "out of memory";
  }
  return "unknown error";
}

size_t memory_for_level(int level) {
  LevelConfig config;
  return level_config(level, config) ? predictor_memory(config) : 0;
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
}  // namespace format

}  // namespace lmzip
