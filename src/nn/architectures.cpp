// The architecture table: the one place that maps a model file's
// architecture field to its implementation.
#include <algorithm>

#include "nn/byte_model.h"
#include "nn/gru_model.h"

namespace lmzip::nn {

namespace {

constexpr Architecture kArchitectures[] = {
    {kGruArchitecture, "gru", &parse_gru},
    {kGruNgramArchitecture, "gru-ngram", &parse_gru},
    {kGruNgramBitTreeArchitecture, "gru-ngram-bittree", &parse_gru},
};

}  // namespace

const Architecture* find_architecture(int id) {
  for (const Architecture& a : kArchitectures)
    if (a.id == id) return &a;
  return nullptr;
}

bool parse_file_header(const uint8_t* data, size_t size, FileHeader& header, std::string& why) {
  if (!data || size < FileHeader::kSize || !std::equal(FileHeader::kMagic, FileHeader::kMagic + 4, data)) {
    why = "not an lmzip model file (bad magic)";
    return false;
  }
  header.version = data[4];
  header.architecture = data[5];
  if (header.version < 1 || header.version > FileHeader::kVersion) {
    why = "unsupported model file version " + std::to_string(header.version);
    return false;
  }
  return true;
}

}  // namespace lmzip::nn
