#include <algorithm>
#include <new>

#include "coder.h"
#include "format.h"
#include "levels.h"
#include "lmzip.h"
#include "predictor.h"
#include "tables.h"

namespace lmzip {

namespace {

// One frame (docs/FORMAT.md): its header on construction, then blocks of at
// most 1 MiB, then the trailer; the bytes are appended to `sink`. Throws
// std::bad_alloc when its tables cannot be allocated.
class FrameEncoder {
 public:
  FrameEncoder(const LevelConfig& config, const Model* model, const StreamHeader& header,
               std::vector<uint8_t>& sink, bool recording)
      : sink_(sink), coder_(CodedSink{this}), recording_(recording) {
    predictor_ = std::make_unique<Predictor>(config, model ? &model->byte_model() : nullptr);
    raw_.reserve(format::kMaxBlockSize);
    coded_.reserve(format::kMaxBlockSize);
    uint8_t h[format::kMaxHeaderSize];
    put(h, format::pack_header(header, h));
  }

  bool block_full() const { return raw_.size() == format::kMaxBlockSize; }
  size_t block_room() const { return format::kMaxBlockSize - raw_.size(); }
  uint64_t bytes_in() const { return total_in_; }
  uint64_t bytes_out() const { return total_out_; }
  std::vector<uint16_t>& costs() { return costs_; }
  void record_costs() { recording_ = true; }

  // At most block_room() bytes.
  void encode(const uint8_t* data, size_t n) {
    raw_.insert(raw_.end(), data, data + n);
    crc_ = crc32_update(crc_, data, n);
    Predictor& p = *predictor_;
    const uint16_t* cost = tables().cost;
    for (size_t i = 0; i < n; ++i) {
      int c = data[i];
      uint32_t spent = 0;
      for (int k = 7; k >= 0; --k) {
        int bit = (c >> k) & 1;
        int p1 = p.p();
        coder_.encode(bit, p1);
        if (recording_) spent += cost[bit ? p1 : kProbOne - p1];
        p.update(bit);
      }
      if (recording_) block_costs_.push_back(static_cast<uint16_t>(spent));
    }
    total_in_ += n;
  }

  // The whole frame's input at once, then its end.
  void encode_all(const uint8_t* data, size_t n) {
    for (;;) {
      size_t take = std::min(n, block_room());
      encode(data, take);
      data += take;
      n -= take;
      if (n == 0) break;
      close_block(false);
    }
    finish();
  }

  // A full block is closed only once more input proves it is not the last.
  void close_block(bool last) {
    coder_.flush();
    uint32_t raw_size = static_cast<uint32_t>(raw_.size());
    bool use_coded = !coded_overflow_ && coded_.size() + format::kCodedLengthSize < raw_.size();
    uint8_t h[format::kBlockHeaderSize + format::kCodedLengthSize];
    format::pack_block_header({last, use_coded, raw_size}, h);
    size_t header_size = format::kBlockHeaderSize;
    if (use_coded) {
      format::put_le(h + header_size, coded_.size(), format::kCodedLengthSize);
      header_size += format::kCodedLengthSize;
    }
    put(h, header_size);
    const std::vector<uint8_t>& body = use_coded ? coded_ : raw_;
    put(body.data(), body.size());
    if (recording_) {
      if (!use_coded) std::fill(block_costs_.begin(), block_costs_.end(), uint16_t{8 * 256});
      costs_.insert(costs_.end(), block_costs_.begin(), block_costs_.end());
      block_costs_.clear();
    }
    raw_.clear();
    coded_.clear();
    coded_overflow_ = false;
  }

  // The last block and the trailer.
  void finish() {
    close_block(true);
    uint8_t t[format::kMaxVarintSize + format::kChecksumSize];
    size_t n = format::put_varint(t, total_in_);
    format::put_le(t + n, crc_, format::kChecksumSize);
    put(t, n + format::kChecksumSize);
  }

 private:
  struct CodedSink {
    FrameEncoder* frame;
    void operator()(uint8_t byte) const {
      // Past the raw size the block is stored anyway: stop keeping bytes.
      if (frame->coded_.size() < format::kMaxBlockSize)
        frame->coded_.push_back(byte);
      else
        frame->coded_overflow_ = true;
    }
  };

  void put(const uint8_t* p, size_t n) {
    sink_.insert(sink_.end(), p, p + n);
    total_out_ += n;
  }

  std::vector<uint8_t>& sink_;
  std::unique_ptr<Predictor> predictor_;
  std::vector<uint8_t> raw_;    // input of the open block
  std::vector<uint8_t> coded_;  // its coded form so far
  bool coded_overflow_ = false;
  ArithmeticEncoder<CodedSink> coder_;
  uint32_t crc_ = 0;
  uint64_t total_in_ = 0, total_out_ = 0;
  bool recording_;
  std::vector<uint16_t> block_costs_;  // of the open block's bytes
  std::vector<uint16_t> costs_;        // of closed blocks, not yet taken
};

// The seek table of `frames` frames whose entries (kSeekEntrySize bytes
// each: compressed size, original size) are `entries`, appended to `out`.
void append_seek_table(const std::vector<uint8_t>& entries, uint64_t frames, std::vector<uint8_t>& out) {
  std::vector<uint8_t> t(format::kSeekMagic, format::kSeekMagic + sizeof format::kSeekMagic);
  t.insert(t.end(), entries.begin(), entries.end());
  uint8_t footer[format::kSeekFooterSize - 4];
  format::put_le(footer, frames, 4);
  t.insert(t.end(), footer, footer + 4);
  format::put_le(footer + 4, crc32_update(0, t.data(), t.size()), 4);
  t.insert(t.end(), footer + 4, footer + 8);
  t.insert(t.end(), format::kSeekMagic, format::kSeekMagic + sizeof format::kSeekMagic);
  out.insert(out.end(), t.begin(), t.end());
}

}  // namespace


struct Encoder::Impl {
  EncoderOptions options;
  Error error = Error::ok;
  const LevelConfig* config = nullptr;
  // The input may need more than one frame; whether it does is known from
  // the start when its size is, else once the first frame is full and more
  // input follows (the first frame's output is held back until then, and
  // its header's framed flag set).
  bool may_frame = false;
  bool framed = false;
  bool undecided = false;
  uint64_t frame_size = 0;  // when may_frame
  int threads = 1;

  std::unique_ptr<FrameEncoder> frame;  // the open frame (one thread)
  std::vector<uint8_t> batch;           // input of frames not yet compressed (threads)
  uint64_t frames = 0;                  // frames finished
  std::vector<uint8_t> seek;            // their seek table entries
  std::vector<uint8_t> pending;         // finished output not yet handed out
  size_t pending_pos = 0;
  uint64_t total_in = 0, total_out = 0;
  bool finished = false;
  bool recording = false;
  std::vector<uint16_t> costs;  // of written blocks, not yet taken

  // What frame k's tables are sized for: its share of the size hint, or a
  // whole frame (a file longer than its hint gets whole frames).
  StreamHeader frame_header(uint64_t k) const {
    uint64_t expected = options.size_hint;
    if (may_frame) {
      uint64_t start = k * frame_size;
      expected = options.size_hint != kUnknownSize && options.size_hint > start
                     ? std::min(frame_size, options.size_hint - start)
                     : frame_size;
    }
    return format::make_header(config->level, options.model.get(), framed, table_log_for(*config, expected));
  }

  std::unique_ptr<FrameEncoder> new_frame(uint64_t k, std::vector<uint8_t>& sink) const {
    StreamHeader h = frame_header(k);
    return std::make_unique<FrameEncoder>(sized_config(*config, h.table_log), options.model.get(), h, sink,
                                          recording);
  }

  void end_frame(FrameEncoder& f) {
    uint8_t e[format::kSeekEntrySize];
    format::put_le(e, f.bytes_out(), 4);
    format::put_le(e + 4, f.bytes_in(), 4);
    seek.insert(seek.end(), e, e + sizeof e);
    ++frames;
    if (recording) {
      costs.insert(costs.end(), f.costs().begin(), f.costs().end());
      f.costs().clear();
    }
  }

  void write_seek_table() { append_seek_table(seek, frames, pending); }

  // Compresses the batched input as frames, one thread each, and appends
  // them in order. `last`: the input ends with the batch.
  void run_batch(bool last) {
    size_t count = static_cast<size_t>((batch.size() + frame_size - 1) / frame_size);
    if (count == 0 && last && frames == 0) count = 1;  // an empty input is one empty frame
    if (undecided) {
      framed = !last || count > 1;
      undecided = false;
    }
    std::vector<std::vector<uint8_t>> outs(count);
    std::vector<std::unique_ptr<FrameEncoder>> encoders(count);
    std::vector<char> failed(count, 0);
    format::run_parallel(count, threads, [&](size_t i) {
      try {
        encoders[i] = new_frame(frames + i, outs[i]);
        size_t start = i * frame_size;
        size_t n = std::min<size_t>(frame_size, batch.size() - start);
        encoders[i]->encode_all(batch.data() + start, n);
      } catch (const std::bad_alloc&) {
        failed[i] = 1;
      }
    });
    for (size_t i = 0; i < count; ++i) {
      if (failed[i]) {
        error = Error::out_of_memory;
        return;
      }
      pending.insert(pending.end(), outs[i].begin(), outs[i].end());
      end_frame(*encoders[i]);
    }
    batch.clear();
  }

  // Copies pending output; true when all of it is out.
  bool drain(OutBuffer& out) {
    if (undecided) return true;
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

  Status step(InBuffer& in, bool finish);
  // The constructor's checks and settings, without allocating a frame.
  Error setup(EncoderOptions options);
};

Status Encoder::Impl::step(InBuffer& in, bool finish) {
  if (threads > 1) {
    size_t capacity = static_cast<size_t>(frame_size) * static_cast<size_t>(threads);
    if (in.pos < in.size) {
      if (batch.size() == capacity) {
        run_batch(false);
        return Status::needs_output;  // drain, then go on
      }
      size_t n = std::min(in.size - in.pos, capacity - batch.size());
      batch.insert(batch.end(), in.src + in.pos, in.src + in.pos + n);
      in.pos += n;
      total_in += n;
      return Status::needs_output;
    }
    if (!finish) return Status::needs_input;
    run_batch(true);
  } else {
    if (!frame) frame = new_frame(frames, pending);
    if (in.pos < in.size) {
      if (may_frame && frame->bytes_in() == frame_size) {
        if (undecided) {  // pending still starts with this frame's header
          pending[format::kHeaderSize - 1] |= format::kFlagFramed;
          framed = true;
          undecided = false;
        }
        frame->finish();
        end_frame(*frame);
        frame.reset();
        return Status::needs_output;
      }
      if (frame->block_full()) {
        frame->close_block(false);
        if (recording) {
          costs.insert(costs.end(), frame->costs().begin(), frame->costs().end());
          frame->costs().clear();
        }
        return Status::needs_output;
      }
      uint64_t room = frame->block_room();
      if (may_frame) room = std::min(room, frame_size - frame->bytes_in());
      size_t n = static_cast<size_t>(std::min<uint64_t>(in.size - in.pos, room));
      frame->encode(in.src + in.pos, n);
      in.pos += n;
      total_in += n;
      return Status::needs_output;
    }
    if (!finish) return Status::needs_input;
    undecided = false;
    frame->finish();
    end_frame(*frame);
    frame.reset();
  }
  if (framed) write_seek_table();
  finished = true;
  return Status::needs_output;
}

Encoder::Encoder(int level, std::shared_ptr<const Model> model)
    : Encoder(EncoderOptions{level, std::move(model)}) {}

Error Encoder::Impl::setup(EncoderOptions requested) {
  Impl& s = *this;
  const LevelConfig* row = level_config(requested.level);
  bool frame_ok = requested.frame_size == 0 ||
                  (requested.frame_size >= kMinFrameSize && requested.frame_size <= kMaxFrameSize);
  if (!row || !frame_ok || requested.threads < 0) return Error::invalid_argument;
  if (row->model != ModelSlot::none) {
    if (!requested.model) requested.model = default_model(requested.level);
    if (!requested.model) return Error::model_not_loaded;
  } else {
    requested.model = nullptr;
  }
  s.config = row;
  s.may_frame = requested.frame_size > 0 &&
                (requested.size_hint == kUnknownSize || requested.size_hint > requested.frame_size);
  s.undecided = s.may_frame && requested.size_hint == kUnknownSize;
  s.framed = s.may_frame && !s.undecided;
  s.frame_size = s.may_frame ? requested.frame_size : 0;
  s.threads = s.may_frame ? format::resolve_threads(requested.threads) : 1;
  s.options = std::move(requested);
  return Error::ok;
}

Encoder::Encoder(EncoderOptions options) : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.error = s.setup(std::move(options));
  if (s.error == Error::ok && s.threads == 1) {
    try {
      s.frame = s.new_frame(0, s.pending);  // allocation fails here, not mid-stream
    } catch (const std::bad_alloc&) {
      s.error = Error::out_of_memory;
    }
  }
}

Error compress_frame(const uint8_t* data, size_t size, uint64_t index, bool framed, std::vector<uint8_t>& out,
                     EncoderOptions options) {
  out.clear();
  options.threads = 1;
  Encoder::Impl s;
  if (Error e = s.setup(std::move(options)); e != Error::ok) return e;
  if (size > 0 && !data) return Error::invalid_argument;
  const uint64_t hint = s.options.size_hint;
  if (framed) {
    // A frame of a file of several: whole frames but the last, never empty.
    if (!s.may_frame || size == 0 || size > s.frame_size || index > kUnknownSize / s.frame_size)
      return Error::invalid_argument;
    if (hint != kUnknownSize) {
      uint64_t start = index * s.frame_size;
      if (start >= hint || size != std::min(s.frame_size, hint - start)) return Error::invalid_argument;
    }
  } else if (index != 0 || (s.may_frame && size > s.frame_size)) {
    return Error::invalid_argument;
  }
  s.framed = framed;
  s.undecided = false;
  try {
    s.new_frame(index, out)->encode_all(data, size);
  } catch (const std::bad_alloc&) {
    out.clear();
    return Error::out_of_memory;
  }
  return Error::ok;
}

Error write_seek_table(const SeekEntry* frames, size_t count, std::vector<uint8_t>& out) {
  if (count == 0 || !frames || count > UINT32_MAX) return Error::invalid_argument;
  std::vector<uint8_t> entries(count * format::kSeekEntrySize);
  for (size_t k = 0; k < count; ++k) {
    if (frames[k].compressed_size > UINT32_MAX || frames[k].original_size > format::kMaxFrameBytes)
      return Error::invalid_argument;
    format::put_le(entries.data() + k * format::kSeekEntrySize, frames[k].compressed_size, 4);
    format::put_le(entries.data() + k * format::kSeekEntrySize + 4, frames[k].original_size, 4);
  }
  append_seek_table(entries, count, out);
  return Error::ok;
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
  try {
    for (;;) {
      if (!s.drain(out)) return Status::needs_output;
      if (s.finished) return Status::done;
      Status st = s.step(in, finish);
      if (s.error != Error::ok) return Status::error;
      if (st == Status::needs_input) return st;
    }
  } catch (const std::bad_alloc&) {
    s.error = Error::out_of_memory;
    return Status::error;
  }
}

void Encoder::record_costs() {
  impl_->recording = true;
  if (impl_->frame) impl_->frame->record_costs();
}

void Encoder::take_costs(std::vector<uint16_t>& out) {
  Impl& s = *impl_;
  if (s.frame && s.recording) {
    s.costs.insert(s.costs.end(), s.frame->costs().begin(), s.frame->costs().end());
    s.frame->costs().clear();
  }
  out.insert(out.end(), s.costs.begin(), s.costs.end());
  s.costs.clear();
}

Error Encoder::error() const { return impl_->error; }
uint64_t Encoder::bytes_in() const { return impl_->total_in; }
uint64_t Encoder::bytes_out() const { return impl_->total_out; }

size_t memory_for_input(int level, uint64_t size) {
  const LevelConfig* config = level_config(level);
  return config ? predictor_memory(sized_config(*config, table_log_for(*config, size))) : 0;
}

Error compress(const uint8_t* data, size_t size, std::vector<uint8_t>& out, EncoderOptions options) {
  options.size_hint = size;
  Encoder encoder(std::move(options));
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

Error compress(const uint8_t* data, size_t size, std::vector<uint8_t>& out, int level,
               std::shared_ptr<const Model> model) {
  return compress(data, size, out, EncoderOptions{level, std::move(model)});
}

}  // namespace lmzip
