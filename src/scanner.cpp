// StreamScanner: the container's structure without its payload, for
// listings. It reads the same fields as the decoder, through the same
// format.h parsers, and skips the block bodies.
#include <algorithm>
#include <cstring>

#include "format.h"
#include "lmzip.h"

namespace lmzip {

namespace {
enum class Stage {
  header,
  model_id,
  block_header,
  coded_length,
  body,
  trailer_length,
  trailer_checksum,
  between_frames,  // what follows a frame: format::FrameWalk
  done,
};
}  // namespace

struct StreamScanner::Impl {
  explicit Impl(std::function<void(const FrameInfo&)> callback) : on_frame(std::move(callback)) {}

  std::function<void(const FrameInfo&)> on_frame;
  Stage stage = Stage::header;
  Error error = Error::ok;
  StreamInfo info;
  FrameInfo frame;
  uint8_t field[16] = {};
  size_t field_len = 0;
  format::BlockHeader block;
  uint64_t body_left = 0;
  format::VarintReader trailer_length;
  format::FrameWalk walk;

  Status fail(Error e) {
    error = e;
    return Status::error;
  }

  // Gathers a field of `need` bytes; false while more input is needed.
  bool take_field(InBuffer& in, size_t need) {
    if (!format::gather_field(in, field, field_len, need, info.compressed_size)) return false;
    field_len = 0;
    return true;
  }

  void end_frame() {
    frame.compressed_size = info.compressed_size - frame.offset;
    walk.frame_done(frame.compressed_size, frame.original_size, frame.header.framed);
    info.checksum = ++info.frames == 1 ? frame.checksum : 0;
    if (on_frame) on_frame(frame);
    stage = Stage::between_frames;
  }

  Status run(InBuffer& in, bool end_of_input);
};

Status StreamScanner::Impl::run(InBuffer& in, bool end_of_input) {
  for (;;) {
    switch (stage) {
      case Stage::header: {
        if (!format::gather_field(in, field, field_len, format::kHeaderSize, info.compressed_size)) break;
        field_len = 0;
        // Kept only once its start is valid (as in the decoder): after a
        // failure, the header's level is 0 or the level of a valid start.
        StreamHeader h;
        if (Error e = walk.check_header(format::parse_header_start(field, h), h); e != Error::ok) return fail(e);
        frame = FrameInfo{};
        frame.header = h;
        frame.offset = info.compressed_size - format::kHeaderSize;
        if (info.frames == 0) info.header = h;
        trailer_length = {};
        stage = h.header_size > format::kHeaderSize ? Stage::model_id : Stage::block_header;
        continue;
      }
      case Stage::model_id:
        if (!take_field(in, format::kModelIdSize)) break;
        if (Error e = format::parse_model_id(field, frame.header); e != Error::ok) return fail(e);
        if (info.frames == 0) info.header = frame.header;
        stage = Stage::block_header;
        continue;
      case Stage::block_header: {
        if (!take_field(in, format::kBlockHeaderSize)) break;
        if (Error e = format::parse_block_header(field, block); e != Error::ok) return fail(e);
        ++frame.blocks;
        ++info.blocks;
        frame.original_size += block.raw_size;
        info.original_size += block.raw_size;
        if (!block.coded) {
          ++frame.stored_blocks;
          ++info.stored_blocks;
        }
        body_left = block.raw_size;
        stage = block.coded ? Stage::coded_length : Stage::body;
        continue;
      }
      case Stage::coded_length: {
        if (!take_field(in, format::kCodedLengthSize)) break;
        uint32_t coded = static_cast<uint32_t>(format::get_le(field, format::kCodedLengthSize));
        if (Error e = format::check_coded_length(coded, block.raw_size); e != Error::ok) return fail(e);
        body_left = coded;
        stage = Stage::body;
        continue;
      }
      case Stage::body: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(body_left, in.size - in.pos));
        in.pos += n;
        info.compressed_size += n;
        body_left -= n;
        if (body_left > 0) break;
        stage = block.last ? Stage::trailer_length : Stage::block_header;
        continue;
      }
      case Stage::trailer_length: {
        if (in.pos == in.size) break;
        ++info.compressed_size;
        format::VarintReader::Result r = trailer_length.feed(in.src[in.pos++]);
        if (r == format::VarintReader::invalid) return fail(Error::corrupt_data);
        if (r == format::VarintReader::more) continue;
        if (trailer_length.value() != frame.original_size) return fail(Error::length_mismatch);
        stage = Stage::trailer_checksum;
        continue;
      }
      case Stage::trailer_checksum:
        if (!take_field(in, format::kChecksumSize)) break;
        frame.checksum = static_cast<uint32_t>(format::get_le(field, format::kChecksumSize));
        end_frame();
        continue;
      case Stage::between_frames:
        switch (walk.step(in, end_of_input, field, field_len, info.compressed_size)) {
          case format::FrameWalk::needs_input: return Status::needs_input;
          case format::FrameWalk::failed: return fail(walk.error());
          case format::FrameWalk::end: stage = Stage::done; continue;
          case format::FrameWalk::new_file:
            ++info.files;
            [[fallthrough]];
          case format::FrameWalk::same_file: stage = Stage::header; continue;  // its header's start is in field
        }
        continue;
      case Stage::done:
        return Status::done;
    }
    if (end_of_input) return fail(Error::truncated);
    return Status::needs_input;
  }
}

StreamScanner::StreamScanner() : StreamScanner(nullptr) {}
StreamScanner::StreamScanner(std::function<void(const FrameInfo&)> on_frame)
    : impl_(std::make_unique<Impl>(std::move(on_frame))) {
  impl_->info.files = 1;
}
StreamScanner::~StreamScanner() = default;

Status StreamScanner::scan(InBuffer& in, bool end_of_input) {
  Impl& s = *impl_;
  if (s.error != Error::ok) return Status::error;
  if (in.pos > in.size || (in.pos < in.size && !in.src)) return s.fail(Error::invalid_argument);
  return s.run(in, end_of_input);
}

Error StreamScanner::error() const { return impl_->error; }
const StreamInfo& StreamScanner::info() const { return impl_->info; }

}  // namespace lmzip
