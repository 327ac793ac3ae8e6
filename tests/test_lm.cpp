// The integer language model: the C++ model equals the Python reference
// (tests/lm_vector.txt, written by train/export.py), and malformed model files
// are rejected, never trusted. Its matvec kernels: tests/test_kernels.cpp.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include "nn/gru_model.h"
#include "tables.h"
#include "test_util.h"

namespace {

struct LmVector {
  std::string model_file;
  uint32_t model_id = 0;
  lmzt::Bytes input;
  size_t count = 0;
  std::string hash;
  std::vector<int> first;
};

bool read_vector(const char* file, LmVector& v) {
  std::ifstream f(lmzt::source_dir() / "tests" / file);
  if (!f) return false;
  std::string line;
  while (std::getline(f, line)) {
    std::istringstream s(line);
    std::string key;
    s >> key;
    if (key == "model") {
      s >> v.model_file >> std::hex >> v.model_id;
    } else if (key == "input_hex") {
      std::string hex;
      s >> hex;
      for (size_t i = 0; i + 1 < hex.size(); i += 2)
        v.input.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    } else if (key == "count") {
      s >> v.count;
    } else if (key == "fnv1a64") {
      s >> v.hash;
    } else if (key == "first") {
      int p;
      while (s >> p) v.first.push_back(p);
    }
  }
  return !v.model_file.empty();
}

bool load_model(const std::string& name, lmzt::Bytes& bytes, lmzip::nn::GruModel& model) {
  if (!lmzt::read_file(lmzt::source_dir() / "models" / name, bytes)) return false;
  std::string why;
  return lmzip::nn::GruModel::parse(bytes.data(), bytes.size(), model, why);
}

// Sets the last 4 bytes so that the CRC-32 of `bytes` is 0. CRC-32 is
// linear: 4 bytes b fed from register s act as 4 zero bytes fed from
// s ^ le32(b), and a zero-byte step can be undone (the table's top bytes
// all differ), so 4 steps are undone from the register that CRC 0 needs.
void forge_crc32_zero(lmzt::Bytes& bytes) {
  uint32_t table[256];
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = c & 1 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    table[i] = c;
  }
  const size_t n = bytes.size() - 4;
  const uint32_t before = ~lmzip::crc32_update(0, bytes.data(), n);
  uint32_t after = 0xFFFFFFFFu;  // the final register is ~CRC
  for (int k = 0; k < 4; ++k) {
    uint32_t i = 0;
    while ((table[i] >> 24) != (after >> 24)) ++i;
    after = ((after ^ table[i]) << 8) | i;
  }
  const uint32_t b = before ^ after;
  for (size_t k = 0; k < 4; ++k) bytes[n + k] = static_cast<uint8_t>(b >> (8 * k));
}

// The model's 12-bit probabilities of every bit of `input`, as the coder
// asks for them.
std::vector<int> bit_probabilities(const lmzip::Model& model, const lmzt::Bytes& input) {
  std::unique_ptr<lmzip::nn::ByteModelState> state = model.byte_model().new_state();
  std::vector<int> probs;
  for (uint8_t byte : input) {
    uint32_t c0 = 1;
    for (int k = 0; k < 8; ++k) {
      probs.push_back(state->p_bit(c0, k));
      c0 = (c0 << 1) | ((byte >> (7 - k)) & 1u);
    }
    state->step(byte);
  }
  return probs;
}

// Where a version-2 file's n-gram tables lie (docs/MODEL_FORMAT.md): each is
// a bitmap of its stored rows, then those rows.
struct SparseTables {
  size_t start;           // the bigram bitmap; U_mult ends here
  size_t bigram_rows;     // the bigram table's first stored row
  size_t trigram_bitmap;
  size_t trigram_rows;
};

bool row_stored(const std::vector<int8_t>& table, size_t row) {
  const auto first = table.begin() + static_cast<ptrdiff_t>(row * lmzip::nn::kNgramWidth);
  return std::any_of(first, first + lmzip::nn::kNgramWidth, [](int8_t x) { return x != 0; });
}

size_t stored_rows(const std::vector<int8_t>& table) {
  size_t n = 0;
  for (size_t row = 0; row < table.size() / lmzip::nn::kNgramWidth; ++row) n += row_stored(table, row);
  return n;
}

SparseTables sparse_tables(const lmzt::Bytes& bytes, const lmzip::nn::GruModel& m) {
  const size_t width = lmzip::nn::kNgramWidth, bigram_bitmap = lmzip::nn::kNgramRows / 8;
  const size_t trigram_bitmap = (size_t{1} << m.trigram_bits) / 8;
  const size_t bigram_bytes = stored_rows(m.bigram) * width;
  SparseTables t;
  t.start = bytes.size() - bigram_bitmap - bigram_bytes - trigram_bitmap - stored_rows(m.trigram) * width;
  t.bigram_rows = t.start + bigram_bitmap;
  t.trigram_bitmap = t.bigram_rows + bigram_bytes;
  t.trigram_rows = t.trigram_bitmap + trigram_bitmap;
  return t;
}

}  // namespace

TEST_CASE("lm: C++ integer models equal the Python reference vectors") {
  // One vector per shipped model: the standard (gru-ngram-bittree), the
  // large (gru) and the small (gru-ngram) one.
  const char* file = "lm_vector.txt";
  SUBCASE("standard model") {}
  SUBCASE("large model") { file = "lm_vector_large.txt"; }
  SUBCASE("small model") { file = "lm_vector_small.txt"; }
  INFO(file);
  LmVector v;
  REQUIRE_MESSAGE(read_vector(file, v), "tests/" << file << " missing (train/export.py writes it)");
  // Through the architecture table, as the library loads it.
  lmzt::Bytes bytes;
  REQUIRE_MESSAGE(lmzt::read_file(lmzt::source_dir() / "models" / v.model_file, bytes), "models/" << v.model_file);
  std::string why;
  auto model = lmzip::Model::load(bytes.data(), bytes.size(), &why);
  REQUIRE_MESSAGE(model, why);
  CHECK(model->id() == v.model_id);
  const std::vector<int> probs = bit_probabilities(*model, v.input);
  lmzt::Bytes as_bytes;
  for (int p : probs) {
    as_bytes.push_back(static_cast<uint8_t>(p & 255));
    as_bytes.push_back(static_cast<uint8_t>(p >> 8));
  }
  REQUIRE(probs.size() == v.count);
  for (size_t i = 0; i < v.first.size(); ++i) REQUIRE(probs[i] == v.first[i]);
  CHECK(lmzt::hex64(lmzt::fnv1a64(as_bytes)) == v.hash);
}

TEST_CASE("lm: malformed model files are rejected") {
  // The large model is the shipped gru file.
  LmVector v;
  lmzt::Bytes bytes;
  lmzip::nn::GruModel model;
  REQUIRE(read_vector("lm_vector_large.txt", v));
  REQUIRE(load_model(v.model_file, bytes, model));
  std::string why;
  for (size_t cut : {size_t{0}, size_t{3}, size_t{16}, bytes.size() / 2, bytes.size() - 1}) {
    lmzip::nn::GruModel m;
    CHECK_FALSE(lmzip::nn::GruModel::parse(bytes.data(), cut, m, why));
    CHECK(!why.empty());
  }
  lmzt::Bytes longer = bytes;
  longer.push_back(0);
  CHECK_FALSE(lmzip::nn::GruModel::parse(longer.data(), longer.size(), model, why));
  lmzt::Bytes bad_hidden = bytes;
  bad_hidden[8] = 17;  // hidden size not a multiple of 16
  CHECK_FALSE(lmzip::nn::GruModel::parse(bad_hidden.data(), bad_hidden.size(), model, why));
  lmzt::Bytes bad_weight = bytes;
  size_t H = static_cast<size_t>(model.hidden);
  size_t w_offset = 16 + 4096 * 2 * 2 + 4096 * 4 + 256 * 3 * H * 2 + H * 2;
  bad_weight[w_offset] = 0x80;  // -128: outside [-127, 127]
  CHECK_FALSE(lmzip::nn::GruModel::parse(bad_weight.data(), bad_weight.size(), model, why));
  // The architecture field selects the parser: an id without a table row is
  // refused by name, and the GRU parser refuses a file of another one.
  lmzt::Bytes other_arch = bytes;
  other_arch[5] = 0xEE;
  CHECK(lmzip::Model::load(other_arch.data(), other_arch.size(), &why) == nullptr);
  CHECK(why == "unknown model architecture 238");
  CHECK_FALSE(lmzip::nn::GruModel::parse(other_arch.data(), other_arch.size(), model, why));
  REQUIRE(lmzip::nn::find_architecture(lmzip::nn::kGruArchitecture) != nullptr);
  CHECK(std::string(lmzip::nn::find_architecture(lmzip::nn::kGruArchitecture)->name) == "gru");
  auto loaded = lmzip::Model::load(bytes.data(), bytes.size());
  REQUIRE(loaded);
  CHECK(loaded->description() == "gru, hidden " + std::to_string(model.hidden));
  // A file whose CRC-32 (its id) is 0: streams cannot name it. Its last 4
  // bytes (output biases, any value valid) are forged to make the CRC 0.
  lmzt::Bytes zero_id = bytes;
  forge_crc32_zero(zero_id);
  REQUIRE(lmzip::crc32_update(0, zero_id.data(), zero_id.size()) == 0);
  REQUIRE(lmzip::nn::GruModel::parse(zero_id.data(), zero_id.size(), model, why));
  CHECK(lmzip::Model::load(zero_id.data(), zero_id.size(), &why) == nullptr);
  CHECK(why.find("is 0") != std::string::npos);
}

TEST_CASE("lm: malformed gru-ngram model files are rejected") {
  // The small model is the shipped gru-ngram file.
  LmVector v;
  lmzt::Bytes bytes;
  lmzip::nn::GruModel model;
  REQUIRE(read_vector("lm_vector_small.txt", v));
  REQUIRE(load_model(v.model_file, bytes, model));
  REQUIRE(bytes[5] == lmzip::nn::kGruNgramArchitecture);
  REQUIRE(model.has_ngrams());
  auto loaded = lmzip::Model::load(bytes.data(), bytes.size());
  REQUIRE(loaded);
  CHECK(loaded->description() == "gru-ngram, hidden " + std::to_string(model.hidden));
  const int64_t H = model.hidden;
  CHECK(loaded->byte_model().multiply_adds_per_byte() == 3 * H * H + 256 * H + 3 * H * 32);
  std::string why;
  // Cut inside the header, the GRU's arrays, U and each table's bitmap and rows.
  const SparseTables tables = sparse_tables(bytes, model);
  for (size_t cut : {size_t{20}, size_t{23}, bytes.size() / 4, tables.start - 1, tables.start + 100,
                     tables.bigram_rows + 5, tables.trigram_bitmap + 1, tables.trigram_rows + 7,
                     bytes.size() - 1}) {
    lmzip::nn::GruModel m;
    CHECK_FALSE(lmzip::nn::GruModel::parse(bytes.data(), cut, m, why));
    CHECK(why == "model file size does not match its dimensions");
  }
  for (int field : {16, 20}) {  // table rows, table width
    lmzt::Bytes bad = bytes;
    bad[static_cast<size_t>(field)] ^= 1;
    CHECK_FALSE(lmzip::nn::GruModel::parse(bad.data(), bad.size(), model, why));
    CHECK(why.find("n-gram tables") != std::string::npos);
  }
  // -128 in either table, or in U (before U_mult's 3H int32): outside [-127, 127].
  const size_t u_mult_bytes = 3 * static_cast<size_t>(model.hidden) * 4;
  for (size_t at : {bytes.size() - 1, tables.bigram_rows, tables.start - u_mult_bytes - 1}) {
    lmzt::Bytes bad = bytes;
    bad[at] = 0x80;
    CHECK_FALSE(lmzip::nn::GruModel::parse(bad.data(), bad.size(), model, why));
    CHECK(why == "model values out of range");
  }
  // A GRU file claiming to be gru-ngram (and back) is refused by its size.
  lmzt::Bytes as_gru = bytes;
  as_gru[5] = lmzip::nn::kGruArchitecture;
  CHECK(lmzip::Model::load(as_gru.data(), as_gru.size(), &why) == nullptr);
}

TEST_CASE("lm: n-gram tables are stored sparse in version 2, dense in version 1") {
  // The small (gru-ngram) and standard (gru-ngram-bittree) models are
  // version-2 files; most bigram rows (byte pairs never trained) are zero.
  const char* file = "lm_vector_small.txt";
  SUBCASE("gru-ngram") {}
  SUBCASE("gru-ngram-bittree") { file = "lm_vector.txt"; }
  LmVector v;
  lmzt::Bytes bytes;
  lmzip::nn::GruModel model;
  REQUIRE(read_vector(file, v));
  REQUIRE(load_model(v.model_file, bytes, model));
  REQUIRE(bytes[4] == 2);
  REQUIRE(model.has_ngrams());
  const SparseTables tables = sparse_tables(bytes, model);
  CHECK(stored_rows(model.bigram) < size_t{lmzip::nn::kNgramRows} / 2);
  std::string why;
  // The same weights in version 1: both tables in full. Another file, so
  // another id, and the same probabilities.
  lmzt::Bytes dense(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(tables.start));
  dense[4] = 1;
  for (const auto* table : {&model.bigram, &model.trigram})
    for (int8_t x : *table) dense.push_back(static_cast<uint8_t>(x));
  auto sparse_model = lmzip::Model::load(bytes.data(), bytes.size(), &why);
  auto dense_model = lmzip::Model::load(dense.data(), dense.size(), &why);
  REQUIRE_MESSAGE(dense_model, why);
  REQUIRE(sparse_model);
  CHECK(dense.size() > bytes.size() + 300000);
  CHECK(dense_model->id() != sparse_model->id());
  CHECK(bit_probabilities(*dense_model, v.input) == bit_probabilities(*sparse_model, v.input));
  // Read as the other version, neither parses.
  lmzt::Bytes dense_as_2 = dense, sparse_as_1 = bytes;
  dense_as_2[4] = 2;
  sparse_as_1[4] = 1;
  lmzip::nn::GruModel m;
  CHECK_FALSE(lmzip::nn::GruModel::parse(dense_as_2.data(), dense_as_2.size(), m, why));
  CHECK_FALSE(lmzip::nn::GruModel::parse(sparse_as_1.data(), sparse_as_1.size(), m, why));
  lmzt::Bytes version_3 = bytes;
  version_3[4] = 3;
  CHECK(lmzip::Model::load(version_3.data(), version_3.size(), &why) == nullptr);
  CHECK(why == "unsupported model file version 3");
  // A bitmap bit set or cleared: the rows no longer fill the file exactly.
  // Bigram row 0 is the pair (0, 0), never in training text; every trigram
  // row is stored.
  REQUIRE_FALSE(row_stored(model.bigram, 0));
  REQUIRE(row_stored(model.trigram, 0));
  for (size_t bitmap_byte : {tables.start, tables.trigram_bitmap}) {
    lmzt::Bytes bad = bytes;
    bad[bitmap_byte] ^= 1;
    CHECK_FALSE(lmzip::nn::GruModel::parse(bad.data(), bad.size(), m, why));
    CHECK(why == "model file size does not match its dimensions");
  }
  // A stored row of zeros: another file for the same model, refused.
  lmzt::Bytes zero_row = bytes;
  std::fill(zero_row.begin() + static_cast<ptrdiff_t>(tables.trigram_rows),
            zero_row.begin() + static_cast<ptrdiff_t>(tables.trigram_rows + lmzip::nn::kNgramWidth), 0);
  CHECK_FALSE(lmzip::nn::GruModel::parse(zero_row.data(), zero_row.size(), m, why));
  CHECK(why.find("not canonical") != std::string::npos);
}

TEST_CASE("lm: malformed gru-ngram-bittree model files are rejected") {
  // The standard model is the shipped gru-ngram-bittree file.
  LmVector v;
  lmzt::Bytes bytes;
  lmzip::nn::GruModel model;
  REQUIRE(read_vector("lm_vector.txt", v));
  REQUIRE(load_model(v.model_file, bytes, model));
  REQUIRE(bytes[5] == lmzip::nn::kGruNgramBitTreeArchitecture);
  REQUIRE(model.bit_tree);
  auto loaded = lmzip::Model::load(bytes.data(), bytes.size());
  REQUIRE(loaded);
  CHECK(loaded->description() == "gru-ngram-bittree, hidden " + std::to_string(model.hidden));
  const int64_t H = model.hidden;
  CHECK(loaded->byte_model().multiply_adds_per_byte() == 3 * H * H + 8 * H + 3 * H * 32);
  std::string why;
  const uint32_t rows = static_cast<uint32_t>(bytes[16] | bytes[17] << 8 | bytes[18] << 16 | bytes[19] << 24);
  CHECK(rows == (1u << model.trigram_bits));
  // Trigram rows that are not a power of two from 2^10 to 2^16: refused
  // before any array is read.
  for (uint32_t bad_rows : {0u, 512u, 1000u, rows + 1, 1u << 17}) {
    lmzt::Bytes bad = bytes;
    for (int k = 0; k < 4; ++k) bad[16 + static_cast<size_t>(k)] = static_cast<uint8_t>(bad_rows >> (8 * k));
    lmzip::nn::GruModel m;
    CHECK_FALSE(lmzip::nn::GruModel::parse(bad.data(), bad.size(), m, why));
    CHECK(why.find("n-gram tables") != std::string::npos);
  }
  // Another power of two: the sizes no longer match.
  {
    lmzt::Bytes bad = bytes;
    const uint32_t other = rows == 1024 ? 2048 : rows / 2;
    for (int k = 0; k < 4; ++k) bad[16 + static_cast<size_t>(k)] = static_cast<uint8_t>(other >> (8 * k));
    lmzip::nn::GruModel m;
    CHECK_FALSE(lmzip::nn::GruModel::parse(bad.data(), bad.size(), m, why));
    CHECK(why == "model file size does not match its dimensions");
  }
  // Cut anywhere: refused by its size; -128 in the trigram table: out of
  // range.
  for (size_t cut : {size_t{23}, bytes.size() / 2, bytes.size() - 1}) {
    lmzip::nn::GruModel m;
    CHECK_FALSE(lmzip::nn::GruModel::parse(bytes.data(), cut, m, why));
  }
  {
    lmzt::Bytes bad = bytes;
    const size_t last_trigram_value = bytes.size() - 1;
    REQUIRE(last_trigram_value < bad.size());
    bad[last_trigram_value] = 0x80;
    CHECK_FALSE(lmzip::nn::GruModel::parse(bad.data(), bad.size(), model, why));
    CHECK(why == "model values out of range");
  }
  // The same file read as architecture 2 (256 rows of V, 65536 trigram rows)
  // is refused.
  lmzt::Bytes as_ngram = bytes;
  as_ngram[5] = lmzip::nn::kGruNgramArchitecture;
  CHECK(lmzip::Model::load(as_ngram.data(), as_ngram.size(), &why) == nullptr);
}
