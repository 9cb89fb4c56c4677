// Fuzzes cph::base64 (Go's StdEncoding semantics), differentially:
//  1. one-shot decode == a plain reference decoder written here, a direct
//     port of Go's decodeQuantum loop: same bytes, same error offset;
//  2. StreamDecoder fed in the chunks the input chooses == one-shot;
//  3. encode then decode is the identity; encode == OpenSSL's
//     EVP_EncodeBlock; StreamEncoder fed in the chunks == encode;
//  4. against OpenSSL's decoders where both define the result:
//     - what Go accepts, EVP_DecodeBlock accepts once '\r' and '\n' are
//       removed, with the same bytes (EVP_DecodeBlock also returns the
//       padding as zero bytes, which are cut off here);
//     - canonical text (alphabet only, length % 4 == 0, padding only at the
//       end) is accepted by both, with the same bytes;
//     - what Go accepts, EVP_DecodeUpdate/Final accept fed in the same chunks,
//       with the same bytes.
// Feeding in chunks is most of a run's cost (a call per chunk, up to one per
// byte), so each input feeds one side: bit 0 of byte 0 clear, the decoders
// (2 and EVP_DecodeUpdate); set, the encoder. Every one-shot property is
// checked on every input. Coverage is unchanged: both sides are reached from
// every payload and plan, and each side's features keep inputs of its kind in
// the corpus (see fuzz/README.md).
// Where they differ (not asserted as equal, see fuzz/README.md):
//     - Go skips '\r' and '\n' anywhere; EVP_DecodeBlock only trims them
//       (and other whitespace) at the ends;
//     - OpenSSL skips spaces and tabs (EVP_DecodeUpdate: anywhere;
//       EVP_DecodeBlock: leading ones), Go rejects them (asserted: Go rejects);
//     - EVP_DecodeBlock reads '=' anywhere as the value 0 ("A=AA" decodes);
//     - EVP_DecodeUpdate stops at '-' (PEM's end marker); Go rejects it.
// Input: byte 0 bit 0 the side fed in chunks, byte 1 the chunking plan, then
// the payload, which is both decoded as text and encoded as bytes.
#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "chunked_input.hpp"
#include "fuzz_check.hpp"
#include "wire/base64.hpp"

namespace {

using cph::fuzz::printable;

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// A table rather than kAlphabet.find(): the comparisons of a search would be
// traced by the fuzzer's instrumentation on every byte and cost exec/s.
struct SymbolTable {
  int value[256];
  SymbolTable() {
    for (int& v : value) v = -1;
    for (size_t i = 0; i < kAlphabet.size(); ++i) value[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
  }
};
const SymbolTable kSymbols;

int symbol_value(unsigned char c) { return kSymbols.value[c]; }

struct Decoded {
  std::string bytes;
  std::optional<int64_t> error_offset;
  bool operator==(const Decoded&) const = default;
};

std::string describe(const Decoded& d) {
  return printable(d.bytes) + (d.error_offset ? " error at " + std::to_string(*d.error_offset) : " ok");
}

// Go's Encoding.Decode without its fast paths (which give the same result):
// quantum after quantum, each written only when the quantum is complete.
void reference_decode(std::string_view src, Decoded& out) {
  out.bytes.clear();
  out.error_offset.reset();
  const int64_t len = static_cast<int64_t>(src.size());
  int64_t si = 0;
  auto at = [&](int64_t i) { return static_cast<unsigned char>(src[static_cast<size_t>(i)]); };
  auto skip_newlines = [&] {
    while (si < len && (at(si) == '\n' || at(si) == '\r')) ++si;
  };
  while (si < len) {
    int dbuf[4] = {0, 0, 0, 0};
    int dlen = 4;
    for (int j = 0; j < 4; ++j) {
      if (si == len) {
        if (j == 0) return;
        out.error_offset = si - j;  // an unfinished quantum (padding required)
        return;
      }
      const unsigned char in = at(si++);
      if (const int v = symbol_value(in); v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (in == '\n' || in == '\r') {
        --j;
        continue;
      }
      if (in != '=' || j < 2) {
        out.error_offset = si - 1;
        return;
      }
      if (j == 2) {  // the second '=' must follow, newlines allowed between
        skip_newlines();
        if (si == len) {
          out.error_offset = len;
          return;
        }
        if (at(si) != '=') {
          out.error_offset = si - 1;
          return;
        }
        ++si;
      }
      skip_newlines();
      if (si < len) out.error_offset = si;  // trailing garbage, bytes still written
      dlen = j;
      break;
    }
    const uint32_t v = uint32_t(dbuf[0]) << 18 | uint32_t(dbuf[1]) << 12 | uint32_t(dbuf[2]) << 6 | uint32_t(dbuf[3]);
    const char bytes[3] = {char(v >> 16), char(v >> 8), char(v)};
    out.bytes.append(bytes, static_cast<size_t>(dlen - 1));
    if (out.error_offset) return;
  }
  return;
}

void cph_decode(std::string_view text, Decoded& d) {
  d.error_offset.reset();
  if (auto e = cph::base64::decode(text, d.bytes)) d.error_offset = e->offset;
}

void cph_stream_decode(const std::vector<std::string_view>& chunks, Decoded& d) {
  d.bytes.clear();
  d.error_offset.reset();
  cph::base64::StreamDecoder dec([&](std::string_view b) { d.bytes.append(b); });
  std::optional<cph::base64::DecodeError> err;
  for (auto c : chunks) {
    err = dec.feed(c);
    if (err) break;
  }
  if (!err) err = dec.finish();
  if (err) d.error_offset = err->offset;
}

void without(std::string_view s, char drop1, char drop2, std::string& out) {
  out.resize(s.size());
  size_t n = 0;
  for (char c : s)
    if (c != drop1 && c != drop2) out[n++] = c;
  out.resize(n);
}

// EVP_DecodeBlock: false on error, else the decoded bytes including the
// zero bytes it produces for the padding.
bool openssl_decode_block(std::string_view text, std::string& out) {
  if (text.size() > (1u << 20)) return false;
  out.resize(text.size() / 4 * 3 + 3);
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return false;
  out.resize(static_cast<size_t>(n));
  return true;
}

bool openssl_decode_update(const std::vector<std::string_view>& chunks, std::string& out) {
  static const std::unique_ptr<EVP_ENCODE_CTX, decltype(&EVP_ENCODE_CTX_free)> ctx(EVP_ENCODE_CTX_new(),
                                                                                   EVP_ENCODE_CTX_free);
  EVP_DecodeInit(ctx.get());
  size_t total = 0;
  for (auto c : chunks) total += c.size();
  // EVP_DecodeUpdate writes at most 3 bytes per 4 symbols plus what it held
  // back from earlier chunks (under 80 symbols).
  out.resize(total / 4 * 3 + 80);
  size_t used = 0;
  for (auto c : chunks) {
    int outl = 0;
    if (EVP_DecodeUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data() + used), &outl,
                         reinterpret_cast<const unsigned char*>(c.data()), static_cast<int>(c.size())) < 0)
      return false;
    used += static_cast<size_t>(outl);
  }
  int outl = 0;
  if (EVP_DecodeFinal(ctx.get(), reinterpret_cast<unsigned char*>(out.data() + used), &outl) < 0) return false;
  out.resize(used + static_cast<size_t>(outl));
  return true;
}

void openssl_encode_block(std::string_view bytes, std::string& out) {
  out.resize(cph::base64::encoded_len(bytes.size()) + 1);
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
}

// Buffers reused from input to input: under ASan every allocation records a
// stack trace, and allocating was a large share of a run.
struct Scratch {
  Decoded mine, ref, streamed, other;
  std::string openssl, streamed_text, filtered;
};
Scratch& scratch() {
  static Scratch s;
  return s;
}

// Alphabet only, whole quanta, "=" or "==" only at the very end.
bool canonical(std::string_view s) {
  if (s.size() % 4 != 0) return false;
  size_t pad = 0;
  if (!s.empty() && s.back() == '=') pad = s.size() >= 2 && s[s.size() - 2] == '=' ? 2 : 1;
  for (size_t i = 0; i + pad < s.size(); ++i)
    if (symbol_value(static_cast<unsigned char>(s[i])) < 0) return false;
  return true;
}

void check_decoding(std::string_view text, const std::vector<std::string_view>& chunks, bool in_chunks) {
  Scratch& s = scratch();
  const Decoded& mine = s.mine;
  cph_decode(text, s.mine);
  reference_decode(text, s.ref);
  CPH_FUZZ_CHECK(mine == s.ref,
                 "decode(" + printable(text) + "): cph " + describe(mine) + ", reference " + describe(s.ref));

  if (in_chunks) {
    cph_stream_decode(chunks, s.streamed);
    CPH_FUZZ_CHECK(s.streamed == mine, "decode(" + printable(text) + "): in " + std::to_string(chunks.size()) +
                                           " chunks " + describe(s.streamed) + ", one-shot " + describe(mine));
  }

  std::string_view no_newlines = text;  // most inputs have none: no copy
  if (text.find('\r') != std::string_view::npos || text.find('\n') != std::string_view::npos) {
    without(text, '\r', '\n', s.filtered);
    no_newlines = s.filtered;
  }
  if (!mine.error_offset) {
    std::string& block = s.openssl;
    const bool ok = openssl_decode_block(no_newlines, block);
    CPH_FUZZ_CHECK(ok && block.size() >= mine.bytes.size() && block.size() - mine.bytes.size() <= 2 &&
                       block.compare(0, mine.bytes.size(), mine.bytes) == 0,
                   "decode(" + printable(text) + "): cph " + describe(mine) + ", EVP_DecodeBlock " +
                       (ok ? printable(block) : std::string("error")));
    if (in_chunks) {
      std::string& update = s.openssl;
      const bool ok2 = openssl_decode_update(chunks, update);
      CPH_FUZZ_CHECK(ok2 && update == mine.bytes, "decode(" + printable(text) + "): cph " + describe(mine) +
                                                      ", EVP_DecodeUpdate " +
                                                      (ok2 ? printable(update) : std::string("error")));
    }
  }
  if (canonical(no_newlines)) {
    CPH_FUZZ_CHECK(!mine.error_offset, "decode(" + printable(text) + "): canonical text rejected: " + describe(mine));
  }
  // OpenSSL skips blanks, Go does not: text that is good apart from them is
  // rejected by Go.
  if (std::any_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; })) {
    without(text, ' ', '\t', s.filtered);
    cph_decode(s.filtered, s.other);
    if (!s.other.error_offset) {
      CPH_FUZZ_CHECK(mine.error_offset.has_value(),
                     "decode(" + printable(text) + "): blanks accepted: " + describe(mine));
    }
  }
}

void check_encoding(std::string_view bytes, const std::vector<std::string_view>& chunks, bool in_chunks) {
  Scratch& s = scratch();
  const std::string text = cph::base64::encode(bytes);
  CPH_FUZZ_CHECK(text.size() == cph::base64::encoded_len(bytes.size()),
                 "encode(" + printable(bytes) + ") length " + std::to_string(text.size()));
  openssl_encode_block(bytes, s.openssl);
  CPH_FUZZ_CHECK(text == s.openssl, "encode(" + printable(bytes) + "): cph " + printable(text) + ", EVP_EncodeBlock " +
                                        printable(s.openssl));

  if (in_chunks) {
    std::string& streamed = s.streamed_text;
    streamed.clear();
    cph::base64::StreamEncoder enc([&](std::string_view t) { streamed.append(t); });
    for (auto c : chunks) enc.feed(c);
    enc.finish();
    CPH_FUZZ_CHECK(streamed == text, "encode(" + printable(bytes) + "): in chunks " + printable(streamed) +
                                         ", one-shot " + printable(text));
  }

  cph_decode(text, s.other);
  CPH_FUZZ_CHECK(!s.other.error_offset && s.other.bytes == bytes,
                 "decode(encode(" + printable(bytes) + ")) = " + describe(s.other));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& in = cph::fuzz::parse_chunked_input(data, size);
  const bool encoder_in_chunks = in.flags & 1;
  check_decoding(in.payload, in.chunks, !encoder_in_chunks);
  check_encoding(in.payload, in.chunks, encoder_in_chunks);
  return 0;
}
