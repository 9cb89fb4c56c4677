// Differential test of the wire decoders against Go itself: a stdlib-only Go
// oracle (tests/interop/oracle) decodes the same inputs with encoding/json and
// encoding/base64, and every answer -- accept or reject, decoded values, error
// text -- must be identical. The inputs are valid, tricky and mutated, from a
// fixed seed, so a failure reproduces.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "wire/base64.hpp"
#include "wire/encoders.hpp"
#include "wire/go_time.hpp"
#include "wire/normalized.hpp"
#include "wire/response_decoder.hpp"

namespace {

struct Case {
  std::string mode;  // "response:go1.21" | "response:go1.24" | "response:go1.25" | "base64"
  std::string input;
};

std::string struct_name_for(const std::string& mode) {
  if (mode == "response:go1.21") return "ProgResponse";
  if (mode == "response:go1.24") return "cacheprog.ProgResponse";
  return "Response";
}

// Which Go builds the oracle: the one on PATH ("local"), or the release named
// by CPH_GO_TOOLCHAIN (e.g. go1.27.3), fetched as GOTOOLCHAIN does.
std::string go_toolchain() {
  const char* v = std::getenv("CPH_GO_TOOLCHAIN");
  return v && *v ? std::string(v) : "local";
}

// The oracle's encoding/json: json v2 underneath from Go 1.27 on.
cph::wire::JsonDialect go_json_dialect() {
  static const cph::wire::JsonDialect dialect = [] {
    std::string version = go_toolchain();
    if (version == "local") {
      version.clear();
      if (FILE* p = popen("timeout 20 go env GOVERSION 2>/dev/null", "r")) {
        char buf[64];
        while (fgets(buf, sizeof buf, p) != nullptr) version += buf;
        pclose(p);
      }
    }
    int minor = 0;
    if (version.rfind("go1.", 0) == 0) minor = std::atoi(version.c_str() + 4);
    return minor >= 27 ? cph::wire::JsonDialect::v2 : cph::wire::JsonDialect::v1;
  }();
  return dialect;
}

// What the C++ side answers, in the oracle's format.
std::string cpp_answer(const Case& c) {
  bool ok = false;
  if (c.mode == "base64") return cph::wire::normalized_base64(c.input, ok);
  return cph::wire::normalized_response_stream(c.input, struct_name_for(c.mode), ok, go_json_dialect());
}

// The same stream fed in random chunks must give the same answer.
std::string cpp_answer_chunked(const Case& c, std::mt19937_64& rng) {
  if (c.mode == "base64") {
    std::string out;
    cph::base64::StreamDecoder d([&](std::string_view b) { out.append(b); });
    std::optional<cph::base64::DecodeError> err;
    for (size_t i = 0; i < c.input.size() && !err;) {
      const size_t n = std::min<size_t>(c.input.size() - i, 1 + rng() % 7);
      err = d.feed(std::string_view(c.input).substr(i, n));
      i += n;
    }
    if (!err) err = d.finish();
    std::string hex;
    static constexpr char digits[] = "0123456789abcdef";
    for (unsigned char ch : out) hex += {digits[ch >> 4], digits[ch & 15]};
    return hex + "\n" + (err ? "error: " + err->message() + "\n" : "");
  }
  cph::wire::ResponseStreamDecoder d(struct_name_for(c.mode), go_json_dialect());
  std::string out;
  size_t i = 0;
  for (;;) {
    cph::wire::Response r;
    std::string err;
    const auto st = d.next(r, err);
    if (st == cph::wire::ResponseStreamDecoder::Status::value) {
      out += cph::wire::normalized_response(r);
    } else if (st == cph::wire::ResponseStreamDecoder::Status::error) {
      return out + "error: " + err + "\n";
    } else if (st == cph::wire::ResponseStreamDecoder::Status::eof) {
      return out;
    } else if (i < c.input.size()) {
      const size_t n = std::min<size_t>(c.input.size() - i, 1 + rng() % 5);
      d.feed(std::string_view(c.input).substr(i, n));
      i += n;
    } else {
      d.finish();
    }
  }
}

std::string random_string(std::mt19937_64& rng, size_t max_len) {
  static const std::vector<std::string> pieces = {
      "a",    "get",  "put",          "close",        "/tmp/x",   "<",
      ">",    "&",    "\"",           "\\",           "\n",       "\t",
      "\x01", "\x7f", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xc3\xa9", "\xf0\x9f\x98\x80",
      "\xff", "\xc3", "\xed\xa0\x80", "\xef\xbf\xbd", " ",        "z"};
  std::string s;
  const size_t n = rng() % (max_len + 1);
  for (size_t i = 0; i < n; ++i) s += pieces[rng() % pieces.size()];
  return s;
}

std::string random_bytes(std::mt19937_64& rng, size_t max_len) {
  std::string s(rng() % (max_len + 1), '\0');
  for (auto& ch : s) ch = static_cast<char>(rng());
  return s;
}

cph::wire::Response random_response(std::mt19937_64& rng) {
  cph::wire::Response r;
  static const int64_t ids[] = {0, 1, 2, 42, -1, 9223372036854775807LL, -9223372036854775807LL - 1};
  r.id = rng() % 3 == 0 ? ids[rng() % 7] : static_cast<int64_t>(rng() % 100000);
  if (rng() % 4 == 0) r.err = random_string(rng, 4);
  if (rng() % 4 == 0) {
    for (size_t i = rng() % 4; i > 0; --i) r.known_commands.push_back(random_string(rng, 2));
  }
  r.miss = rng() % 3 == 0;
  if (rng() % 2 == 0) r.output_id = random_bytes(rng, 40);
  if (rng() % 2 == 0) r.size = static_cast<int64_t>(rng() % 1000000);
  if (rng() % 3 == 0) {
    cph::wire::Time t;
    t.unix_seconds = static_cast<int64_t>(rng() % 4000000000ULL) - 1000000000;
    t.nanos = rng() % 2 ? static_cast<int32_t>(rng() % 1000000000) : 0;
    t.offset_seconds = static_cast<int32_t>(rng() % 3 == 0 ? (static_cast<int>(rng() % 49) - 24) * 1800 : 0);
    r.time = t;
  }
  if (rng() % 2 == 0) r.disk_path = random_string(rng, 5);
  return r;
}

const std::vector<std::string>& tricky_responses() {
  static const std::vector<std::string> v = {R"({"ID":1})",
                                             R"({"id":2,"err":"x"})",
                                             R"({"ID":1,"ID":2})",
                                             R"({"ID":null})",
                                             R"({"ID":1.0})",
                                             R"({"ID":1e2})",
                                             R"({"ID":"1"})",
                                             R"({"ID":-0})",
                                             R"({"ID":9223372036854775807})",
                                             R"({"ID":9223372036854775808})",
                                             R"({"ID":-9223372036854775808})",
                                             R"({"ID":-9223372036854775809})",
                                             R"({"ID":true})",
                                             R"({"ID":[1]})",
                                             R"({"ID":{}})",
                                             R"({"Miss":1})",
                                             R"({"Miss":"true"})",
                                             R"({"Miss":true})",
                                             R"({"miss":false,"MISS":true})",
                                             R"({"OutputID":"AQID"})",
                                             R"({"OutputID":"AQI="})",
                                             R"({"OutputID":"AQ=="})",
                                             R"({"OutputID":"AQ="})",
                                             R"({"OutputID":"AQ"})",
                                             R"({"OutputID":"A"})",
                                             R"({"OutputID":"AQ==AQ=="})",
                                             R"({"OutputID":"AQ\r\n=="})",
                                             R"({"OutputID":"A\u0051=="})",
                                             R"({"OutputID":"AQ\u003d="})",
                                             R"({"OutputID":"AQ\u00e9="})",
                                             R"({"OutputID":[1,2,255]})",
                                             R"({"OutputID":[256]})",
                                             R"({"OutputID":[-1]})",
                                             R"({"OutputID":[-0]})",
                                             R"({"OutputID":[1.5]})",
                                             R"({"OutputID":["a"]})",
                                             R"({"OutputID":[null]})",
                                             R"({"OutputID":"AQID","OutputID":[null,null]})",
                                             R"({"OutputID":"AQID","OutputID":[7],"OutputID":[null,null]})",
                                             R"({"OutputID":"AQID","OutputID":null,"OutputID":[null]})",
                                             R"({"OutputID":[]})",
                                             R"({"OutputID":{}})",
                                             R"({"OutputID":1})",
                                             R"({"OutputID":[[1]]})",
                                             R"({"OutputID":[{}]})",
                                             R"({"KnownCommands":["get","put","close"]})",
                                             R"({"KnownCommands":"get"})",
                                             R"({"KnownCommands":[1]})",
                                             R"({"KnownCommands":["a","b"],"KnownCommands":[null]})",
                                             R"({"KnownCommands":[[]]})",
                                             R"({"KnownCommands":null})",
                                             R"({"KnownCommands":[]})",
                                             R"({"KnownCommands":{"a":1}})",
                                             R"({"\u212anowncommands":["x"]})",
                                             R"({"\u017fize":5})",
                                             "{\"\xc5\xbfize\":5}",
                                             "{\"\xe2\x84\xaanownCommands\":[\"y\"]}",
                                             R"({"K":1})",
                                             R"({"i\u0044":7})",
                                             R"({"\u0130D":7})",
                                             R"({"Time":"2024-01-02T03:04:05Z"})",
                                             R"({"Time":"2024-01-02T03:04:05.123456789Z"})",
                                             R"({"Time":"2024-01-02T03:04:05.1234567891Z"})",
                                             R"({"Time":"2024-01-02T03:04:05,5Z"})",
                                             R"({"Time":"2024-01-02T03:04:05.Z"})",
                                             R"({"Time":"2024-01-02T03:04:05+01:00"})",
                                             R"({"Time":"2024-01-02T03:04:05+24:00"})",
                                             R"({"Time":"2024-01-02T03:04:05+25:00"})",
                                             R"({"Time":"2024-01-02T03:04:05+01:61"})",
                                             R"({"Time":"2024-01-02T03:04:05+01:60"})",
                                             R"({"Time":"2024-01-02T03:04:05+30:70"})",
                                             R"({"Time":"2024-01-02T03:04:05*01:00"})",
                                             R"({"Time":"2024-01-02T03:04:05+0a:00"})",
                                             R"({"Time":"2024-01-02T03:04:05+01:0a"})",
                                             R"({"Time":"2024-01-02T03:04:05-00:00"})",
                                             R"({"Time":"2024-02-30T03:04:05Z"})",
                                             R"({"Time":"2024-02-29T03:04:05Z"})",
                                             R"({"Time":"2023-02-29T03:04:05Z"})",
                                             R"({"Time":"2024-13-01T03:04:05Z"})",
                                             R"({"Time":"2024-00-01T03:04:05Z"})",
                                             R"({"Time":"2024-01-00T03:04:05Z"})",
                                             R"({"Time":"2024-01-02T24:04:05Z"})",
                                             R"({"Time":"2024-01-02T3:04:05Z"})",
                                             R"({"Time":"2024-01-02T03:60:05Z"})",
                                             R"({"Time":"2024-01-02T03:04:60Z"})",
                                             R"({"Time":"2024-01-02T03:4:05Z"})",
                                             R"({"Time":"2024-1-02T03:04:05Z"})",
                                             R"({"Time":"2024-01-2T03:04:05Z"})",
                                             R"({"Time":"2024-01-02 03:04:05Z"})",
                                             R"({"Time":"2024-01-02T03:04:05"})",
                                             R"({"Time":"2024-01-02T03:04:05Zjunk"})",
                                             R"({"Time":"2024-01-02T03:04:05+0100"})",
                                             R"({"Time":""})",
                                             R"({"Time":"x"})",
                                             R"({"Time":"20x4-01-02T03:04:05Z"})",
                                             R"({"Time":"\u0032024-01-02T03:04:05Z"})",
                                             "{\"Time\":\"\xc3\xa9\"}",
                                             "{\"Time\":\"\xff\"}",
                                             "{\"Time\":\"\xef\xbf\xbd\"}",
                                             R"({"Time":"a\"b"})",
                                             R"({"Time":1})",
                                             R"({"Time":true})",
                                             R"({"Time":{}})",
                                             R"({"Time":[]})",
                                             R"({"Time":null})",
                                             R"({"Time":"2024-01-02T03:04:05Z","Time":null})",
                                             R"({"Time":"0000-01-01T00:00:00+01:00"})",
                                             R"({"Time":"9999-12-31T23:59:59-01:00"})",
                                             R"({"Time":"+024-01-02T03:04:05Z"})",
                                             R"({"Time":"2024-01-02T03:04:05.000000000001Z"})",
                                             R"({"ID":"x","Time":1})",
                                             R"({"Time":1,"ID":"x"})",
                                             R"({"ID":"x","Size":"y"})",
                                             R"({"Err":"<&>\u2028"})",
                                             R"({"Err":"\ud800"})",
                                             R"({"Err":"\ud800\udc00"})",
                                             R"({"Err":"\udc00\ud800"})",
                                             R"({"Err":"\ud800\u0041"})",
                                             R"({"Err":"\ud800\ud800\udc00"})",
                                             "{\"Err\":\"a\xff"
                                             "b\xc3\"}",
                                             R"({"Err":"\/\b\f\n\r\t\u0000"})",
                                             R"({"DiskPath":"/tmp/x","DiskPath":"/y"})",
                                             R"({"Unknown":{"a":[1,2,{"b":null}]},"ID":3})",
                                             R"({"":1})",
                                             "null",
                                             "true",
                                             "false",
                                             "1",
                                             "-1",
                                             "\"x\"",
                                             "[]",
                                             "[1]",
                                             "{}",
                                             "{} {}",
                                             "{}{}",
                                             "1 2",
                                             "truex",
                                             "nullx",
                                             R"({"ID":1}x)",
                                             "{",
                                             R"({"ID":)",
                                             R"({"ID")",
                                             R"({"ID":1,)",
                                             "\"",
                                             "-",
                                             "1.",
                                             "1e",
                                             "1e+",
                                             "01",
                                             R"({"ID":01})",
                                             R"({"a":tru})",
                                             R"({"a":fals})",
                                             R"({"a":nul})",
                                             "{'a':1}",
                                             "[1,]",
                                             R"({"a" 1})",
                                             R"({"a":1 "b":2})",
                                             "\t\n\r {}  ",
                                             "",
                                             "   ",
                                             std::string("{\"ID\":1}\0", 9),
                                             R"({"Unknown":"\q"})",
                                             R"({"Unknown":"\u12G4"})",
                                             "{\"a\":\"\x01\"}",
                                             "\xc3\xa9",
                                             "\xff",
                                             "{\"a\":1}\xc2\x80",
                                             "[1 2]",
                                             "{,}",
                                             "{\"a\":1,}",
                                             "\x7f",
                                             "'",
                                             "\\",
                                             "}",
                                             "]",
                                             ":",
                                             ",",
                                             "{\"ID\":1}\n{\"ID\":2}\n",
                                             "{\"ID\":1}\r\n\t{\"ID\":2}  ",
                                             "12345678901234567890",
                                             "-0.5e-3",
                                             "{\"Size\":-5,\"Size\":1e400}",
                                             "{\"Size\":1E2}",
                                             "[[[]]]",
                                             R"({"KnownCommands":["\u00e9","<>"]})"};
  return v;
}

const std::vector<std::string>& tricky_base64() {
  static const std::vector<std::string> v = {"",
                                             "=",
                                             "==",
                                             "===",
                                             "A",
                                             "AA",
                                             "AAA",
                                             "AAAA",
                                             "AA==",
                                             "AA=",
                                             "AA=A",
                                             "AAA=",
                                             "AAA=A",
                                             "AA==\n",
                                             "AA==\nA",
                                             "\nAA==",
                                             "A\nA==",
                                             "AA\n==",
                                             "AA=\n=",
                                             "AA=\nA",
                                             "AAAA\n",
                                             "AAAA\r\nAAAA",
                                             "A\n",
                                             "AB\n",
                                             " AAAA",
                                             "AAAA ",
                                             "AA\x80=",
                                             "////",
                                             "+/+/",
                                             "-_-_",
                                             "AAAA====",
                                             "AAA==",
                                             "A===",
                                             "=AAA",
                                             "AA==AA==",
                                             "AA\r=\r=\r",
                                             "AA=\r",
                                             "QUJD",
                                             "QUI=",
                                             "QQ==",
                                             "QUJDRA==",
                                             "QUJDREU=",
                                             "QUJDREVG",
                                             "Zm9vYmFy",
                                             "Zm9vYmE=",
                                             "Zm9vYg==",
                                             "Zm9v",
                                             "Zm8=",
                                             "Zg==",
                                             "Zg=",
                                             "Zg",
                                             "Z",
                                             "Zm9vYmFy\n",
                                             "Zm9v\nYmFy",
                                             "Zm9vYmFyZm9vYmFy!",
                                             "AAAAAAAAAAAA",
                                             "AAAAAAAA\n\n\n\n",
                                             "AAAAAAAAAAA=",
                                             "AAAAAAAAAA==",
                                             "AAAAAAAAAA=",
                                             "\n\n\n",
                                             "\r",
                                             "AB==",
                                             "AB=="};
  return v;
}

// Small random edits that keep inputs near the interesting boundaries.
std::string mutate(std::string s, std::mt19937_64& rng) {
  static const std::string alphabet = "{}[]\":,0123456789-+.eE \n\t\rabcdefntrulsIDKS=\\/uA\x80\xff\xc3";
  const int edits = 1 + static_cast<int>(rng() % 3);
  for (int k = 0; k < edits; ++k) {
    const size_t pos = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 6) {
      case 0:  // insert
        s.insert(pos, 1, alphabet[rng() % alphabet.size()]);
        break;
      case 1:  // delete
        if (pos < s.size()) s.erase(pos, 1);
        break;
      case 2:  // replace
        if (pos < s.size()) s[pos] = alphabet[rng() % alphabet.size()];
        break;
      case 3:  // truncate
        s.resize(pos);
        break;
      case 4:  // duplicate a span
        if (pos < s.size()) s.insert(pos, s.substr(pos, 1 + rng() % 8));
        break;
      default:  // flip a bit
        if (pos < s.size()) s[pos] = static_cast<char>(s[pos] ^ (1 << (rng() % 8)));
    }
  }
  return s;
}

std::vector<Case> generate_cases() {
  std::mt19937_64 rng(20240611);
  std::vector<Case> cases;
  const char* profiles[] = {"response:go1.21", "response:go1.24", "response:go1.25"};
  auto profile = [&] { return std::string(profiles[rng() % 3]); };
  for (const auto& t : tricky_responses()) {
    for (const char* p : profiles) cases.push_back({p, t});
  }
  for (const auto& t : tricky_base64()) cases.push_back({"base64", t});
  // Nesting at and beyond Go's limit of 10000.
  cases.push_back({"response:go1.25", std::string(10000, '[') + std::string(10000, ']')});
  cases.push_back({"response:go1.25", std::string(10001, '[')});
  cases.push_back({"response:go1.25", "{\"x\":" + std::string(9999, '[') + std::string(9999, ']') + ",\"ID\":5}"});
  // Valid values as a Go helper writes them, alone and as streams.
  for (int i = 0; i < 2500; ++i) cases.push_back({profile(), cph::wire::encode_response(random_response(rng))});
  for (int i = 0; i < 1000; ++i) {
    std::string stream;
    static const char* gaps[] = {"", " ", "\n", "\r\n", "\t \n"};
    for (size_t k = 1 + rng() % 4; k > 0; --k) {
      std::string one = cph::wire::encode_response(random_response(rng));
      one.pop_back();
      stream += one + gaps[rng() % 5];
    }
    cases.push_back({profile(), stream});
  }
  // Mutations of the tricky and the valid.
  for (int i = 0; i < 3000; ++i) {
    const auto& base = tricky_responses()[rng() % tricky_responses().size()];
    cases.push_back({profile(), mutate(base, rng)});
  }
  for (int i = 0; i < 2000; ++i) {
    cases.push_back({profile(), mutate(cph::wire::encode_response(random_response(rng)), rng)});
  }
  // RFC 3339 times, valid and mutated: Go's time.Parse port has many paths.
  static const char* time_alphabet = "0123456789-+:.,TZz tx";
  for (int i = 0; i < 1500; ++i) {
    std::string t =
        cph::gotime::format_rfc3339(static_cast<int64_t>(rng() % 400000000000ULL) - 62135596800LL,
                                    rng() % 2 ? static_cast<int32_t>(rng() % 1000000000) : 0,
                                    (static_cast<int32_t>(rng() % 57) - 28) * 3600 + 60 * (rng() % 4), false);
    for (size_t k = rng() % 3; k > 0 && !t.empty(); --k) {
      const size_t pos = rng() % t.size();
      if (rng() % 2) {
        t[pos] = time_alphabet[rng() % 21];
      } else {
        t.erase(pos, 1);
      }
    }
    cases.push_back({profile(), "{\"Time\":\"" + t + "\"}"});
  }
  // Base64: valid, then mutated.
  for (int i = 0; i < 800; ++i) cases.push_back({"base64", cph::base64::encode(random_bytes(rng, 30))});
  for (int i = 0; i < 1500; ++i) {
    std::string b =
        rng() % 3 == 0 ? tricky_base64()[rng() % tricky_base64().size()] : cph::base64::encode(random_bytes(rng, 20));
    cases.push_back({"base64", mutate(b, rng)});
  }
  return cases;
}

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

class WireDifferential : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("command -v go >/dev/null 2>&1") != 0) {
      GTEST_SKIP() << "go is not on PATH: the differential test needs Go to build its oracle";
    }
    char tmpl[] = "/tmp/cph-oracle-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    // Every wait has a deadline: `timeout` bounds the build and the run.
    const std::string build = "cd " + shell_quote(std::string(CPH_SOURCE_DIR) + "/tests/interop/oracle") +
                              " && env -u GOCACHEPROG GOFLAGS=-mod=mod GOTOOLCHAIN=" + go_toolchain() +
                              " timeout 300 go build -o " + shell_quote(dir_ + "/oracle") + " . 2>" +
                              shell_quote(dir_ + "/build.log");
    ASSERT_EQ(std::system(build.c_str()), 0) << "building the Go oracle failed:\n" << read_file(dir_ + "/build.log");
  }
  void TearDown() override {
    if (!dir_.empty()) std::system(("rm -rf " + shell_quote(dir_)).c_str());
  }

  // Runs the oracle on every case in one process; one answer per case.
  std::vector<std::string> oracle(const std::vector<Case>& cases) {
    {
      std::ofstream in(dir_ + "/in", std::ios::binary);
      for (const auto& c : cases) in << c.mode << ' ' << c.input.size() << '\n' << c.input;
    }
    const std::string run = "timeout 300 " + shell_quote(dir_ + "/oracle") + " <" + shell_quote(dir_ + "/in") + " >" +
                            shell_quote(dir_ + "/out") + " 2>" + shell_quote(dir_ + "/err");
    EXPECT_EQ(std::system(run.c_str()), 0) << read_file(dir_ + "/err");
    const std::string out = read_file(dir_ + "/out");
    std::vector<std::string> answers;
    for (size_t pos = 0; pos < out.size();) {
      const size_t nl = out.find('\n', pos);
      if (nl == std::string::npos) break;
      const size_t n = std::stoul(out.substr(pos, nl - pos));
      answers.push_back(out.substr(nl + 1, n));
      pos = nl + 1 + n;
    }
    return answers;
  }

  std::string dir_;
};

std::string printable(const std::string& s) {
  std::string out;
  static constexpr char digits[] = "0123456789abcdef";
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out += {digits[c >> 4], digits[c & 15]};
    }
  }
  return out;
}

TEST_F(WireDifferential, DecodersAgreeWithGoOnTenThousandInputs) {
  const std::vector<Case> cases = generate_cases();
  ASSERT_GE(cases.size(), 10000u);
  const std::vector<std::string> go = oracle(cases);
  ASSERT_EQ(go.size(), cases.size()) << "the oracle answered " << go.size() << " of " << cases.size() << " cases";
  std::mt19937_64 rng(7);
  size_t disagreements = 0, rejected = 0;
  // CPH_DIFF_DUMP=FILE lists every disagreement, not just the first.
  const char* dump_path = std::getenv("CPH_DIFF_DUMP");
  std::ofstream dump;
  if (dump_path && *dump_path) dump.open(dump_path);
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string ours = cpp_answer(cases[i]);
    if (ours.find("error: ") != std::string::npos) ++rejected;
    if (ours != go[i]) {
      if (dump.is_open()) {
        dump << "case " << i << " (" << cases[i].mode << ") input: \"" << printable(cases[i].input)
             << "\"\ngo:  " << go[i] << "cph: " << ours << "\n";
      }
      if (disagreements++ == 0) {
        ADD_FAILURE() << "first disagreement, case " << i << " (" << cases[i].mode << ")\n"
                      << "input: \"" << printable(cases[i].input) << "\"\n"
                      << "go:\n"
                      << go[i] << "cph:\n"
                      << ours;
      }
      continue;
    }
    const std::string chunked = cpp_answer_chunked(cases[i], rng);
    if (chunked != ours && disagreements++ == 0) {
      ADD_FAILURE() << "chunked decoding differs, case " << i << " (" << cases[i].mode << ")\n"
                    << "input: \"" << printable(cases[i].input) << "\"\n"
                    << "one-shot:\n"
                    << ours << "chunked:\n"
                    << chunked;
    }
  }
  EXPECT_EQ(disagreements, 0u) << "of " << cases.size() << " cases";
  // The mix must exercise both sides of the decision.
  EXPECT_GT(rejected, 2000u);
  EXPECT_LT(rejected, cases.size() - 2000);
}

}  // namespace
