#include <algorithm>
#include <new>

#include "coder.h"
#include "format.h"
#include "levels.h"
#include "lmzip.h"
#include "predictor.h"
#include "tables.h"

namespace lmzip {

struct Encoder::Impl {
  struct CodedSink {
    Impl* impl;
    void operator()(uint8_t byte) const {
      // Past the raw size the block is stored anyway: stop keeping bytes.
      if (impl->coded.size() < format::kMaxBlockSize)
        impl->coded.push_back(byte);
      else
        impl->coded_overflow = true;
    }
  };

  explicit Impl(int lvl) : level(lvl), coder(CodedSink{this}) {}

  int level;
  Error error = Error::ok;
  std::shared_ptr<const Model> model;  // held while the predictor uses it
  std::unique_ptr<Predictor> predictor;
  std::vector<uint8_t> raw;    // input of the open block
  std::vector<uint8_t> coded;  // its coded form so far
  bool coded_overflow = false;
  ArithmeticEncoder<CodedSink> coder;
  std::vector<uint8_t> pending;  // finished output not yet handed out
  size_t pending_pos = 0;
  uint32_t crc = 0;
  uint64_t total_in = 0, total_out = 0;
  bool finished = false;
  bool recording = false;
  std::vector<uint16_t> block_costs;  // of the open block's bytes
  std::vector<uint16_t> costs;        // of written blocks, not yet taken

  void write_header() {
    uint8_t h[format::kMaxHeaderSize];
    size_t size = format::pack_header(format::make_header(level, model.get()), h);
    pending.insert(pending.end(), h, h + size);
  }

  void encode(const uint8_t* data, size_t n) {
    raw.insert(raw.end(), data, data + n);
    crc = crc32_update(crc, data, n);
    Predictor& p = *predictor;
    const uint16_t* cost = tables().cost;
    for (size_t i = 0; i < n; ++i) {
      int c = data[i];
      uint32_t spent = 0;
      for (int k = 7; k >= 0; --k) {
        int bit = (c >> k) & 1;
        int p1 = p.p();
        coder.encode(bit, p1);
        if (recording) spent += cost[bit ? p1 : kProbOne - p1];
        p.update(bit);
      }
      if (recording) block_costs.push_back(static_cast<uint16_t>(spent));
    }
    total_in += n;
  }

  void close_block(bool last) {
    coder.flush();
    uint32_t raw_size = static_cast<uint32_t>(raw.size());
    bool use_coded = !coded_overflow && coded.size() + format::kCodedLengthSize < raw.size();
    uint8_t h[format::kBlockHeaderSize + format::kCodedLengthSize];
    format::pack_block_header({last, use_coded, raw_size}, h);
    size_t header_size = format::kBlockHeaderSize;
    if (use_coded) {
      format::put_le(h + header_size, coded.size(), format::kCodedLengthSize);
      header_size += format::kCodedLengthSize;
    }
    pending.insert(pending.end(), h, h + header_size);
    const std::vector<uint8_t>& body = use_coded ? coded : raw;
    pending.insert(pending.end(), body.begin(), body.end());
    if (recording) {
      if (!use_coded) std::fill(block_costs.begin(), block_costs.end(), uint16_t{8 * 256});
      costs.insert(costs.end(), block_costs.begin(), block_costs.end());
      block_costs.clear();
    }
    raw.clear();
    coded.clear();
    coded_overflow = false;
  }

  void write_trailer() {
    uint8_t t[format::kMaxVarintSize + format::kChecksumSize];
    size_t n = format::put_varint(t, total_in);
    format::put_le(t + n, crc, format::kChecksumSize);
    pending.insert(pending.end(), t, t + n + format::kChecksumSize);
  }

  // Copies pending output; true when all of it is out.
  bool drain(OutBuffer& out) {
    size_t n = std::min(pending.size() - pending_pos, out.size - out.pos);
    std::copy_n(pending.data() + pending_pos, n, out.dst + out.pos);
    out.pos += n;
    pending_pos += n;
    total_out += n;
    if (pending_pos < pending.size()) return false;
    pending.clear();
    pending_pos = 0;
    return true;
  }
};

Encoder::Encoder(int level, std::shared_ptr<const Model> model)
    : impl_(std::make_unique<Impl>(level)) {
  const LevelConfig* config = level_config(level);
  if (!config) {
    impl_->error = Error::invalid_argument;
    return;
  }
  if (config->model != ModelSlot::none) {
    if (!model) model = default_model(level);
    if (!model) {
      impl_->error = Error::model_not_loaded;
      return;
    }
    impl_->model = std::move(model);
  }
  try {
    impl_->predictor =
        std::make_unique<Predictor>(*config, impl_->model ? &impl_->model->byte_model() : nullptr);
    impl_->raw.reserve(format::kMaxBlockSize);
    impl_->coded.reserve(format::kMaxBlockSize);
  } catch (const std::bad_alloc&) {
    impl_->error = Error::out_of_memory;
    return;
  }
  impl_->write_header();
}

Encoder::~Encoder() = default;

Status Encoder::compress(InBuffer& in, OutBuffer& out, bool finish) {
  Impl& s = *impl_;
  if (s.error != Error::ok) return Status::error;
  if (in.pos > in.size || out.pos > out.size || (in.pos < in.size && !in.src) ||
      (out.pos < out.size && !out.dst)) {
    s.error = Error::invalid_argument;
    return Status::error;
  }
  for (;;) {
    if (!s.drain(out)) return Status::needs_output;
    if (s.finished) return Status::done;
    if (in.pos < in.size) {
      // A full block is closed only once more input proves it is not last.
      if (s.raw.size() == format::kMaxBlockSize) {
        s.close_block(false);
        continue;
      }
      size_t n = std::min(in.size - in.pos, format::kMaxBlockSize - s.raw.size());
      s.encode(in.src + in.pos, n);
      in.pos += n;
      continue;
    }
    if (!finish) return Status::needs_input;
    s.close_block(true);
    s.write_trailer();
    s.finished = true;
  }
}

void Encoder::record_costs() { impl_->recording = true; }

void Encoder::take_costs(std::vector<uint16_t>& out) {
  out.insert(out.end(), impl_->costs.begin(), impl_->costs.end());
  impl_->costs.clear();
}

Error Encoder::error() const { return impl_->error; }
uint64_t Encoder::bytes_in() const { return impl_->total_in; }
uint64_t Encoder::bytes_out() const { return impl_->total_out; }

Error compress(const uint8_t* data, size_t size, std::vector<uint8_t>& out, int level,
               std::shared_ptr<const Model> model) {
  Encoder encoder(level, std::move(model));
  InBuffer in{data, size, 0};
  out.clear();
  out.resize(size + size / 8 + 64);
  OutBuffer ob{out.data(), out.size(), 0};
  for (;;) {
    Status st = encoder.compress(in, ob, true);
    if (st == Status::done) break;
    if (st == Status::error) return encoder.error();
    out.resize(out.size() * 2);
    ob.dst = out.data();
    ob.size = out.size();
  }
  out.resize(ob.pos);
  return Error::ok;
}

}  // namespace lmzip
