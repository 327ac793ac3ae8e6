// What the predictor needs from a neural model, whatever its architecture:
// read a byte, then give P(next bit = 1) along the next byte's bit tree. A
// model file's architecture field selects the implementation through one
// table (architectures.cpp); docs/MODEL_FORMAT.md says how to add a row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace lmzip::nn {

// The model's state while it reads one stream.
class ByteModelState {
 public:
  virtual ~ByteModelState() = default;
  // Reads one byte (a stream starts as if byte 0 had been read) and prepares
  // the distribution of the next one.
  virtual void step(int byte) = 0;
  // 12-bit P(next bit = 1), in 1..4095, after k bits of the byte; c0 =
  // 1 << k | those bits.
  virtual int p_bit(uint32_t c0, int k) const = 0;
};

// The parsed, immutable weights of a model; shared by every stream using it.
class ByteModel {
 public:
  virtual ~ByteModel() = default;
  virtual std::unique_ptr<ByteModelState> new_state() const = 0;
  // For listings and logs, e.g. "gru, hidden 256".
  virtual std::string description() const = 0;
  // Multiply-adds of one step(): a compute figure that compares architectures
  // independently of the machine and the kernels (bench/front.svg).
  virtual int64_t multiply_adds_per_byte() const = 0;
};

// The fields every model file starts with (docs/MODEL_FORMAT.md).
struct FileHeader {
  static constexpr uint8_t kMagic[4] = {'L', 'M', 'Z', 'M'};
  static constexpr size_t kSize = 8;  // magic, version, architecture, reserved
  // Version 2 stores the n-gram tables sparse (no all-zero rows); 1 is read.
  static constexpr int kVersion = 2;
  static constexpr int kSparseTablesVersion = 2;
  int version = 0;
  int architecture = 0;
};

// One row of the architecture table: its id in the file header, its name,
// and its parser (of the whole file, header included), which validates every
// value the arithmetic relies on and on failure returns nullptr and says why.
struct Architecture {
  int id;
  const char* name;
  std::unique_ptr<ByteModel> (*parse)(const uint8_t* data, size_t size, std::string& why);
};

// Reads the common header; false (and why) if it is not a model file of a
// version this library reads.
bool parse_file_header(const uint8_t* data, size_t size, FileHeader& header, std::string& why);
// The table row for an architecture id, or nullptr.
const Architecture* find_architecture(int id);

}  // namespace lmzip::nn
