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
  next_in_file,
  seek_entries,
  seek_footer,
  file_end,
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
  bool in_framed_file = false;
  format::SeekTableCheck seek;

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

  void start_file() {
    in_framed_file = false;
    seek.start_file();
    ++info.files;
    stage = Stage::header;
  }

  void end_frame() {
    frame.compressed_size = info.compressed_size - frame.offset;
    seek.add_frame(frame.compressed_size, frame.original_size);
    info.checksum = ++info.frames == 1 ? frame.checksum : 0;
    if (on_frame) on_frame(frame);
    in_framed_file = frame.header.framed;
    stage = frame.header.framed ? Stage::next_in_file : Stage::file_end;
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
        Error e = format::parse_header_start(field, h);
        if (in_framed_file && (e == Error::not_lmzip || (e == Error::ok && !h.framed))) e = Error::corrupt_data;
        if (e != Error::ok) return fail(e);
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
      case Stage::next_in_file:
        if (!format::gather_field(in, field, field_len, sizeof format::kSeekMagic, info.compressed_size)) break;
        if (seek.is_table_start(field)) {
          field_len = 0;
          stage = Stage::seek_entries;
        } else {
          stage = Stage::header;  // with the bytes gathered so far
        }
        continue;
      case Stage::seek_entries:
        if (seek.entries_left() == 0) {
          stage = Stage::seek_footer;
          continue;
        }
        if (!take_field(in, format::kSeekEntrySize)) break;
        seek.entry(field);
        continue;
      case Stage::seek_footer:
        if (!take_field(in, format::kSeekFooterSize)) break;
        if (!seek.footer_ok(field)) return fail(Error::corrupt_data);
        stage = Stage::file_end;
        continue;
      case Stage::file_end: {
        switch (format::after_file(in, end_of_input, field, field_len, info.compressed_size)) {
          case format::AfterFile::end: stage = Stage::done; continue;
          case format::AfterFile::unknown: return Status::needs_input;
          case format::AfterFile::not_lmzip: return fail(Error::corrupt_data);
          case format::AfterFile::truncated: return fail(Error::truncated);
          case format::AfterFile::another: break;
        }
        start_file();  // its header's start is in field
        continue;
      }
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
  impl_->start_file();
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
