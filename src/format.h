// Container format (docs/FORMAT.md). Internal to the library.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "lmzip.h"

namespace lmzip::format {

constexpr uint8_t kMagic[3] = {'L', 'M', 'Z'};
constexpr size_t kHeaderSize = 6;        // magic, version, level, flags
constexpr size_t kModelIdSize = 4;       // present when flags & kFlagModelId
constexpr uint8_t kFlagModelId = 0x01;
// From version 3: the frame is one of a framed file's (another frame or the
// seek table follows it), and bits 2-7 hold its table size code.
constexpr uint8_t kFlagFramed = 0x02;
constexpr int kTableCodeShift = 2;
constexpr uint8_t kFlagsV2 = kFlagModelId;
// Table size code c (1..kMaxTableCode): tables for 2^(c + kTableLogBias)
// bytes; 0: the level's full tables.
constexpr int kTableLogBias = 9;
constexpr int kMaxTableCode = 63;

// The seek table that ends a framed file: kSeekMagic, one entry per frame
// (compressed size u32, original size u32), then frame count u32, CRC-32 of
// everything before it in the table u32, and kSeekMagic again (so a reader
// finds it from the end of the file).
constexpr uint8_t kSeekMagic[4] = {'L', 'M', 'S', 1};
constexpr size_t kSeekEntrySize = 8;
using lmzip::kSeekFooterSize;
constexpr uint64_t kMaxFrameBytes = uint64_t{1} << 30;  // a frame's original size fits u32
inline uint64_t seek_table_size(uint64_t frames) { return sizeof kSeekMagic + kSeekEntrySize * frames + kSeekFooterSize; }

// Block header: 3 bytes little-endian: bit 0 last, bits 1-2 type,
// bits 3-23 raw length. Coded blocks add 3 bytes of payload length.
constexpr size_t kBlockHeaderSize = 3;
constexpr size_t kCodedLengthSize = 3;
constexpr uint32_t kMaxBlockSize = 1u << 20;
enum BlockType : uint32_t { kStored = 0, kCoded = 1 };

constexpr size_t kMaxVarintSize = 10;
constexpr size_t kChecksumSize = 4;

// The stream header: magic, version, level, flags, [model id]. pack writes
// header.header_size bytes (at most kMaxHeaderSize) and returns that size.
constexpr size_t kMaxHeaderSize = kHeaderSize + kModelIdSize;
StreamHeader make_header(int level, const Model* model, bool framed = false, int table_log = 0);
size_t pack_header(const StreamHeader& header, uint8_t* out);
// Parses the first kHeaderSize bytes; sets header_size to what the whole
// header takes (the model id follows when it is larger). A header of
// version 3 whose table size code gives no smaller tables than the level's
// is corrupt (each size has one code).
Error parse_header_start(const uint8_t* p, StreamHeader& header);
// Reads the model id; corrupt_header for 0, which no model has (Model::load
// refuses a file whose CRC-32 is 0): a neural level's stream must name one.
Error parse_model_id(const uint8_t* p, StreamHeader& header);

struct BlockHeader {
  bool last = false;
  bool coded = false;
  uint32_t raw_size = 0;
};
void pack_block_header(const BlockHeader& block, uint8_t* out);  // kBlockHeaderSize bytes
Error parse_block_header(const uint8_t* p, BlockHeader& block);
// A coded block's payload length, given its raw size.
Error check_coded_length(uint32_t coded_size, uint32_t raw_size);

// Reads the trailer's LEB128 length one byte at a time.
class VarintReader {
 public:
  enum Result { more, complete, invalid };
  Result feed(uint8_t b) {
    if (shift_ == 63 && b > 1) return invalid;
    value_ |= uint64_t{b & 0x7Fu} << shift_;
    if (!(b & 0x80)) return complete;
    shift_ += 7;
    return shift_ > 63 ? invalid : more;
  }
  uint64_t value() const { return value_; }

 private:
  uint64_t value_ = 0;
  int shift_ = 0;
};

// Longest input a coded byte may need: up to 4 bytes per bit (the range can
// collapse to one value) — never exceeded by a valid stream.
constexpr size_t kMaxCodedBytesPerByte = 32;

inline void put_le(uint8_t* p, uint64_t v, size_t n) {
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
inline uint64_t get_le(const uint8_t* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}
// Copies input into a fixed-size field until it holds `need` bytes (`len`:
// how many it holds so far), adding what it took to `counted`; true once the
// field is complete.
inline bool gather_field(InBuffer& in, uint8_t* field, size_t& len, size_t need, uint64_t& counted) {
  size_t n = std::min(need - len, in.size - in.pos);
  if (n == 0) return len == need;  // in.src may be null when empty
  std::memcpy(field + len, in.src + in.pos, n);
  len += n;
  in.pos += n;
  counted += n;
  return len == need;
}

// A seek table against the frames before it (decoder and scanner): the
// frames add what their entries must be, the table's bytes are checked
// through CRC-32s of what was read and of what was expected, so that no
// list of frames is kept.
class SeekTableCheck {
 public:
  SeekTableCheck() { start_file(); }
  void start_file();
  void add_frame(uint64_t compressed_size, uint64_t original_size);
  // The 4 bytes after a framed frame: the table's start (or a frame's).
  bool is_table_start(const uint8_t* p);
  uint64_t entries_left() const { return entries_left_; }
  void entry(const uint8_t* p);  // kSeekEntrySize bytes
  // The kSeekFooterSize bytes after the entries: count, checksum, magic.
  bool footer_ok(const uint8_t* p);

 private:
  uint64_t frames_ = 0, entries_left_ = 0;
  uint32_t expected_crc_ = 0, read_crc_ = 0;
};

// What lies between frames, read the same way by the decoder and the
// scanner: after a framed frame another frame of its file or the seek table
// (checked against the frames), after a file another file or the end.
class FrameWalk {
 public:
  enum Next { needs_input, same_file, new_file, end, failed };
  // A frame header's start has been parsed with result `e`: inside a framed
  // file only a framed frame may follow (else corrupt_data).
  Error check_header(Error e, const StreamHeader& header) const;
  // A frame's trailer has been read.
  void frame_done(uint64_t compressed_size, uint64_t original_size, bool framed);
  // Reads what follows, gathering fields into `field` (field_len bytes so
  // far, `counted` adds what it takes). same_file / new_file: `field` holds
  // the start of the next frame's header; end: done, bytes that are not
  // lmzip stay in `in`; failed: error().
  Next step(InBuffer& in, bool end_of_input, uint8_t* field, size_t& field_len, uint64_t& counted);
  Error error() const { return error_; }

 private:
  enum class Stage { next_in_file, seek_entries, seek_footer, file_end };
  Next fail(Error e) {
    error_ = e;
    return failed;
  }
  Stage stage_ = Stage::file_end;
  bool framed_file_ = false;
  SeekTableCheck seek_;
  Error error_ = Error::ok;
};

// The number of threads `threads` asks for (0: one per core), within
// 1..kMaxThreads; 1 in builds without threads.
int resolve_threads(int threads);
// Runs work(0) .. work(count - 1) on up to `threads` threads (the caller's
// among them), in order of index within each thread.
void run_parallel(size_t count, int threads, const std::function<void(size_t)>& work);

// LEB128; returns the number of bytes written (1..10).
size_t put_varint(uint8_t* p, uint64_t v);

}  // namespace lmzip::format
