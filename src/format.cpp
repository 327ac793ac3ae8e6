#include "format.h"

#include <algorithm>
#include <cstring>
#include <system_error>
#include <thread>
#include <vector>

#include "levels.h"
#include "tables.h"

#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
#define LMZIP_NO_THREADS 1
#endif

namespace lmzip {

const char* error_name(Error e) {
  switch (e) {
#define LMZIP_ERROR_NAME(id, code, name, message) \
  case Error::id:                                 \
    return name;
    LMZIP_ERROR_LIST(LMZIP_ERROR_NAME)
#undef LMZIP_ERROR_NAME
  }
  return "LMZ_ERR_UNKNOWN";
}

const char* error_message(Error e) {
  switch (e) {
#define LMZIP_ERROR_MESSAGE(id, code, name, message) \
  case Error::id:                                    \
    return message;
    LMZIP_ERROR_LIST(LMZIP_ERROR_MESSAGE)
#undef LMZIP_ERROR_MESSAGE
  }
  return "unknown error";
}

Error peek_header(const uint8_t* data, size_t size, StreamHeader& header) {
  using namespace format;
  if (size == 0) return Error::truncated;
  if (!data) return Error::invalid_argument;
  if (std::memcmp(data, kMagic, std::min(size, sizeof kMagic)) != 0) return Error::not_lmzip;
  if (size < kHeaderSize) return Error::truncated;
  StreamHeader h;
  if (Error e = parse_header_start(data, h); e != Error::ok) return e;
  if (size < h.header_size) return Error::truncated;
  if (h.header_size > kHeaderSize)
    if (Error e = parse_model_id(data + kHeaderSize, h); e != Error::ok) return e;
  header = h;
  return Error::ok;
}

namespace format {
size_t put_varint(uint8_t* p, uint64_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    p[n++] = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  p[n++] = static_cast<uint8_t>(v);
  return n;
}

StreamHeader make_header(int level, const Model* model, bool framed, int table_log) {
  StreamHeader h;
  h.format_version = kFormatVersion;
  h.level = level;
  h.framed = framed;
  h.table_log = table_log;
  h.flags = static_cast<uint8_t>((model ? kFlagModelId : 0) | (framed ? kFlagFramed : 0) |
                                 (table_log ? (table_log - kTableLogBias) << kTableCodeShift : 0));
  h.model_id = model ? model->id() : 0;
  h.header_size = kHeaderSize + (model ? kModelIdSize : 0);
  return h;
}

size_t pack_header(const StreamHeader& h, uint8_t* out) {
  std::memcpy(out, kMagic, sizeof kMagic);
  out[3] = static_cast<uint8_t>(h.format_version);
  out[4] = static_cast<uint8_t>(h.level);
  out[5] = h.flags;
  if (h.flags & kFlagModelId) put_le(out + kHeaderSize, h.model_id, kModelIdSize);
  return h.header_size;
}

Error parse_header_start(const uint8_t* p, StreamHeader& h) {
  if (std::memcmp(p, kMagic, sizeof kMagic) != 0) return Error::not_lmzip;
  h.format_version = p[3];
  if (h.format_version < kOldestFormatVersion || h.format_version > kFormatVersion)
    return h.format_version > kFormatVersion ? Error::unsupported_version : Error::corrupt_header;
  h.level = p[4];
  h.flags = p[5];
  const LevelConfig* config = level_config(h.level, h.format_version);
  if (!config) return Error::corrupt_header;
  h.framed = false;
  h.table_log = 0;
  if (h.format_version >= 3) {
    h.framed = (h.flags & kFlagFramed) != 0;
    int code = h.flags >> kTableCodeShift;
    if (code) {
      h.table_log = code + kTableLogBias;
      if (same_tables(sized_config(*config, h.table_log), *config)) return Error::corrupt_header;
    }
  } else if (h.flags & ~kFlagsV2) {
    return Error::corrupt_header;
  }
  // Exactly the levels with a neural model name one.
  bool names_model = (h.flags & kFlagModelId) != 0;
  if (names_model != (config->model != ModelSlot::none)) return Error::corrupt_header;
  h.model_id = 0;
  h.header_size = kHeaderSize + (names_model ? kModelIdSize : 0);
  return Error::ok;
}

Error parse_model_id(const uint8_t* p, StreamHeader& h) {
  h.model_id = static_cast<uint32_t>(get_le(p, kModelIdSize));
  return h.model_id == 0 ? Error::corrupt_header : Error::ok;
}

void pack_block_header(const BlockHeader& b, uint8_t* out) {
  uint32_t type = b.coded ? kCoded : kStored;
  put_le(out, (b.raw_size << 3) | (type << 1) | (b.last ? 1u : 0u), kBlockHeaderSize);
}

Error parse_block_header(const uint8_t* p, BlockHeader& b) {
  uint32_t v = static_cast<uint32_t>(get_le(p, kBlockHeaderSize));
  uint32_t type = (v >> 1) & 3;
  b.last = v & 1;
  b.coded = type == kCoded;
  b.raw_size = v >> 3;
  if (type > kCoded || b.raw_size > kMaxBlockSize) return Error::corrupt_data;
  return Error::ok;
}

void SeekTableCheck::start_file() {
  frames_ = 0;
  expected_crc_ = crc32_update(0, kSeekMagic, sizeof kSeekMagic);
}

void SeekTableCheck::add_frame(uint64_t compressed_size, uint64_t original_size) {
  uint8_t e[kSeekEntrySize];
  put_le(e, compressed_size, 4);
  put_le(e + 4, original_size, 4);
  // A frame too large for its entry can have no valid table.
  if ((compressed_size | original_size) >> 32) e[0] ^= 1;
  expected_crc_ = crc32_update(expected_crc_, e, sizeof e);
  ++frames_;
}

bool SeekTableCheck::is_table_start(const uint8_t* p) {
  if (std::memcmp(p, kSeekMagic, sizeof kSeekMagic) != 0) return false;
  read_crc_ = crc32_update(0, kSeekMagic, sizeof kSeekMagic);
  entries_left_ = frames_;
  return true;
}

void SeekTableCheck::entry(const uint8_t* p) {
  read_crc_ = crc32_update(read_crc_, p, kSeekEntrySize);
  --entries_left_;
}

bool SeekTableCheck::footer_ok(const uint8_t* p) {
  read_crc_ = crc32_update(read_crc_, p, 4);
  expected_crc_ = crc32_update(expected_crc_, p, 4);
  // The count, the table's own checksum, and the entries (through the
  // checksum of what they should be) must all agree.
  return get_le(p, 4) == frames_ && get_le(p + 4, 4) == read_crc_ && read_crc_ == expected_crc_ &&
         std::memcmp(p + 8, kSeekMagic, sizeof kSeekMagic) == 0;
}

Error FrameWalk::check_header(Error e, const StreamHeader& header) const {
  if (framed_file_ && (e == Error::not_lmzip || (e == Error::ok && !header.framed))) return Error::corrupt_data;
  return e;
}

void FrameWalk::frame_done(uint64_t compressed_size, uint64_t original_size, bool framed) {
  seek_.add_frame(compressed_size, original_size);
  framed_file_ = framed;
  stage_ = framed ? Stage::next_in_file : Stage::file_end;
}

FrameWalk::Next FrameWalk::step(InBuffer& in, bool end_of_input, uint8_t* field, size_t& field_len,
                                uint64_t& counted) {
  for (;;) {
    switch (stage_) {
      case Stage::next_in_file:
        if (!gather_field(in, field, field_len, sizeof kSeekMagic, counted)) break;
        if (!seek_.is_table_start(field)) return same_file;  // a frame's header starts in field
        field_len = 0;
        stage_ = Stage::seek_entries;
        continue;
      case Stage::seek_entries:
        if (seek_.entries_left() == 0) {
          stage_ = Stage::seek_footer;
          continue;
        }
        if (!gather_field(in, field, field_len, kSeekEntrySize, counted)) break;
        field_len = 0;
        seek_.entry(field);
        continue;
      case Stage::seek_footer:
        if (!gather_field(in, field, field_len, kSeekFooterSize, counted)) break;
        field_len = 0;
        if (!seek_.footer_ok(field)) return fail(Error::corrupt_data);
        stage_ = Stage::file_end;
        continue;
      case Stage::file_end:
        // Another file starts with the magic; anything else stays in `in`.
        while (field_len < sizeof kMagic) {
          if (in.pos == in.size) {
            if (!end_of_input) return needs_input;
            return field_len == 0 ? end : fail(Error::truncated);
          }
          if (in.src[in.pos] != kMagic[field_len]) return field_len == 0 ? end : fail(Error::corrupt_data);
          field[field_len++] = in.src[in.pos++];
          ++counted;
        }
        framed_file_ = false;
        seek_.start_file();
        return new_file;
    }
    return end_of_input ? fail(Error::truncated) : needs_input;
  }
}

int resolve_threads(int threads) {
#ifdef LMZIP_NO_THREADS
  (void)threads;
  return 1;
#else
  if (threads == 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::clamp(threads, 1, kMaxThreads);
#endif
}

void run_parallel(size_t count, int threads, const std::function<void(size_t)>& work) {
  size_t helpers = std::min(count, static_cast<size_t>(resolve_threads(threads))) - (count > 0 ? 1 : 0);
  auto share = [&](size_t first) {
    for (size_t i = first; i < count; i += helpers + 1) work(i);
  };
#ifndef LMZIP_NO_THREADS
  std::vector<std::thread> pool;
  try {
    for (size_t t = 1; t <= helpers; ++t) pool.emplace_back(share, t);
  } catch (const std::system_error&) {
    // Fewer threads than asked: the missing ones' shares run here.
    for (size_t t = pool.size() + 1; t <= helpers; ++t) share(t);
  }
  share(0);
  for (std::thread& t : pool) t.join();
#else
  helpers = 0;
  share(0);
#endif
}

Error check_coded_length(uint32_t coded_size, uint32_t raw_size) {
  // A coded block is smaller than stored (else the encoder stores it), and
  // the coder's flush writes at least 4 bytes.
  return coded_size < 4 || coded_size + kCodedLengthSize >= raw_size ? Error::corrupt_data : Error::ok;
}
}  // namespace format

}  // namespace lmzip
