// The response decoder's fast path against the exact Go port: over generated
// responses (in the shape helpers write, and reshaped: keys reordered, cased,
// repeated, spaced, escaped, nulled, mistyped) and random mutations of them,
// decoding with the fast path on must give the same values, the same error
// text and the same consumed offsets as with it off, however the input is
// split. The fast path must also take the plain lines (else it is dead code).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "wire/encoders.hpp"
#include "wire/response_decoder.hpp"
#include "wire/response_fast_path.hpp"

namespace cph::wire {
namespace {

struct Outcome {
  std::vector<Response> values;
  std::vector<int64_t> consumed;
  std::string error;
  bool operator==(const Outcome&) const = default;
};

// Feeds `text` in pieces of the given sizes (cycled), then finishes.
Outcome decode(std::string_view text, bool fast, const std::vector<size_t>& pieces) {
  ResponseStreamDecoder d;
  d.set_fast_path(fast);
  Outcome o;
  size_t off = 0, k = 0;
  bool finished = false;
  for (;;) {
    Response r;
    std::string err;
    const auto st = d.next(r, err);
    if (st == ResponseStreamDecoder::Status::value) {
      o.values.push_back(std::move(r));
      o.consumed.push_back(d.consumed());
      continue;
    }
    if (st == ResponseStreamDecoder::Status::error) {
      o.error = err;
      return o;
    }
    if (st == ResponseStreamDecoder::Status::eof) return o;
    if (off < text.size()) {
      const size_t n = std::min(pieces[k++ % pieces.size()], text.size() - off);
      d.feed(text.substr(off, n));
      off += n;
    } else if (!finished) {
      d.finish();
      finished = true;
    } else {
      o.error = "need_more after finish";
      return o;
    }
  }
}

std::string describe(const Outcome& o) {
  std::string s;
  for (size_t i = 0; i < o.values.size(); ++i) {
    const Response& r = o.values[i];
    s += "{id " + std::to_string(r.id) + " err '" + r.err + "' miss " + std::to_string(r.miss) + " size " +
         std::to_string(r.size) + " out " + std::to_string(r.output_id.size()) + "B path '" + r.disk_path + "' cmds " +
         std::to_string(r.known_commands.size()) + " time '" + (r.time ? r.time->text : "-") + "' at " +
         std::to_string(o.consumed[i]) + "}\n";
  }
  return s + "error: " + o.error;
}

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}
  size_t below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool chance(int percent) { return below(100) < static_cast<size_t>(percent); }

  Response response() {
    Response r;
    r.id = chance(10) ? 0 : static_cast<int64_t>(below(1u << 30));
    switch (below(5)) {
      case 0: r.known_commands = {"get", "put", "close"}; break;
      case 1: r.miss = true; break;
      case 2: r.err = chance(50) ? "disk full" : "weird <&> \"quoted\" \xc3\xa9"; break;
      default: {
        r.output_id.resize(chance(80) ? 32 : below(40));
        for (char& c : r.output_id) c = static_cast<char>(below(256));
        r.size = static_cast<int64_t>(below(1u << 20));
        if (chance(80)) {
          Time t;
          static const char* times[] = {"2026-11-26T23:59:59.123456789Z", "2024-01-02T03:04:05Z",
                                        "2024-01-02T03:04:05.5+01:00", "2024-13-02T03:04:05Z"};
          t.text = times[below(chance(90) ? 3 : 4)];
          r.time = t;
        }
        r.disk_path = "/cache/o/" + std::string(below(70), 'a');
      }
    }
    return r;
  }

  // A plain line, reshaped now and then in ways the fast path must decline
  // (or, for a reorder, accept) without changing the result.
  std::string line() {
    std::string s = encode_response(response());
    switch (below(14)) {
      case 0: replace_once(s, "\"ID\"", chance(50) ? "\"id\"" : "\"Id\""); break;
      case 1: replace_once(s, ",", " ,\t"); break;
      case 2: replace_once(s, ":", ": "); break;
      case 3: replace_once(s, "{", "{\"ID\":7,"); break;                    // a duplicate key
      case 4: replace_once(s, "{", "{\"Extra\":[1,{\"a\":null}],"); break;  // an unknown key
      case 5: replace_once(s, "{", "{\"Err\":null,\"Miss\":null,"); break;
      case 6: replace_once(s, "\"ID\":", "\"ID\":1e3,\"Size\":"); break;  // a float into int64
      case 7: replace_once(s, "\"ID\":", "\"ID\":99999999999999999999,\"Size\":"); break;
      case 8: replace_once(s, "/cache", "\\/cache\\u00e9"); break;
      case 9: replace_once(s, "\"Miss\":true", "\"Miss\":\"true\""); break;
      case 10: replace_once(s, "{", "{\"OutputID\":\"AQ=\","); break;  // bad base64, then the real one
      case 11: {                                                       // keys in another order
        const size_t a = s.find(",\"");
        if (a != std::string::npos) {
          const size_t b = s.find(",\"", a + 1);
          const size_t end = b == std::string::npos ? s.rfind('}') : b;
          const std::string moved = s.substr(a + 1, end - a - 1);
          s.erase(a, end - a);
          s.insert(1, moved + ",");
        }
        break;
      }
      default: break;
    }
    return s;
  }

  std::string mutate(std::string s) {
    const size_t edits = 1 + below(3);
    for (size_t i = 0; i < edits && !s.empty(); ++i) {
      const size_t at = below(s.size());
      static const char interesting[] = "{}[],:\"\\ \n0-9eE.+ntfAZ=/\x80\xff";
      const char c = chance(70) ? interesting[below(sizeof interesting - 1)] : static_cast<char>(below(256));
      switch (below(3)) {
        case 0: s[at] = c; break;
        case 1: s.insert(s.begin() + static_cast<ptrdiff_t>(at), c); break;
        default: s.erase(at, 1 + below(4)); break;
      }
    }
    return s;
  }

  std::vector<size_t> pieces() {
    switch (below(4)) {
      case 0: return {1 << 20};
      case 1: return {1};
      case 2: return {1 + below(7), 1 + below(300)};
      default: return {1 + below(64)};
    }
  }

 private:
  static void replace_once(std::string& s, std::string_view from, std::string_view to) {
    const size_t p = s.find(from);
    if (p != std::string::npos) s.replace(p, from.size(), to);
  }
  std::mt19937 rng_;
};

void expect_same(const std::string& text, const std::vector<size_t>& pieces, const std::string& what) {
  const Outcome exact = decode(text, false, {1 << 20});
  const Outcome fast = decode(text, true, pieces);
  ASSERT_EQ(fast, exact) << what << " input: " << testing::PrintToString(text) << "\nfast:\n"
                         << describe(fast) << "\nexact:\n"
                         << describe(exact);
}

TEST(ResponseFastPath, TakesTheLinesHelpersWrite) {
  Gen g(1);
  for (int i = 0; i < 2000; ++i) {
    const std::string s = encode_response(g.response());
    if (s.find("\\u") != std::string::npos || s.find("\\\"") != std::string::npos) continue;  // escapes: declined
    if (s.find("2024-13") != std::string::npos) continue;                                     // a bad month: declined
    if (s.find("\xc3") != std::string::npos) continue;                                        // non-ASCII: declined
    Response r;
    EXPECT_EQ(decode_plain_response(s, r), s.size() - 1) << s;  // all but the trailing newline
  }
  Response r;
  EXPECT_EQ(decode_plain_response(" \n{}", r), 4u);
  EXPECT_EQ(decode_plain_response("{\"ID\":1", r), 0u);  // cut off: the exact path waits for more
  EXPECT_EQ(decode_plain_response("{\"ID\":01}", r), 0u);
  EXPECT_EQ(decode_plain_response("{\"ID\":-999999999999999999}", r), 26u);  // 18 digits: taken
  EXPECT_EQ(r.id, -999999999999999999);
  EXPECT_EQ(decode_plain_response("{\"ID\":1234567890123456789}", r), 0u);  // 19: left to the exact path
  EXPECT_EQ(decode_plain_response("{\"ID\":1.5}", r), 0u);
  EXPECT_EQ(decode_plain_response("{\"Miss\":null}", r), 0u);
}

TEST(ResponseFastPath, SameAsExactOnGeneratedStreams) {
  Gen g(2);
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    const size_t lines = 1 + g.below(4);
    for (size_t k = 0; k < lines; ++k) text += g.line();
    expect_same(text, g.pieces(), "generated #" + std::to_string(i));
    if (HasFatalFailure()) return;
  }
}

TEST(ResponseFastPath, SameAsExactOnMutatedStreams) {
  Gen g(3);
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const size_t lines = 1 + g.below(3);
    for (size_t k = 0; k < lines; ++k) text += g.line();
    expect_same(g.mutate(text), g.pieces(), "mutated #" + std::to_string(i));
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace cph::wire
