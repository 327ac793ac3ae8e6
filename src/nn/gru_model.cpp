#include "nn/gru_model.h"

#include <algorithm>

#include "kernels/ref.h"
#include "tables.h"

namespace lmzip::nn {

namespace {

// The common header, H and the vocabulary (and for gru-ngram the tables' rows
// and width).
constexpr size_t kHeaderSize = 16;
constexpr size_t kNgramHeaderSize = 24;
constexpr int kQ14 = kernels::kQ14;

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : p_(data), left_(size) {}
  uint64_t le(int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(p_[i]) << (8 * i);
    p_ += bytes;
    left_ -= static_cast<size_t>(bytes);
    return v;
  }
  // Reads `count` values of type File (as stored) into the vector `out`.
  template <class File, class Vector>
  bool array(Vector& out, size_t count) {
    if (left_ / sizeof(File) < count) return false;
    out.resize(count);
    for (size_t i = 0; i < count; ++i)
      out[i] = static_cast<typename Vector::value_type>(static_cast<File>(le(sizeof(File))));
    return true;
  }
  // An n-gram table of `rows` rows of `width` int8, as version 2 stores it:
  // a bitmap of the rows stored (bit i % 8 of byte i / 8), then those rows;
  // the others are zero. A stored row of zeros is refused, so that a model
  // has one file and one id.
  bool sparse_table(std::vector<int8_t>& out, size_t rows, size_t width, std::string& why) {
    if (left_ < rows / 8) return false;
    const uint8_t* bitmap = p_;
    p_ += rows / 8;
    left_ -= rows / 8;
    out.assign(rows * width, 0);
    for (size_t row = 0; row < rows; ++row) {
      if (!(bitmap[row / 8] >> (row % 8) & 1)) continue;
      if (left_ < width) return false;
      int8_t* dst = out.data() + row * width;
      bool zero = true;
      for (size_t i = 0; i < width; ++i) zero &= (dst[i] = static_cast<int8_t>(p_[i])) == 0;
      p_ += width;
      left_ -= width;
      if (zero) {
        why = "model file not canonical: n-gram row " + std::to_string(row) + " is stored but all zero";
        return false;
      }
    }
    return true;
  }
  size_t left() const { return left_; }

 private:
  const uint8_t* p_;
  size_t left_;
};

template <class Vector>
bool within(const Vector& v, int64_t lo, int64_t hi) {
  return std::all_of(v.begin(), v.end(), [&](auto x) { return x >= lo && x <= hi; });
}

}  // namespace

bool GruModel::parse(const uint8_t* data, size_t size, GruModel& m, std::string& why) {
  FileHeader header;
  if (!parse_file_header(data, size, header, why)) return false;
  m.bit_tree = header.architecture == kGruNgramBitTreeArchitecture;
  const bool ngram = header.architecture == kGruNgramArchitecture || m.bit_tree;
  if (header.architecture != kGruArchitecture && !ngram) {
    why = "not a GRU model file";
    return false;
  }
  if (size < (ngram ? kNgramHeaderSize : kHeaderSize)) {
    why = "model file size does not match its dimensions";
    return false;
  }
  Reader r(data + FileHeader::kSize, size - FileHeader::kSize);
  uint64_t hidden = r.le(4), vocab = r.le(4);
  if (vocab != 256) {
    why = "unsupported vocabulary (must be 256 bytes)";
    return false;
  }
  if (hidden < 16 || hidden > kMaxHidden || hidden % 16 != 0) {
    why = "hidden size must be a multiple of 16 in 16..1024";
    return false;
  }
  if (ngram) {
    // rows: the trigram table's; only architecture 3 may have fewer.
    uint64_t rows = r.le(4), width = r.le(4);
    m.trigram_bits = 10;
    while (m.trigram_bits < 16 && (uint64_t{1} << m.trigram_bits) != rows) ++m.trigram_bits;
    if ((uint64_t{1} << m.trigram_bits) != rows || (!m.bit_tree && rows != kNgramRows) || width != kNgramWidth) {
      why = m.bit_tree ? "unsupported n-gram tables (must be 2^10..2^16 trigram rows of 16)"
                       : "unsupported n-gram tables (must be 65536 rows of 16)";
      return false;
    }
  }
  size_t H = static_cast<size_t>(hidden);  // <= 1024, checked above
  const size_t outputs = static_cast<size_t>(m.outputs());
  m.hidden = static_cast<int>(H);
  bool ok = r.array<int16_t>(m.sigmoid, kLutSize) && r.array<int16_t>(m.tanh, kLutSize) &&
            r.array<uint32_t>(m.exp, kLutSize) && r.array<int16_t>(m.G, 256 * 3 * H) &&
            r.array<int16_t>(m.c, H) && r.array<int8_t>(m.W, 3 * H * H) &&
            r.array<int32_t>(m.W_mult, 3 * H) && r.array<int8_t>(m.V, outputs * H) &&
            r.array<int32_t>(m.V_mult, outputs) && r.array<int16_t>(m.d, outputs);
  if (ok && ngram) {
    const bool sparse = header.version >= FileHeader::kSparseTablesVersion;
    std::string not_canonical;  // set only for a stored zero row; a short file says nothing
    auto table = [&](std::vector<int8_t>& out, size_t rows) {
      return sparse ? r.sparse_table(out, rows, kNgramWidth, not_canonical)
                    : r.array<int8_t>(out, rows * kNgramWidth);
    };
    ok = r.array<int8_t>(m.U, 3 * H * 2 * kNgramWidth) && r.array<int32_t>(m.U_mult, 3 * H) &&
         table(m.bigram, kNgramRows) && table(m.trigram, size_t{1} << m.trigram_bits);
    if (!not_canonical.empty()) {
      why = not_canonical;
      return false;
    }
  }
  if (!ok || r.left() != 0) {
    why = "model file size does not match its dimensions";
    return false;
  }
  // The bounds the kernels and the fixed-point steps are proven for.
  if (!within(m.sigmoid, 0, kQ14) || !within(m.tanh, -kQ14, kQ14) || !within(m.exp, 1, 65536) ||
      !within(m.W, -kernels::kMatvecMaxWeight, kernels::kMatvecMaxWeight) ||
      !within(m.V, -kernels::kMatvecMaxWeight, kernels::kMatvecMaxWeight) || !within(m.W_mult, 0, INT32_MAX) ||
      !within(m.V_mult, 0, INT32_MAX) ||
      // gru-ngram: the tables are the matvec's input (|x| <= 127 <= kMatvecMaxInput)
      !within(m.U, -kernels::kMatvecMaxWeight, kernels::kMatvecMaxWeight) || !within(m.U_mult, 0, INT32_MAX) ||
      !within(m.bigram, -127, 127) || !within(m.trigram, -127, 127)) {
    why = "model values out of range";
    return false;
  }
  // From here on W and V are in the layout of the matvec kernel in use.
  if (const kernels::MatvecPackFn pack = kernels::best_matvec().pack) {
    m.W = pack(m.W.data(), 3 * m.hidden, m.hidden);
    if (!m.bit_tree) m.V = pack(m.V.data(), kernels::kSymbols, m.hidden);
    if (ngram) m.U = pack(m.U.data(), 3 * m.hidden, 2 * kNgramWidth);
  }
  return true;
}

std::unique_ptr<ByteModelState> GruModel::new_state() const { return std::make_unique<GruState>(*this); }

std::string GruModel::description() const {
  return std::string(bit_tree ? "gru-ngram-bittree" : (has_ngrams() ? "gru-ngram" : "gru")) + ", hidden " +
         std::to_string(hidden);
}

// The int8 x int16 products of a byte, W (3H x H), V (256 x H, or the
// 8 rows of a bit tree's path) and for gru-ngram U (3H x 32); the gate
// arithmetic and the softmax are O(H) and O(256) and left out.
int64_t GruModel::multiply_adds_per_byte() const {
  const int64_t H = hidden;
  return 3 * H * H + (bit_tree ? 8 : kernels::kSymbols) * H + (has_ngrams() ? 3 * H * 2 * kNgramWidth : 0);
}

std::unique_ptr<ByteModel> parse_gru(const uint8_t* data, size_t size, std::string& why) {
  auto model = std::make_unique<GruModel>();
  if (!GruModel::parse(data, size, *model, why)) return nullptr;
  return model;
}

GruState::GruState(const GruModel& model)
    : m_(model),
      matvec_(kernels::best_matvec().fn),
      gates_(kernels::best_gates().fn),
      add_scaled_(kernels::best_add_scaled().fn),
      softmax_(kernels::best_softmax().fn),
      row_dot_(kernels::best_row_dot().fn),
      h_(model.hidden, 0),
      acc_(std::max(3 * model.hidden, kernels::kSymbols)) {
  if (m_.has_ngrams()) {
    x_.resize(2 * kNgramWidth);
    g_.resize(3 * static_cast<size_t>(m_.hidden));
  }
  step(0);
}

const int16_t* GruState::ngram_gate_inputs(int byte) {
  const int H = m_.hidden;
  const uint32_t b = static_cast<uint32_t>(byte);
  const uint32_t bigram = (history_ & 0xFF) << 8 | b;
  // The 24-bit context times a 32-bit constant (wrapped), its top bits.
  const uint32_t trigram = ((history_ << 8 | b) * 2654435761u) >> (32 - m_.trigram_bits);
  const int8_t* rows[2] = {&m_.bigram[size_t{bigram} * kNgramWidth], &m_.trigram[size_t{trigram} * kNgramWidth]};
  for (int t = 0; t < 2; ++t)
    for (int j = 0; j < kNgramWidth; ++j) x_[t * kNgramWidth + j] = rows[t][j];
  history_ = (history_ << 8 | b) & 0xFFFF;
  matvec_(m_.U.data(), x_.data(), 3 * H, 2 * kNgramWidth, acc_.data());
  // Clamped back to int16, which the gates kernels take.
  add_scaled_(&m_.G[static_cast<size_t>(b) * 3 * H], acc_.data(), m_.U_mult.data(), 3 * H, g_.data());
  return g_.data();
}

void GruState::step(int byte) {
  const int H = m_.hidden;
  const int16_t* g = m_.has_ngrams() ? ngram_gate_inputs(byte) : &m_.G[static_cast<size_t>(byte) * 3 * H];
  matvec_(m_.W.data(), h_.data(), 3 * H, H, acc_.data());
  const kernels::GruGates gates{acc_.data(), m_.W_mult.data(), g, m_.c.data(), m_.sigmoid.data(), m_.tanh.data()};
  gates_(gates, H, h_.data());
  if (m_.bit_tree) return;  // p_node reads h
  matvec_(m_.V.data(), h_.data(), kernels::kSymbols, H, acc_.data());
  softmax_(acc_.data(), m_.V_mult.data(), m_.d.data(), m_.exp.data(), cum_);
}

int GruState::p_node(uint32_t node) const {
  const int32_t acc = row_dot_(&m_.V[size_t{node} * m_.hidden], h_.data(), m_.hidden);
  const int64_t logit = kernels::scale_ref(acc, m_.V_mult[node]) + m_.d[node];
  const int p = (m_.sigmoid[kernels::lut_index_ref(logit)] + 2) >> 2;
  return p < 1 ? 1 : (p > 4095 ? 4095 : p);
}

}  // namespace lmzip::nn
