// lmzip_lm_eval: bits per byte of the neural model alone (the 12-bit
// probabilities the coder would use, priced with the library's integer
// -log2 table), and its speed. One line per file:
//
//   FILE  N bytes  X bits/byte  S KB/s  model ID  DESCRIPTION  M multiply-adds/byte
//
// (tab-separated; bench/measure.py reads it, so new fields go at the end).
//
//   lmzip_lm_eval [--model FILE] FILE...
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "lmzip.h"
#include "nn/byte_model.h"
#include "tables.h"

namespace {

bool read_all(const char* path, std::vector<uint8_t>& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  out.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::shared_ptr<const lmzip::Model> model = lmzip::default_model();
  int first = 1;
  if (argc > 2 && std::strcmp(argv[1], "--model") == 0) {
    std::vector<uint8_t> bytes;
    std::string why;
    if (!read_all(argv[2], bytes) || !(model = lmzip::Model::load(bytes.data(), bytes.size(), &why))) {
      std::fprintf(stderr, "lmzip_lm_eval: %s: cannot load model %s\n", argv[2], why.c_str());
      return 1;
    }
    first = 3;
  }
  if (!model || first >= argc) {
    std::fprintf(stderr, "usage: lmzip_lm_eval [--model FILE] FILE...  (no default model built in?)\n");
    return 2;
  }
  for (int i = first; i < argc; ++i) {
    std::vector<uint8_t> data;
    if (!read_all(argv[i], data)) {
      std::fprintf(stderr, "lmzip_lm_eval: %s: cannot read\n", argv[i]);
      return 1;
    }
    auto start = std::chrono::steady_clock::now();
    std::unique_ptr<lmzip::nn::ByteModelState> model_state = model->byte_model().new_state();
    lmzip::nn::ByteModelState& state = *model_state;
    uint64_t cost = 0;  // 1/256 bits
    for (uint8_t byte : data) {
      uint32_t c0 = 1;
      for (int k = 0; k < 8; ++k) {
        int bit = (byte >> (7 - k)) & 1;
        int p1 = state.p_bit(c0, k);
        cost += lmzip::tables().cost[bit ? p1 : lmzip::kProbOne - p1];
        c0 = (c0 << 1) | static_cast<uint32_t>(bit);
      }
      state.step(byte);
    }
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s\t%zu bytes\t%.4f bits/byte\t%.1f KB/s\tmodel %08x\t%s\t%lld multiply-adds/byte\n", argv[i],
                data.size(),
                data.empty() ? 0.0 : static_cast<double>(cost) / 256.0 / static_cast<double>(data.size()),
                static_cast<double>(data.size()) / 1000.0 / secs, model->id(), model->description().c_str(),
                static_cast<long long>(model->byte_model().multiply_adds_per_byte()));
  }
  return 0;
}
