// Fuzz operations as bytes: the layout a coverage-guided engine (libFuzzer,
// fuzz/fuzz_helper.cpp) mutates. Every byte string decodes to a valid, short
// helper life; encoding a decoded list gives bytes that decode to it again,
// so a `cph fuzz` trace becomes a seed input and a saved input a trace.
//
// Layout, version 1 (stable: a saved input means the same operations in every
// later release; a change of meaning needs a new layout and a converter).
// A missing byte reads as 0.
//
//   byte 0        the trace seed (0..255): ActionIDs are action_id(seed, key)
//   then per op   a tag byte T and its argument bytes, until the input ends
//                 or max_ops operations were decoded
//
//   T & 0x80      async (put and get only): sent without waiting; a run of
//                 async ops is a concurrency burst (executor.hpp)
//   T & 0x0f      the kind (bits 4-6 are ignored):
//     0-3   put, a new key                  [size][body]
//     4-5   re-put of a stored key, same body [key]
//     6     re-put of a stored key, new body  [key][size][body]
//     7-9   get of a stored key             [key]
//     10    get of a key never put          -
//     11    close (the helper restarts on the same directory at the next op)
//     12    hostile request                 [kind]: hostile_kinds()[kind % n]
//     13    kill-put, a new key             [size][body]
//     14    storage fault                   [key][size][body]: key even a new
//                                           key, odd stored[(key >> 1) % n]
//     15    re-put burst                    [key][count] then count' x [size][body]:
//           count' = 2 + count % 5 async re-puts of the key, then a get of it
//
//   [key]   a stored key: stored[key % n], the keys put so far in order of
//           their first put (n of them). With none stored, a re-put is
//           dropped and a get asks for a key never put (the bytes are read).
//   [size]  s < 192: s bytes; else (s - 191) * 1024 + s % 3 (1 KiB to 64 KiB,
//           every size % 3); never above max_body
//   [body]  the body's bytes: body_seed = body_seed_of(byte)
//
// New keys are numbered 0, 1, 2, ... in order of first use.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzzer/op.hpp"

namespace cph::fuzzer {

struct DecodeOptions {
  size_t max_ops = 64;          // a life stays short: a helper starts per input
  int64_t max_body = 64 << 10;  // the largest body a size byte can ask for
};

struct DecodedOps {
  uint64_t seed = 0;  // the trace seed (byte 0)
  std::vector<Op> ops;
};

DecodedOps decode_ops(std::string_view bytes, const DecodeOptions& options = {});

// Bytes that decode to `ops` (with `seed & 0xff`), exactly when the ops are
// ones decode_ops can produce; otherwise the nearest such life: keys are
// renumbered in order of first use, other sizes rounded to an encodable one
// with the same size % 3, other body seeds mapped to body bytes in order of
// first use, and ops past max_ops dropped.
std::string encode_ops(uint64_t seed, const std::vector<Op>& ops, const DecodeOptions& options = {});

uint64_t body_seed_of(uint8_t body_byte);
int64_t size_of(uint8_t size_byte);

}  // namespace cph::fuzzer
