#include "nn/gru_model.h"

#include <algorithm>

#include "tables.h"

namespace lmzip::nn {

namespace {

constexpr int kHeaderSize = 16;  // the common header, H and the vocabulary
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
  // Reads `count` values of type File (as stored) into `out`.
  template <class File, class T>
  bool array(std::vector<T>& out, size_t count) {
    if (left_ / sizeof(File) < count) return false;
    out.resize(count);
    for (size_t i = 0; i < count; ++i) out[i] = static_cast<T>(static_cast<File>(le(sizeof(File))));
    return true;
  }
  size_t left() const { return left_; }

 private:
  const uint8_t* p_;
  size_t left_;
};

template <class T>
bool within(const std::vector<T>& v, int64_t lo, int64_t hi) {
  return std::all_of(v.begin(), v.end(), [&](T x) { return x >= lo && x <= hi; });
}

}  // namespace

bool GruModel::parse(const uint8_t* data, size_t size, GruModel& m, std::string& why) {
  FileHeader header;
  if (!parse_file_header(data, size, header, why)) return false;
  if (header.architecture != kGruArchitecture) {
    why = "not a GRU model file";
    return false;
  }
  if (size < kHeaderSize) {
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
  size_t H = static_cast<size_t>(hidden);  // <= 1024, checked above
  m.hidden = static_cast<int>(H);
  bool ok = r.array<int16_t>(m.sigmoid, kLutSize) && r.array<int16_t>(m.tanh, kLutSize) &&
            r.array<uint32_t>(m.exp, kLutSize) && r.array<int16_t>(m.G, 256 * 3 * H) &&
            r.array<int16_t>(m.c, H) && r.array<int8_t>(m.W, 3 * H * H) &&
            r.array<int32_t>(m.W_mult, 3 * H) && r.array<int8_t>(m.V, 256 * H) &&
            r.array<int32_t>(m.V_mult, 256) && r.array<int16_t>(m.d, 256) && r.left() == 0;
  if (!ok) {
    why = "model file size does not match its dimensions";
    return false;
  }
  // The bounds the kernels and the fixed-point steps are proven for.
  if (!within(m.sigmoid, 0, kQ14) || !within(m.tanh, -kQ14, kQ14) || !within(m.exp, 1, 65536) ||
      !within(m.W, -kernels::kMatvecMaxWeight, kernels::kMatvecMaxWeight) ||
      !within(m.V, -kernels::kMatvecMaxWeight, kernels::kMatvecMaxWeight) || !within(m.W_mult, 0, INT32_MAX) ||
      !within(m.V_mult, 0, INT32_MAX)) {
    why = "model values out of range";
    return false;
  }
  // From here on W and V are in the layout of the matvec kernel in use.
  if (const kernels::MatvecPackFn pack = kernels::best_matvec().pack) {
    m.W = pack(m.W.data(), 3 * m.hidden, m.hidden);
    m.V = pack(m.V.data(), kernels::kSymbols, m.hidden);
  }
  return true;
}

std::unique_ptr<ByteModelState> GruModel::new_state() const { return std::make_unique<GruState>(*this); }

std::string GruModel::description() const { return "gru, hidden " + std::to_string(hidden); }

// The two int8 x int16 matvecs of step(), W (3H x H) and V (256 x H); the
// gate arithmetic and the softmax are O(H) and O(256) and left out.
int64_t GruModel::multiply_adds_per_byte() const {
  const int64_t H = hidden;
  return 3 * H * H + 256 * H;
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
      softmax_(kernels::best_softmax().fn),
      h_(model.hidden, 0),
      acc_(std::max(3 * model.hidden, kernels::kSymbols)) {
  step(0);
}

void GruState::step(int byte) {
  const int H = m_.hidden;
  matvec_(m_.W.data(), h_.data(), 3 * H, H, acc_.data());
  const kernels::GruGates gates{acc_.data(), m_.W_mult.data(), &m_.G[static_cast<size_t>(byte) * 3 * H],
                                m_.c.data(),  m_.sigmoid.data(), m_.tanh.data()};
  gates_(gates, H, h_.data());
  matvec_(m_.V.data(), h_.data(), kernels::kSymbols, H, acc_.data());
  softmax_(acc_.data(), m_.V_mult.data(), m_.d.data(), m_.exp.data(), cum_);
}

}  // namespace lmzip::nn
