// Frames (docs/FORMAT.md): the bytes depend on the frame size, never on the
// thread count or the chunking; every frame decodes alone from its seek table
// entry (what docs/SCALE.md's distributed reader does); byte ranges decode
// only the frames that cover them.
#include <doctest/doctest.h>

#include "levels.h"
#include "test_util.h"

using namespace lmzt;

namespace {

lmzip::EncoderOptions framed(int level, uint64_t size, uint64_t frame_size, int threads) {
  lmzip::EncoderOptions o = sized(level, size);
  o.frame_size = frame_size;
  o.threads = threads;
  return o;
}

Bytes compress_framed(const Bytes& in, int level, uint64_t frame_size, int threads) {
  Bytes out;
  REQUIRE(lmzip::compress(in.data(), in.size(), out, framed(level, in.size(), frame_size, threads)) ==
          lmzip::Error::ok);
  return out;
}

}  // namespace

TEST_CASE("frames: the bytes depend on the frame size, not on threads or chunking") {
  const Bytes in = pseudo_text(quick_mode() ? 40000 : 150000, 17);
  for (uint64_t frame_size : {uint64_t{1024}, uint64_t{4096}, uint64_t{10000}, uint64_t{65536}}) {
    INFO("frame size " << frame_size);
    Bytes one = compress_framed(in, 1, frame_size, 1);
    check_container(one, in, 1, frame_size);
    CHECK(decompress_ok(one) == in);
    for (int threads : {2, 3, 0}) CHECK(compress_framed(in, 1, frame_size, threads) == one);
    // Streaming with the same size hint, in chunks, on one or more threads.
    for (int threads : {1, 4}) {
      lmzip::Encoder enc(framed(1, in.size(), frame_size, threads));
      Bytes out, buf(777);
      lmzip::InBuffer ib{in.data(), 0, 0};
      for (;;) {
        if (ib.pos == ib.size && ib.size < in.size()) ib.size = std::min(in.size(), ib.size + 5000);
        lmzip::OutBuffer ob{buf.data(), buf.size(), 0};
        lmzip::Status st = enc.compress(ib, ob, ib.size == in.size());
        append(out, Bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(ob.pos)));
        REQUIRE(st != lmzip::Status::error);
        if (st == lmzip::Status::done) break;
      }
      CHECK(out == one);
    }
  }
}

TEST_CASE("frames: unknown size is framed only beyond one frame") {
  const Bytes in = pseudo_text(20000, 3);
  for (size_t n : {size_t{0}, size_t{100}, size_t{4096}, size_t{4097}, size_t{20000}}) {
    INFO(n << " bytes");
    Bytes part(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(n));
    lmzip::EncoderOptions o;
    o.level = 2;
    o.frame_size = 4096;
    lmzip::Encoder enc(o);
    Bytes out(2 * n + 1000);
    lmzip::InBuffer ib{part.data(), part.size(), 0};
    lmzip::OutBuffer ob{out.data(), out.size(), 0};
    REQUIRE(enc.compress(ib, ob, true) == lmzip::Status::done);
    out.resize(ob.pos);
    lmzip::StreamHeader h;
    REQUIRE(lmzip::peek_header(out.data(), out.size(), h) == lmzip::Error::ok);
    CHECK(h.framed == (n > 4096));
    CHECK(h.table_log == lmzip::kMinTableLog);  // sized for a 4 KiB frame: the smallest tables
    CHECK(decompress_ok(out) == part);
  }
}

TEST_CASE("frames: each frame decodes alone from the seek table, and byte ranges") {
  const Bytes in = pseudo_text(quick_mode() ? 30000 : 100000, 29);
  const uint64_t frame_size = 8192;
  Bytes file = compress_framed(in, 3, frame_size, 2);
  std::vector<lmzip::SeekEntry> frames;
  REQUIRE(lmzip::read_seek_table(file.data(), file.size(), frames) == lmzip::Error::ok);
  REQUIRE(frames.size() == (in.size() + frame_size - 1) / frame_size);
  // Every frame range alone, in any order (here: backwards), reassembled.
  Bytes whole(in.size());
  lmzip::DecoderOptions one;
  one.one_frame = true;
  for (size_t k = frames.size(); k-- > 0;) {
    const lmzip::SeekEntry& f = frames[k];
    CHECK(f.original_offset == k * frame_size);
    Bytes part;
    REQUIRE(lmzip::decompress(file.data() + f.compressed_offset, static_cast<size_t>(f.compressed_size), part,
                              one) == lmzip::Error::ok);
    REQUIRE(part.size() == f.original_size);
    std::copy(part.begin(), part.end(), whole.begin() + static_cast<std::ptrdiff_t>(f.original_offset));
  }
  CHECK(whole == in);
  // Ranges: inside a frame, across frames, past the end, empty.
  SplitMix64 rng(5);
  for (int i = 0; i < 30; ++i) {
    uint64_t offset = rng.below(static_cast<uint32_t>(in.size() + 100)), length = rng.below(3 * frame_size);
    Bytes got;
    REQUIRE(lmzip::decompress_range(file.data(), file.size(), offset, length, got) == lmzip::Error::ok);
    size_t from = static_cast<size_t>(std::min<uint64_t>(offset, in.size()));
    size_t to = static_cast<size_t>(std::min<uint64_t>(offset + length, in.size()));
    CHECK(got == Bytes(in.begin() + static_cast<std::ptrdiff_t>(from), in.begin() + static_cast<std::ptrdiff_t>(to)));
  }
  // All frames at once on several threads; the table read from the file's
  // end alone; a limit on the output.
  for (int threads : {1, 3}) {
    Bytes all;
    REQUIRE(lmzip::decompress_frames(file.data(), frames.data(), frames.size(), all, {}, threads) == lmzip::Error::ok);
    CHECK(all == in);
  }
  size_t tail = lmzip::seek_table_size(file.data() + file.size() - lmzip::kSeekFooterSize);
  REQUIRE(tail == 16 + 8 * frames.size());
  std::vector<lmzip::SeekEntry> from_tail;
  REQUIRE(lmzip::read_seek_table(file.data() + file.size() - tail, tail, from_tail, file.size()) == lmzip::Error::ok);
  CHECK(from_tail.size() == frames.size());
  CHECK(from_tail.back().compressed_offset == frames.back().compressed_offset);
  lmzip::DecoderOptions limited;
  limited.max_output = 10000;
  Bytes some;
  CHECK(lmzip::decompress_frames(file.data(), frames.data(), frames.size(), some, limited, 2) ==
        lmzip::Error::output_limit);
  CHECK(some == Bytes(in.begin(), in.begin() + 10000));
  // Files before the framed one: its frames start after them.
  Bytes two = compress_ok(Bytes(in.begin(), in.begin() + 300), 1);
  size_t before = two.size();
  append(two, file);
  REQUIRE(lmzip::read_seek_table(two.data(), two.size(), from_tail) == lmzip::Error::ok);
  CHECK(from_tail[0].compressed_offset == before);
  Bytes got2;
  REQUIRE(lmzip::decompress_range(two.data(), two.size(), 290, 20, got2) == lmzip::Error::ok);
  Bytes want2(in.begin() + 290, in.begin() + 300);
  append(want2, Bytes(in.begin(), in.begin() + 10));
  CHECK(got2 == want2);
  // A file of one frame has no table; its ranges decode it whole.
  Bytes single = compress_ok(Bytes(in.begin(), in.begin() + 5000), 1);
  CHECK(lmzip::read_seek_table(single.data(), single.size(), frames) == lmzip::Error::not_lmzip);
  Bytes got;
  REQUIRE(lmzip::decompress_range(single.data(), single.size(), 100, 50, got) == lmzip::Error::ok);
  CHECK(got == Bytes(in.begin() + 100, in.begin() + 150));
  // A damaged table; the file cut inside it.
  Bytes bad = file;
  bad[bad.size() - 14] ^= 0xFF;
  CHECK(lmzip::read_seek_table(bad.data(), bad.size(), frames) == lmzip::Error::corrupt_data);
  CHECK(lmzip::decompress_range(bad.data(), bad.size(), 0, 10, got) == lmzip::Error::corrupt_data);
  // A failed one-shot decompress() leaves nothing in its output.
  Bytes failed(3, 1);
  CHECK(lmzip::decompress(file.data(), file.size() - 1, failed) == lmzip::Error::truncated);
  CHECK(failed.empty());
  Bytes trailing = file;
  trailing.push_back(0);
  failed.assign(3, 1);
  CHECK(lmzip::decompress(trailing.data(), trailing.size(), failed) == lmzip::Error::corrupt_data);
  CHECK(failed.empty());
  lmzip::DecoderOptions small;
  small.max_output = 10;
  CHECK(lmzip::decompress(file.data(), file.size(), failed, small) == lmzip::Error::output_limit);
  CHECK(failed.empty());
  // A frame whose magic is damaged: corrupt data, as when decoded in order.
  std::vector<lmzip::SeekEntry> entries;
  REQUIRE(lmzip::read_seek_table(file.data(), file.size(), entries) == lmzip::Error::ok);
  Bytes no_magic = file;
  no_magic[static_cast<size_t>(entries[2].compressed_offset)] ^= 0xFF;
  CHECK(lmzip::decompress(no_magic.data(), no_magic.size(), failed) == lmzip::Error::corrupt_data);
  CHECK(failed.empty());
  CHECK(lmzip::decompress_frames(no_magic.data(), entries.data(), entries.size(), failed, {}, 2) ==
        lmzip::Error::corrupt_data);
}

TEST_CASE("frames: compressed apart (compress_frame) and joined with write_seek_table, the Encoder's bytes") {
  const Bytes in = pseudo_text(quick_mode() ? 20000 : 50000, 41);
  const uint64_t frame_size = 4096;
  // A known size (compress(), a file) and an unknown one (a stream).
  for (bool known : {true, false}) {
    for (size_t n : {size_t{0}, size_t{1000}, size_t{4096}, size_t{4097}, size_t{12288}, in.size()}) {
      INFO((known ? "known" : "unknown") << " size, " << n << " bytes");
      Bytes part(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(n));
      lmzip::EncoderOptions o = framed(2, known ? n : lmzip::kUnknownSize, frame_size, 1);
      Bytes want;
      if (known) {
        REQUIRE(lmzip::compress(part.data(), part.size(), want, o) == lmzip::Error::ok);
      } else {
        lmzip::Encoder enc(o);
        want.resize(2 * n + 1000);
        lmzip::InBuffer ib{part.data(), part.size(), 0};
        lmzip::OutBuffer ob{want.data(), want.size(), 0};
        REQUIRE(enc.compress(ib, ob, true) == lmzip::Status::done);
        want.resize(ob.pos);
      }
      const bool is_framed = n > frame_size;
      const size_t count = is_framed ? (n + frame_size - 1) / frame_size : 1;
      Bytes got;
      std::vector<lmzip::SeekEntry> entries;
      for (size_t k = 0; k < count; ++k) {
        size_t start = k * frame_size, size = std::min<size_t>(frame_size, n - start);
        if (!is_framed) size = n;
        Bytes frame;
        REQUIRE(lmzip::compress_frame(part.data() + start, size, k, is_framed, frame, o) == lmzip::Error::ok);
        entries.push_back({0, frame.size(), 0, size});
        append(got, frame);
      }
      if (is_framed) REQUIRE(lmzip::write_seek_table(entries.data(), entries.size(), got) == lmzip::Error::ok);
      CHECK(got == want);
    }
  }
  // Frames the Encoder never writes.
  Bytes out;
  lmzip::EncoderOptions o = framed(2, 10000, frame_size, 1);
  CHECK(lmzip::compress_frame(in.data(), 4096, 3, true, out, o) == lmzip::Error::invalid_argument);   // past the end
  CHECK(lmzip::compress_frame(in.data(), 100, 0, true, out, o) == lmzip::Error::invalid_argument);    // short
  CHECK(lmzip::compress_frame(in.data(), 10000, 0, false, out, o) == lmzip::Error::invalid_argument); // several
  CHECK(lmzip::compress_frame(in.data(), 1808, 2, true, out, o) == lmzip::Error::ok);                 // the last
  CHECK(lmzip::write_seek_table(nullptr, 0, out) == lmzip::Error::invalid_argument);
}
