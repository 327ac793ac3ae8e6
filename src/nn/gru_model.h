// The byte-level GRU language model in integer arithmetic (the file format is
// docs/MODEL_FORMAT.md; train/intmodel.py is the Python reference this code
// equals bit for bit, tests/lm_vector.txt the shared test vector).
//
// Per byte b, hidden h (H values, Q14):
//   g = G[b]                                   G (256, 3H) Q8 gate inputs
//   a = (W @ h) * M >> 28                      W (3H, H) int8, M (3H,) -> Q8
//   r = sigmoid(g_r + a_r), z = sigmoid(g_z + a_z)           Q14
//   n = tanh(g_n + r * (a_n + c) >> 14)                      Q14
//   h = n + z * (h - n) >> 14                                Q14
//   logits = (V @ h) * M_V >> 28 + d           V (256, H) int8 -> Q8
//   e[k] = exp(-(max logit - logit[k]))        LUT, Q16, >= 1
// and the 256-way distribution becomes 8 binary predictions along the bit
// tree from prefix sums of e.
//
// Architecture gru-ngram adds, before the step, a bigram and a hashed-trigram
// row of int8 tables to the byte's gate inputs (capacity from lookups for
// 3H x 32 more multiply-adds):
//   x = (bigram[b1 << 8 | b], trigram[hash(b2, b1, b) >> 16])   (32,) int8
//   g = clamp(G[b] + (U @ x) * M_U >> 28, -32767, 32767)      U (3H, 32) int8
//
// Architecture gru-ngram-bittree is gru-ngram whose output is the coder's bit
// tree: V (255, H) holds one row per node, and after k bits of the byte
// (c0 = 1 << k | those bits) its node c0 - 1 gives
//   logit = (V[c0 - 1] . h) * M_V >> 28 + d[c0 - 1]                       Q8
//   P(bit = 1) = clamp(sigmoid(logit) + 2 >> 2, 1, 4095)                 12-bit
// so a byte costs 8 rows of V, not 256 (the exp table is unused). Its
// trigram table may be smaller: 2^bits rows, 10 <= bits <= 16, indexed by
// the hash's top bits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/kernels.h"
#include "nn/byte_model.h"

namespace lmzip::nn {

constexpr int kLutSize = kernels::kLutSize;
constexpr int kGruArchitecture = 1;       // ids in the model file header
constexpr int kGruNgramArchitecture = 2;
constexpr int kGruNgramBitTreeArchitecture = 3;
constexpr int kBitTreeNodes = 255;
constexpr int kNgramRows = 65536;  // rows of the bigram table (and at most of the trigram's)
constexpr int kNgramWidth = 16;    // columns of each; x has two rows' worth
constexpr int kMaxHidden = kernels::kMatvecMaxN;  // the matvec kernels are proven up to it

struct GruModel : ByteModel {
  int hidden = 0;
  std::vector<int32_t> sigmoid, tanh;  // kLutSize, Q8 input -> Q14 (int16 in the file)
  std::vector<uint32_t> exp;           // kLutSize, Q16
  std::vector<int16_t> G;              // 256 x 3H
  std::vector<int16_t> c;              // H
  // W and V are read row-major, then kept in the layout of best_matvec()
  // (kernels::MatvecKernel::pack); a bit tree's V stays row-major (row_dot).
  kernels::WeightBytes W;               // 3H x H
  std::vector<int32_t> W_mult;         // 3H
  kernels::WeightBytes V;               // outputs() x H
  std::vector<int32_t> V_mult;         // outputs()
  std::vector<int16_t> d;              // outputs()
  // gru-ngram only (empty otherwise); U in the layout of best_matvec().
  kernels::WeightBytes U;               // 3H x 2 kNgramWidth
  std::vector<int32_t> U_mult;         // 3H
  std::vector<int8_t> bigram;          // kNgramRows x kNgramWidth
  std::vector<int8_t> trigram;         // 2^trigram_bits x kNgramWidth
  int trigram_bits = 16;

  bool bit_tree = false;

  bool has_ngrams() const { return !U.empty(); }
  // Rows of V: the softmax's 256 logits or the bit tree's 255 nodes.
  int outputs() const { return bit_tree ? kBitTreeNodes : kernels::kSymbols; }

  // Parses and validates a model file of the GRU architectures (every value
  // within the bounds the arithmetic relies on). On failure returns false
  // and says why.
  static bool parse(const uint8_t* data, size_t size, GruModel& out, std::string& why);

  std::unique_ptr<ByteModelState> new_state() const override;
  std::string description() const override;
  int64_t multiply_adds_per_byte() const override;
};

// The architecture table's entry point (architectures.cpp) of the GRU
// architectures.
std::unique_ptr<ByteModel> parse_gru(const uint8_t* data, size_t size, std::string& why);

// The model's state while it reads a stream.
class GruState final : public ByteModelState {
 public:
  explicit GruState(const GruModel& model);
  void step(int byte) override;
  int p_bit(uint32_t c0, int k) const override {
    if (m_.bit_tree) return p_node(c0 - 1);
    int width = 256 >> k;
    int lo = static_cast<int>(c0 - (1u << k)) * width;
    uint64_t total = cum_[lo + width] - cum_[lo];
    uint64_t ones = cum_[lo + width] - cum_[lo + width / 2];
    uint64_t p = (ones * 4096 + total / 2) / total;
    return p < 1 ? 1 : (p > 4095 ? 4095 : static_cast<int>(p));
  }

 private:
  // gru-ngram: the byte's gate inputs with its n-gram rows added, in g_.
  const int16_t* ngram_gate_inputs(int byte);
  // gru-ngram-bittree: P(bit = 1) at a node of the tree.
  int p_node(uint32_t node) const;

  const GruModel& m_;
  kernels::MatvecFn matvec_;
  kernels::GatesFn gates_;
  kernels::AddScaledFn add_scaled_;
  kernels::SoftmaxFn softmax_;
  kernels::RowDotFn row_dot_;
  std::vector<int16_t> h_;
  std::vector<int32_t> acc_;
  std::vector<int16_t> x_, g_;  // gru-ngram: the n-gram rows, the gate inputs
  uint32_t history_ = 0;        // the last two bytes read (b2 << 8 | b1)
  uint32_t cum_[kernels::kSymbols + 1] = {};
};

}  // namespace lmzip::nn
