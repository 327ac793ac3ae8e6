#include <algorithm>
#include <cstring>
#include <new>

#include "coder.h"
#include "format.h"
#include "levels.h"
#include "lmzip.h"
#include "predictor.h"
#include "tables.h"

namespace lmzip {

namespace {
enum class Stage {
  header,
  model_id,
  block_header,
  coded_length,
  coded_start,
  stored_body,
  coded_body,
  trailer_length,
  trailer_checksum,
  between_frames,  // what follows a frame: format::FrameWalk
  done,
};
}  // namespace

struct Decoder::Impl {
  // Feeds the arithmetic decoder from the staged payload bytes; reading past
  // them means the payload is corrupt (a valid one is consumed exactly).
  struct StagedSource {
    Impl* impl;
    uint8_t operator()() const {
      Impl& s = *impl;
      if (s.staged_pos < s.staged_end) return s.staged[s.staged_pos++];
      s.overrun = true;
      return 0;
    }
  };

  explicit Impl(DecoderOptions opts) : options(opts), coder(StagedSource{this}) {}

  DecoderOptions options;
  Error error = Error::ok;
  Stage stage = Stage::header;
  StreamHeader header;  // of the frame being decoded
  LevelConfig config{};
  std::shared_ptr<const Model> model;  // of that frame
  std::unique_ptr<Predictor> predictor;
  format::FrameWalk walk;
  uint64_t frame_start_in = 0, frame_start_out = 0;

  // Fixed-size fields (headers, checksum) are gathered here first.
  uint8_t field[16] = {};
  size_t field_len = 0;

  bool last_block = false;
  bool block_coded = false;
  uint32_t block_left = 0;     // raw bytes of the block still to output
  uint32_t payload_left = 0;   // coded bytes of the block not yet staged
  uint8_t staged[2 * format::kMaxCodedBytesPerByte] = {};
  size_t staged_pos = 0, staged_end = 0;
  bool overrun = false;
  ArithmeticDecoder<StagedSource> coder;

  format::VarintReader trailer_length;
  uint32_t crc = 0;
  uint64_t total_in = 0, total_out = 0;

  Status fail(Error e) {
    error = e;
    return Status::error;
  }

  // Gathers `need` bytes of a field; false while more input is needed.
  bool gather(InBuffer& in, size_t need) { return format::gather_field(in, field, field_len, need, total_in); }

  bool ensure_predictor() {
    if (predictor) return true;
    try {
      predictor = std::make_unique<Predictor>(config, model ? &model->byte_model() : nullptr);
    } catch (const std::bad_alloc&) {
      return false;
    }
    return true;
  }

  void learn_byte(int c) {
    Predictor& p = *predictor;
    for (int k = 7; k >= 0; --k) p.update((c >> k) & 1);
  }

  // Moves payload bytes into the staging buffer so that the next decoded
  // byte cannot run out of input mid-way; false if input is missing.
  bool stage_payload(InBuffer& in, size_t want) {
    if (staged_pos > 0) {
      std::memmove(staged, staged + staged_pos, staged_end - staged_pos);
      staged_end -= staged_pos;
      staged_pos = 0;
    }
    size_t n = std::min({sizeof staged - staged_end, size_t{payload_left}, in.size - in.pos});
    if (n > 0) std::memcpy(staged + staged_end, in.src + in.pos, n);
    staged_end += n;
    in.pos += n;
    total_in += n;
    payload_left -= static_cast<uint32_t>(n);
    return staged_end >= std::min(want, staged_end + payload_left);
  }

  bool emit_room(OutBuffer& out) const { return out.pos < out.size; }

  Status start_block() {
    format::BlockHeader block;
    if (Error e = format::parse_block_header(field, block); e != Error::ok) return fail(e);
    last_block = block.last;
    block_coded = block.coded;
    block_left = block.raw_size;
    // The model must learn this block unless it is the stream's last one
    // and stored: then nothing is ever predicted from it.
    if ((block_coded || !last_block) && !ensure_predictor()) return fail(Error::out_of_memory);
    stage = block_coded ? Stage::coded_length : Stage::stored_body;
    return Status::needs_input;
  }

  // The trailer is verified: what follows the frame.
  void end_frame() {
    walk.frame_done(total_in - frame_start_in, total_out - frame_start_out, header.framed);
    stage = options.one_frame ? Stage::done : Stage::between_frames;
  }

  Status run(InBuffer& in, OutBuffer& out, bool end_of_input);
};

Status Decoder::Impl::run(InBuffer& in, OutBuffer& out, bool end_of_input) {
  for (;;) {
    switch (stage) {
      case Stage::header: {
        if (!gather(in, format::kHeaderSize)) break;
        field_len = 0;
        StreamHeader h;
        if (Error e = walk.check_header(format::parse_header_start(field, h), h); e != Error::ok) return fail(e);
        header = h;
        config = sized_config(*level_config(h.level, h.format_version), h.table_log);
        predictor.reset();
        model = nullptr;
        frame_start_in = total_in - format::kHeaderSize;
        frame_start_out = total_out;
        crc = 0;
        trailer_length = {};
        stage = h.header_size > format::kHeaderSize ? Stage::model_id : Stage::block_header;
        continue;
      }
      case Stage::model_id: {
        if (!gather(in, format::kModelIdSize)) break;
        field_len = 0;
        if (Error e = format::parse_model_id(field, header); e != Error::ok) return fail(e);
        model = options.model ? options.model : find_default_model(header.model_id);
        if (!model || model->id() != header.model_id) {
          // Another model at hand, or none at all for this level.
          bool some_model = model || default_model(header.level);
          return fail(some_model ? Error::model_mismatch : Error::model_not_loaded);
        }
        stage = Stage::block_header;
        continue;
      }
      case Stage::block_header: {
        if (!gather(in, format::kBlockHeaderSize)) break;
        field_len = 0;
        if (start_block() == Status::error) return Status::error;
        continue;
      }
      case Stage::coded_length: {
        if (!gather(in, format::kCodedLengthSize)) break;
        field_len = 0;
        payload_left = static_cast<uint32_t>(format::get_le(field, format::kCodedLengthSize));
        if (Error e = format::check_coded_length(payload_left, block_left); e != Error::ok) return fail(e);
        staged_pos = staged_end = 0;
        overrun = false;
        stage = Stage::coded_start;
        continue;
      }
      case Stage::coded_start: {
        if (!stage_payload(in, 4)) break;
        coder.start();
        stage = Stage::coded_body;
        continue;
      }
      case Stage::stored_body: {
        if (block_left > 0) {
          size_t n = std::min({size_t{block_left}, in.size - in.pos, out.size - out.pos});
          if (total_out + n > options.max_output) return fail(Error::output_limit);
          if (n == 0) {
            if (in.pos == in.size) break;
            return Status::needs_output;
          }
          const uint8_t* src = in.src + in.pos;
          std::memcpy(out.dst + out.pos, src, n);
          crc = crc32_update(crc, src, n);
          if (predictor && !last_block)
            for (size_t i = 0; i < n; ++i) learn_byte(src[i]);
          in.pos += n;
          out.pos += n;
          total_in += n;
          total_out += n;
          block_left -= static_cast<uint32_t>(n);
          continue;
        }
        stage = last_block ? Stage::trailer_length : Stage::block_header;
        continue;
      }
      case Stage::coded_body: {
        Predictor& p = *predictor;
        while (block_left > 0) {
          if (!emit_room(out)) return Status::needs_output;
          if (total_out >= options.max_output) return fail(Error::output_limit);
          if (staged_end - staged_pos < format::kMaxCodedBytesPerByte &&
              !stage_payload(in, format::kMaxCodedBytesPerByte))
            goto need_input;
          int c = 1;
          for (int k = 0; k < 8; ++k) {
            int bit = coder.decode(p.p());
            p.update(bit);
            c = (c << 1) | bit;
          }
          if (overrun) return fail(Error::corrupt_data);
          uint8_t byte = static_cast<uint8_t>(c);
          out.dst[out.pos++] = byte;
          crc = crc32_update(crc, &byte, 1);
          ++total_out;
          --block_left;
        }
        // A valid payload is consumed exactly.
        if (staged_pos != staged_end || payload_left != 0) return fail(Error::corrupt_data);
        stage = last_block ? Stage::trailer_length : Stage::block_header;
        continue;
      }
      case Stage::trailer_length: {
        if (in.pos == in.size) break;
        ++total_in;
        format::VarintReader::Result r = trailer_length.feed(in.src[in.pos++]);
        if (r == format::VarintReader::invalid) return fail(Error::corrupt_data);
        if (r == format::VarintReader::more) continue;
        if (trailer_length.value() != total_out - frame_start_out) return fail(Error::length_mismatch);
        stage = Stage::trailer_checksum;
        continue;
      }
      case Stage::trailer_checksum: {
        if (!gather(in, format::kChecksumSize)) break;
        field_len = 0;
        if (format::get_le(field, format::kChecksumSize) != crc) return fail(Error::checksum_mismatch);
        end_frame();
        continue;
      }
      case Stage::between_frames:
        switch (walk.step(in, end_of_input, field, field_len, total_in)) {
          case format::FrameWalk::needs_input: return Status::needs_input;
          case format::FrameWalk::failed: return fail(walk.error());
          case format::FrameWalk::end: stage = Stage::done; continue;
          case format::FrameWalk::new_file:
          case format::FrameWalk::same_file: stage = Stage::header; continue;  // its header's start is in field
        }
        continue;
      case Stage::done:
        return Status::done;
    }
  need_input:
    if (end_of_input) return fail(Error::truncated);
    return Status::needs_input;
  }
}

Decoder::Decoder(DecoderOptions options) : impl_(std::make_unique<Impl>(options)) {}
Decoder::~Decoder() = default;

Status Decoder::decompress(InBuffer& in, OutBuffer& out, bool end_of_input) {
  Impl& s = *impl_;
  if (s.error != Error::ok) return Status::error;
  if (in.pos > in.size || out.pos > out.size || (in.pos < in.size && !in.src) ||
      (out.pos < out.size && !out.dst))
    return s.fail(Error::invalid_argument);
  return s.run(in, out, end_of_input);
}

Error Decoder::error() const { return impl_->error; }
uint64_t Decoder::bytes_in() const { return impl_->total_in; }
uint64_t Decoder::bytes_out() const { return impl_->total_out; }
int Decoder::level() const { return impl_->header.level; }
uint32_t Decoder::model_id() const { return impl_->header.model_id; }

Error decompress(const uint8_t* data, size_t size, std::vector<uint8_t>& out, DecoderOptions options) {
  Decoder decoder(options);
  InBuffer in{data, size, 0};
  out.clear();
  out.resize(std::max<size_t>(size * 4, 256));
  OutBuffer ob{out.data(), out.size(), 0};
  for (;;) {
    Status st = decoder.decompress(in, ob, true);
    if (st == Status::done) break;
    if (st == Status::error) {
      out.clear();  // no unverified bytes for a caller that misses the error
      return decoder.error();
    }
    out.resize(out.size() * 2);
    ob.dst = out.data();
    ob.size = out.size();
  }
  // Bytes after the files are not part of them.
  if (in.pos != in.size) {
    out.clear();
    return Error::corrupt_data;
  }
  out.resize(ob.pos);
  return Error::ok;
}

}  // namespace lmzip

namespace lmzip {

size_t seek_table_size(const uint8_t* footer) {
  using namespace format;
  if (std::memcmp(footer + kSeekFooterSize - sizeof kSeekMagic, kSeekMagic, sizeof kSeekMagic) != 0) return 0;
  uint64_t count = get_le(footer, 4);
  return count == 0 || count > (SIZE_MAX - 64) / kSeekEntrySize ? 0 : static_cast<size_t>(format::seek_table_size(count));
}

Error read_seek_table(const uint8_t* data, size_t size, std::vector<SeekEntry>& frames, uint64_t file_size) {
  using namespace format;
  frames.clear();
  if (file_size == 0) file_size = size;
  if (!data || size < kSeekFooterSize || file_size < size) return Error::not_lmzip;
  size_t table = lmzip::seek_table_size(data + size - kSeekFooterSize);
  if (table == 0) return Error::not_lmzip;
  if (table > size) return Error::corrupt_data;
  const uint8_t* t = data + size - table;
  uint64_t count = (table - format::seek_table_size(0)) / kSeekEntrySize;
  if (std::memcmp(t, kSeekMagic, sizeof kSeekMagic) != 0 ||
      get_le(data + size - kSeekFooterSize + 4, 4) != crc32_update(0, t, table - 8))
    return Error::corrupt_data;
  uint64_t compressed = 0, original = 0;
  for (uint64_t k = 0; k < count; ++k) {
    const uint8_t* e = t + sizeof kSeekMagic + k * kSeekEntrySize;
    SeekEntry f{compressed, get_le(e, 4), original, get_le(e + 4, 4)};
    compressed += f.compressed_size;
    original += f.original_size;
    frames.push_back(f);
  }
  // The frames end where the table starts; other files may come before.
  if (compressed > file_size - table) return Error::corrupt_data;
  for (SeekEntry& f : frames) f.compressed_offset += file_size - table - compressed;
  return Error::ok;
}

Error decompress_frames(const uint8_t* data, const SeekEntry* frames, size_t count, std::vector<uint8_t>& out,
                        DecoderOptions options, int threads) {
  // Past max_output nothing more is decoded: the frames up to the one that
  // crosses it.
  uint64_t reach = out.size();
  size_t needed = 0;
  while (needed < count && reach <= options.max_output) reach += frames[needed++].original_size;
  count = needed;
  std::vector<std::vector<uint8_t>> parts(count);
  std::vector<Error> errors(count, Error::ok);
  format::run_parallel(count, threads, [&](size_t i) {
    const SeekEntry& f = frames[i];
    DecoderOptions one = options;
    one.one_frame = true;
    one.max_output = f.original_size;  // a frame never decodes past its entry
    StreamHeader h;
    Error e = peek_header(data + f.compressed_offset, static_cast<size_t>(f.compressed_size), h);
    // As inside a framed file when decoded in order (FrameWalk::check_header):
    // what is not a framed frame there is corrupt data.
    if (e == Error::not_lmzip || (e == Error::ok && !h.framed)) e = Error::corrupt_data;
    try {
      if (e == Error::ok) e = decompress(data + f.compressed_offset, static_cast<size_t>(f.compressed_size), parts[i], one);
    } catch (const std::bad_alloc&) {
      e = Error::out_of_memory;
    }
    if (e == Error::output_limit || (e == Error::ok && parts[i].size() != f.original_size)) e = Error::corrupt_data;
    errors[i] = e;
  });
  for (size_t i = 0; i < count; ++i) {
    if (errors[i] != Error::ok) return errors[i];
    if (out.size() + parts[i].size() > options.max_output) {
      out.insert(out.end(), parts[i].begin(), parts[i].begin() + static_cast<std::ptrdiff_t>(options.max_output - out.size()));
      return Error::output_limit;
    }
    out.insert(out.end(), parts[i].begin(), parts[i].end());
  }
  return Error::ok;
}

Error decompress_range(const uint8_t* data, size_t size, uint64_t offset, uint64_t length,
                       std::vector<uint8_t>& out, DecoderOptions options) {
  out.clear();
  std::vector<SeekEntry> frames;
  Error e = read_seek_table(data, size, frames);
  if (e == Error::corrupt_data) return e;
  if (e != Error::ok || frames[0].compressed_offset != 0) {
    // One frame, or files before the framed one: decode it all.
    std::vector<uint8_t> all;
    if (Error d = decompress(data, size, all, options); d != Error::ok) return d;
    if (offset < all.size()) {
      uint64_t take = std::min<uint64_t>(length, all.size() - offset);
      out.assign(all.begin() + static_cast<std::ptrdiff_t>(offset),
                 all.begin() + static_cast<std::ptrdiff_t>(offset + take));
    }
    return Error::ok;
  }
  uint64_t end = length > UINT64_MAX - offset ? UINT64_MAX : offset + length;
  size_t first = 0, last = 0;  // the frames that cover [offset, end)
  while (first < frames.size() && frames[first].original_offset + frames[first].original_size <= offset) ++first;
  last = first;
  while (last < frames.size() && frames[last].original_offset < end) ++last;
  if (first == last) return Error::ok;
  std::vector<uint8_t> part;
  if (Error d = decompress_frames(data, frames.data() + first, last - first, part, options); d != Error::ok) return d;
  uint64_t from = offset - std::min(offset, frames[first].original_offset);
  uint64_t to = std::min<uint64_t>(end - frames[first].original_offset, part.size());
  if (from < to)
    out.assign(part.begin() + static_cast<std::ptrdiff_t>(from), part.begin() + static_cast<std::ptrdiff_t>(to));
  return Error::ok;
}

}  // namespace lmzip
