// cph-cpp-buggy-helper: tests/go-buggy-helper/main.go in C++, for the C/C++
// half of coverage-guided helper fuzzing (issue 20): the same correct,
// disk-backed GOCACHEPROG helper with the same three planted bugs, each a
// ladder of three steps in the helper's warm-up (its first 12 requests after
// a start). main.go explains the bugs and why random sessions rarely reach
// them; the conditions here are the same, line for line, so `cph fuzz` with
// a seed meets exactly what it meets against the Go helper.
//
//   size-ladder  a put of a mid-size body (65..127 bytes), later a large one
//                (128..191), later another large one: stored with its first
//                byte flipped.
//   warm-get     a whole-KiB put of a new ActionID A, later a mid-size put of
//                another new ActionID, later a get of A: A's object loses its
//                last byte before it is served.
//   miss-reput   a get that misses, later a re-put of an ActionID with a new
//                mid-size or large body, later the same put again: the object
//                the re-put replaced is overwritten with the re-put's body.
//
// Built by the tests (tests/cpp_buggy_helper.hpp) with clang's
// -fsanitize-coverage=trace-pc-guard and fuzz/cph_sancov_runtime.c, so that
// fuzz_helper sees its edges; it needs nlohmann/json and libcrypto only.
// Decoding follows Go's encoding/json where a request can differ (keys
// matched without case, null leaves a field alone, []byte is padded
// standard base64, a value of the wrong type ends the helper as Decode's
// error does main.go's).
//
// Usage: cph-cpp-buggy-helper --dir DIR [--bugs size-ladder,warm-get,miss-reput|none]
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;
using Bytes = std::string;

struct Request {
  int64_t id = 0;
  std::string command;
  Bytes action_id, output_id, object_id;
  int64_t body_size = 0;
};

struct Response {
  int64_t id = 0;
  std::string err;
  bool known_commands = false;
  bool miss = false;
  Bytes output_id;
  int64_t size = 0;
  std::optional<int64_t> time_nanos;
  std::string disk_path;
};

struct Entry {
  Bytes output_id;
  int64_t size = 0;
  int64_t nanos = 0;
};

// A value of the wrong type for its field, bad base64: Decode's error.
struct DecodeError {
  std::string what;
};

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string b64encode(const Bytes& in) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = uint8_t(in[i]) << 16 | uint8_t(in[i + 1]) << 8 | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kB64[v >> s & 63];
  }
  if (i + 1 == in.size()) {
    const uint32_t v = uint8_t(in[i]) << 16;
    out += {kB64[v >> 18 & 63], kB64[v >> 12 & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const uint32_t v = uint8_t(in[i]) << 16 | uint8_t(in[i + 1]) << 8;
    out += {kB64[v >> 18 & 63], kB64[v >> 12 & 63], kB64[v >> 6 & 63], '='};
  }
  return out;
}

// A byte's value in kB64, or -1: a table, not strchr (a fifth of the
// helper's time) nor branches on the character (edges that would follow the
// data, not the helper's logic).
int b64_value(char c) {
  static const auto table = [] {
    std::array<int8_t, 256> t;
    t.fill(-1);
    for (int v = 0; v < 64; ++v) t[uint8_t(kB64[v])] = int8_t(v);
    return t;
  }();
  return table[uint8_t(c)];
}

// base64.StdEncoding.Decode: padding required, \r and \n skipped.
Bytes b64decode(const std::string& s) {
  std::string t;
  for (char c : s)
    if (c != '\r' && c != '\n') t += c;
  if (t.size() % 4 != 0) throw DecodeError{"illegal base64 data: length"};
  Bytes out;
  for (size_t i = 0; i < t.size(); i += 4) {
    uint32_t v = 0;
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = t[i + k];
      const int d = b64_value(c);
      if (c == '=' && i + 4 == t.size() && k >= 2 && (k == 3 || t[i + 3] == '=')) {
        ++pad;
        v <<= 6;
      } else if (d >= 0 && pad == 0) {
        v = v << 6 | uint32_t(d);
      } else {
        throw DecodeError{"illegal base64 data at input byte " + std::to_string(i + k)};
      }
    }
    out += char(v >> 16);
    if (pad < 2) out += char(v >> 8 & 0xff);
    if (pad < 1) out += char(v & 0xff);
  }
  return out;
}

std::string hex(const Bytes& b) {
  static const char d[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : b) out += {d[c >> 4], d[c & 15]};
  return out;
}

std::optional<Bytes> unhex(const std::string& s) {
  if (s.size() % 2) return std::nullopt;
  Bytes out;
  for (size_t i = 0; i < s.size(); i += 2) {
    const std::string pair = s.substr(i, 2);
    if (!std::isxdigit(uint8_t(pair[0])) || !std::isxdigit(uint8_t(pair[1]))) return std::nullopt;
    out += char(std::stoi(pair, nullptr, 16));
  }
  return out;
}

bool fold_equal(const std::string& a, const char* b) {
  const size_t n = std::strlen(b);
  if (a.size() != n) return false;
  for (size_t i = 0; i < n; ++i)
    if (std::tolower(uint8_t(a[i])) != std::tolower(uint8_t(b[i]))) return false;
  return true;
}

int64_t as_int64(const json& v, const char* field) {
  if (v.is_number_integer() && !(v.is_number_unsigned() && v.get<uint64_t>() > uint64_t(INT64_MAX))) {
    return v.get<int64_t>();
  }
  throw DecodeError{std::string("cannot unmarshal into ") + field};
}

Bytes as_bytes(const json& v, const char* field) {
  if (!v.is_string()) throw DecodeError{std::string("cannot unmarshal into ") + field};
  return b64decode(v.get<std::string>());
}

Request decode_request(const json& j) {
  if (!j.is_object()) throw DecodeError{"cannot unmarshal a non-object into a request"};
  Request r;
  for (const auto& [key, v] : j.items()) {
    if (v.is_null()) continue;
    if (fold_equal(key, "ID")) {
      r.id = as_int64(v, "ID");
    } else if (fold_equal(key, "Command")) {
      if (!v.is_string()) throw DecodeError{"cannot unmarshal into Command"};
      r.command = v.get<std::string>();
    } else if (fold_equal(key, "ActionID")) {
      r.action_id = as_bytes(v, "ActionID");
    } else if (fold_equal(key, "OutputID")) {
      r.output_id = as_bytes(v, "OutputID");
    } else if (fold_equal(key, "ObjectID")) {
      r.object_id = as_bytes(v, "ObjectID");
    } else if (fold_equal(key, "BodySize")) {
      r.body_size = as_int64(v, "BodySize");
    }
  }
  return r;
}

// RFC 3339 with nine digits of fraction, always: Go's time.Time trims the
// fraction's trailing zeros, but a loop or branch on the clock's digits here
// would make the helper's coverage follow the clock, which fuzz_helper
// would take for new behaviour (Go's formatting is not in the Go helper's
// counters).
std::string rfc3339nano(int64_t nanos) {
  const std::time_t secs = static_cast<std::time_t>(nanos / 1000000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  const size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%09lldZ", static_cast<long long>(nanos % 1000000000));
  return buf;
}

Bytes sha256(const Bytes& b) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(b.data(), b.size(), md, &n, EVP_sha256(), nullptr);
  return Bytes(reinterpret_cast<char*>(md), n);
}

std::optional<Bytes> read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) return std::nullopt;
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// Replaces path atomically (a temporary file, then a rename).
bool write_file(const fs::path& path, const Bytes& data) {
  std::string tmpl = (path.parent_path() / ".tmp-XXXXXX").string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) return false;
  bool ok = true;
  for (size_t done = 0; ok && done < data.size();) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    ok = n > 0;
    if (ok) done += size_t(n);
  }
  ok = (::close(fd) == 0) && ok;
  ok = ok && std::rename(tmpl.c_str(), path.c_str()) == 0;
  if (!ok) ::unlink(tmpl.c_str());
  return ok;
}

bool mid_size(int64_t n) { return n >= 65 && n <= 127; }
bool large_size(int64_t n) { return n >= 128 && n <= 191; }

// The planted bugs' ladders count only in a life's first requests.
constexpr int kWarmUp = 12;

class Helper {
 public:
  Helper(fs::path dir, std::set<std::string> bugs) : dir_(std::move(dir)), bugs_(std::move(bugs)) {}

  int serve();

 private:
  bool bug(const char* name) const { return bugs_.count(name) > 0; }
  bool warm() const { return requests_ <= kWarmUp; }
  fs::path index_path(const Bytes& action) const { return dir_ / ("a-" + hex(action)); }
  fs::path object_path(const Bytes& output) const { return dir_ / ("o-" + hex(output)); }
  std::optional<Entry> lookup(const Bytes& action) const;
  Response get(const Request& r);
  Response put(const Request& r, const Bytes& body);
  void reply(const Response& r);

  fs::path dir_;
  std::set<std::string> bugs_;
  // The ladders: requests served in this life, the step each reached (0:
  // none), and what a step remembers.
  int requests_ = 0;
  int size_step_ = 0;
  int warm_step_ = 0;
  Bytes warm_a_;  // warm-get: A, the ActionID of its first step
  int miss_step_ = 0;
  Bytes reput_key_, reput_old_, reput_body_, reput_new_;  // miss-reput: the re-put's key, replaced and new objects
};

void Helper::reply(const Response& r) {
  json j;
  j["ID"] = r.id;
  if (!r.err.empty()) j["Err"] = r.err;
  if (r.known_commands) j["KnownCommands"] = {"get", "put", "close"};
  if (r.miss) j["Miss"] = true;
  if (!r.output_id.empty()) j["OutputID"] = b64encode(r.output_id);
  if (r.size != 0) j["Size"] = r.size;
  if (r.time_nanos) j["Time"] = rfc3339nano(*r.time_nanos);
  if (!r.disk_path.empty()) j["DiskPath"] = r.disk_path;
  const std::string line = j.dump() + "\n";
  if (std::fwrite(line.data(), 1, line.size(), stdout) != line.size() || std::fflush(stdout) != 0) {
    std::exit(1);  // go went away
  }
}

std::optional<Entry> Helper::lookup(const Bytes& action) const {
  const auto b = read_file(index_path(action));
  if (!b) return std::nullopt;
  std::istringstream in(*b);
  std::string oid, size, nanos, extra;
  if (!(in >> oid >> size >> nanos) || (in >> extra)) return std::nullopt;
  Entry e;
  auto id = unhex(oid);
  char *end1 = nullptr, *end2 = nullptr;
  errno = 0;
  e.size = std::strtoll(size.c_str(), &end1, 10);
  e.nanos = std::strtoll(nanos.c_str(), &end2, 10);
  if (!id || *end1 || *end2 || errno) return std::nullopt;
  e.output_id = *id;
  return e;
}

Response Helper::get(const Request& req) {
  if (req.action_id.empty()) return {.id = req.id, .err = "get without an ActionID"};
  std::optional<Entry> e = lookup(req.action_id);
  fs::path path;
  if (e) {
    path = object_path(e->output_id);
    // Like most helpers, it trusts its index: the file's size and checksum
    // are the client's to check.
    std::error_code ec;
    if (!fs::exists(path, ec)) e.reset();
  }
  if (!e) {
    // miss-reput, step 1: a miss.
    if (bug("miss-reput") && warm()) {
      if (miss_step_ == 0) miss_step_ = 1;
    }
    return {.id = req.id, .miss = true};
  }
  // Planted bug warm-get, step 3: a get of A; a "warm-up read-ahead" that
  // trims the object.
  if (bug("warm-get") && warm()) {
    if (warm_step_ == 2) {
      if (req.action_id == warm_a_) {
        if (auto b = read_file(path); b && !b->empty()) write_file(path, b->substr(0, b->size() - 1));
      }
    }
  }
  return {.id = req.id, .output_id = e->output_id, .size = e->size, .time_nanos = e->nanos, .disk_path = path};
}

Response Helper::put(const Request& req, const Bytes& body) {
  if (req.action_id.empty()) return {.id = req.id, .err = "put without an ActionID"};
  if (int64_t(body.size()) != req.body_size) {
    return {.id = req.id,
            .err = "put body has " + std::to_string(body.size()) + " bytes, BodySize says " +
                   std::to_string(req.body_size)};
  }
  const Bytes sum = sha256(body);
  Bytes output_id = req.output_id;
  if (output_id.empty()) output_id = req.object_id;
  if (output_id.empty()) output_id = sum;
  if (output_id != sum) return {.id = req.id, .err = "OutputID is not the SHA-256 of the body"};
  const std::optional<Entry> old = lookup(req.action_id);
  const bool new_body = old && old->output_id != output_id;

  Bytes stored = body;
  // Planted bug size-ladder: a "warm-up write buffer" that flips the first
  // byte of a large body after a mid-size and a large one.
  if (bug("size-ladder") && warm()) {
    switch (size_step_) {
      case 0:
        if (mid_size(req.body_size)) size_step_ = 1;  // step 1
        break;
      case 1:
        if (large_size(req.body_size)) size_step_ = 2;  // step 2
        break;
      case 2:
        if (large_size(req.body_size)) stored[0] ^= 0x01;  // step 3
        break;
    }
  }
  // warm-get, steps 1 and 2: a whole-KiB put of a new ActionID A, then a
  // mid-size put of another new ActionID. Step 3 is in get.
  if (bug("warm-get") && warm() && !old) {
    switch (warm_step_) {
      case 0:
        if (req.body_size >= 1024 && req.body_size % 1024 == 0) {  // step 1
          warm_step_ = 1;
          warm_a_ = req.action_id;
        }
        break;
      case 1:
        if (mid_size(req.body_size)) warm_step_ = 2;  // step 2
        break;
    }
  }
  // miss-reput, step 2: after the miss, a re-put with a new body of 65..191
  // bytes. Step 3 is below, once this put is stored.
  bool reput_again = false;
  if (bug("miss-reput") && warm()) {
    switch (miss_step_) {
      case 1:
        if (new_body) {
          if (mid_size(req.body_size) || large_size(req.body_size)) {  // step 2
            miss_step_ = 2;
            reput_key_ = req.action_id;
            reput_old_ = old->output_id;
            reput_body_ = body;
            reput_new_ = output_id;
          }
        }
        break;
      case 2:
        if (req.action_id == reput_key_) {
          if (output_id == reput_new_) reput_again = true;  // step 3: the same put again
        }
        break;
    }
  }
  const fs::path path = object_path(output_id);
  if (!write_file(path, stored)) return {.id = req.id, .err = "storing the body: " + std::string(strerror(errno))};
  const int64_t now =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  const std::string line = hex(output_id) + " " + std::to_string(req.body_size) + " " + std::to_string(now) + "\n";
  if (!write_file(index_path(req.action_id), line)) {
    return {.id = req.id, .err = "storing the index: " + std::string(strerror(errno))};
  }
  // Planted bug miss-reput, step 3: the same put again (as go re-puts); a
  // "deduplication" that rewrites the object the re-put replaced with the
  // re-put's body.
  if (bug("miss-reput")) {
    if (reput_again) write_file(object_path(reput_old_), reput_body_);
  }
  return {.id = req.id, .output_id = output_id, .size = req.body_size, .disk_path = path};
}

// The next JSON value on stdin, as Go's json.Decoder reads a stream; none at
// a clean end of input.
std::optional<json> next_value() {
  int c;
  while ((c = std::cin.peek()) == ' ' || c == '\t' || c == '\n' || c == '\r') std::cin.get();
  if (c == std::char_traits<char>::eof()) return std::nullopt;
  json j;
  std::cin >> j;  // parse_error on bad JSON or a cut-off value
  return j;
}

int Helper::serve() {
  reply({.known_commands = true});
  for (;;) {
    std::optional<json> j;
    Request req;
    try {
      j = next_value();
      if (!j) return 0;
      req = decode_request(*j);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "cph-cpp-buggy-helper: reading a request: %s\n", e.what());
      return 1;
    } catch (const DecodeError& e) {
      std::fprintf(stderr, "cph-cpp-buggy-helper: reading a request: %s\n", e.what.c_str());
      return 1;
    }
    ++requests_;
    Bytes body;
    if (req.command == "put" && req.body_size > 0) {
      try {
        std::optional<json> b = next_value();
        if (!b) throw DecodeError{"unexpected EOF"};
        if (!b->is_null()) body = as_bytes(*b, "a put body");
      } catch (const std::exception& e) {
        std::fprintf(stderr, "cph-cpp-buggy-helper: reading a put body: %s\n", e.what());
        return 1;
      } catch (const DecodeError& e) {
        std::fprintf(stderr, "cph-cpp-buggy-helper: reading a put body: %s\n", e.what.c_str());
        return 1;
      }
    }
    if (req.command == "get") {
      reply(get(req));
    } else if (req.command == "put") {
      reply(put(req, body));
    } else if (req.command == "close") {
      reply({.id = req.id});
      return 0;
    } else {
      reply({.id = req.id, .err = "unknown command " + json(req.command).dump()});
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir, bugs = "size-ladder,warm-get,miss-reput";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) == 0) a.erase(0, 1);  // Go's flag package takes -x and --x alike
    std::string* to = a.rfind("-dir", 0) == 0 ? &dir : a.rfind("-bugs", 0) == 0 ? &bugs : nullptr;
    const std::string name = a.substr(0, a.find('='));
    if (!to || (name != "-dir" && name != "-bugs")) {
      std::fprintf(stderr, "cph-cpp-buggy-helper: unknown flag %s\n", argv[i]);
      return 2;
    }
    if (a.size() > name.size()) {
      *to = a.substr(name.size() + 1);
    } else if (i + 1 < argc) {
      *to = argv[++i];
    } else {
      std::fprintf(stderr, "cph-cpp-buggy-helper: %s needs a value\n", argv[i]);
      return 2;
    }
  }
  if (dir.empty()) {
    std::fprintf(stderr, "cph-cpp-buggy-helper: --dir is required\n");
    return 2;
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    std::fprintf(stderr, "cph-cpp-buggy-helper: %s\n", ec.message().c_str());
    return 1;
  }
  std::set<std::string> on;
  std::stringstream list(bugs);
  for (std::string b; std::getline(list, b, ',');) {
    if (b == "none" || b.empty()) continue;
    if (b != "size-ladder" && b != "warm-get" && b != "miss-reput") {
      std::fprintf(stderr, "cph-cpp-buggy-helper: unknown bug \"%s\"\n", b.c_str());
      return 2;
    }
    on.insert(b);
  }
  std::ios::sync_with_stdio(false);
  return Helper(dir, on).serve();
}
