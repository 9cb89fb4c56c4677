// Fuzzes the client (client::ProgCache) with an operation trace: the input
// picks the client profile, the peer's misbehaviour and the calls.
//
// The peer: ProgCache only talks to a child process, so each input starts a
// real cph-fake over real pipes, with a script derived from the input (its
// `raw` action lets the input choose any reply bytes, the other actions pick
// delays, reordering, drops, duplicates, wrong IDs, exits, kills, ...). A
// process per input costs a few milliseconds, far less than an in-process
// relay would save in realism, and the fake is what users run the client
// against. The store is a fresh directory per input, so runs are independent.
//
// Properties:
//  1. no crash, and no call outlives the harness deadlines it was given (a
//     call that does is the client hanging, reported as such);
//  2. every outcome is one its call can have; fatal messages are Go's;
//  3. after a call returned fatal, every later call returns that same fatal,
//     and so does the session;
//  4. request IDs go 1, 2, 3, ... in call order (a close takes one too, not
//     reported); calls not sent carry ID 0;
//  5. a put that succeeds reports SHA-256(body) and the body's size; a get
//     hit has a 32-byte OutputID and a DiskPath;
//  6. with no misbehaviour: a Go-faithful cache: every call is ok, a get
//     after a put of the same action is a hit with the put's OutputID and
//     size, a get of anything else is a miss, close is ok;
//  7. the bytes the client wrote (from its transcript) read back, with the
//     strict request reader, as exactly the requests it reported sending.
// Input: byte 0 the profile, byte 1 the number of rules, then per rule a
// `when` byte, an action byte, a `times` byte (and for raw replies a length
// byte and the bytes), then the calls, two bytes each.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "client/prog_cache.hpp"
#include "fuzz_check.hpp"
#include "wire/request_reader.hpp"
#include "wire/sha256.hpp"

namespace {

namespace fs = std::filesystem;
using cph::client::Outcome;
using cph::client::OutcomeKind;
using cph::fuzz::printable;
using json = nlohmann::json;

// Harness deadlines for this target: short, so a peer that never answers
// costs a fraction of a second, yet far above a healthy fake's reply time.
constexpr std::chrono::milliseconds kHandshake{1500}, kReply{400}, kClose{400};
// A call taking longer than its deadline plus this is the client hanging.
constexpr std::chrono::milliseconds kSlack{5000};

class Cursor {
 public:
  Cursor(const uint8_t* data, size_t size) : p_(data), end_(data + size) {}
  bool empty() const { return p_ == end_; }
  uint8_t byte() { return p_ == end_ ? 0 : *p_++; }
  std::string bytes(size_t n) {
    n = std::min<size_t>(n, static_cast<size_t>(end_ - p_));
    std::string s(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return s;
  }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

std::string hex(std::string_view s) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

json when_from(uint8_t b) {
  const int n = 1 + (b >> 3);
  switch (b & 7) {
    case 0: return {{"handshake", true}};
    case 1: return {{"request", n}};
    case 2: return {{"command", "get"}, {"nth", n}};
    case 3: return {{"command", "put"}, {"nth", n}};
    case 4: return {{"close", true}};
    case 5: return {{"command", "get"}};
    case 6: return {{"command", "put"}};
    default: return json::object();  // every request
  }
}

json action_from(uint8_t b, Cursor& in) {
  switch (b % 32) {
    case 0: return {{"delay", std::to_string(b / 32 * 5) + "ms"}};
    case 1: return {{"hold", 2}};
    case 2: return {{"drop", true}};
    case 3: return {{"duplicate", 1}};
    case 4: return {{"id", "unknown"}};
    case 5: return {{"id", "previous"}};
    case 6: return {{"id", "negative"}};
    case 7: return {{"id", b / 32}};
    case 8: return {{"omit", json::array({"DiskPath"})}};
    case 9: return {{"omit", json::array({"OutputID", "Size", "Time"})}};
    case 10: return {{"omit", "KnownCommands"}};
    case 11: return {{"set", {{"Miss", true}}}};
    case 12: return {{"set", {{"Err", "helper: disk full <&>"}}}};
    case 13: return {{"set", {{"OutputID", 28 + b / 32}}}};
    case 14:
      return {{"set", {{"DiskPath", json::array({"missing", "directory", "wrong-content", "extension"})[b / 64]}}}};
    case 15: return {{"set", {{"Size", static_cast<int>(b / 32) - 2}}}};
    case 16: return {{"set", {{"Time", "yesterday"}}}};
    case 17: return {{"set", {{"KnownCommands", b / 32 < 4 ? json::array({"get"}) : json::array()}}}};
    case 18: return {{"raw", json::array({"malformed", "truncated", "pretty", "joined", "invalid-utf8"})[b / 32 % 5]}};
    case 19:
    case 20: {
      const std::string bytes = in.bytes(in.byte() % 64);
      return {{"raw", {{"hex", hex(bytes)}}}};
    }
    case 21: return {{"prefix", "garbage\n"}};
    case 22: return {{"exit", b / 32}};
    case 23: return {{"kill", b / 32 < 4 ? "KILL" : "SEGV"}};
    case 24: return {{"close_stdout", true}};
    case 25: return {{"hang", true}};
    case 26: return {{"stop_reading", std::to_string(b / 32 * 10) + "ms"}};
    case 27: return {{"stderr", "helper: note\n"}};
    case 28: return {{"never_exit", true}};
    case 29: return {{"keep_stdout", true}};
    default: return {{"delay", "1ms"}};
  }
}

struct Call {
  enum Kind { get, put, close } kind;
  int action = 0;  // index of the ActionID among four
  size_t body_len = 0;
};

struct Trace {
  cph::client::Profile profile;
  json rules = json::array();
  std::vector<Call> calls;
};

Trace parse_trace(const uint8_t* data, size_t size) {
  Cursor in(data, size);
  Trace t;
  const uint8_t p = in.byte();
  static constexpr const char* kProfiles[] = {"go1.21", "go1.24", "go1.25", "go1.26", "go1.24+objectid", "go1.27"};
  t.profile = *cph::client::Profile::parse(kProfiles[p % std::size(kProfiles)]);
  const int n_rules = in.byte() % 4;
  for (int i = 0; i < n_rules; ++i) {
    json rule = {{"when", when_from(in.byte())}};
    rule["do"] = action_from(in.byte(), in);
    if (const uint8_t times = in.byte(); times % 4 != 0) rule["times"] = times % 4;
    t.rules.push_back(rule);
  }
  while (!in.empty() && t.calls.size() < 24) {
    const uint8_t op = in.byte(), arg = in.byte();
    t.calls.push_back({op % 8 == 7 ? Call::close
                       : op % 2    ? Call::put
                                   : Call::get,
                       (op >> 3) % 4, static_cast<size_t>(arg) * (op >> 5 ? 1 : 97)});
  }
  return t;
}

std::string action_id(int k) { return cph::wire::sha256(std::string("action-") + char('0' + k)); }
std::string body_of(int k, size_t len) {
  std::string b(len, '\0');
  for (size_t i = 0; i < len; ++i) b[i] = static_cast<char>('a' + (i * 7 + static_cast<size_t>(k)) % 26);
  return b;
}

std::string fake_path() {
  if (const char* env = std::getenv("CPH_FAKE_BIN")) return env;
  // Next to this program (an OSS-Fuzz $OUT), else where the build put it.
  std::error_code ec;
  const fs::path here = fs::read_symlink("/proc/self/exe", ec).parent_path() / "cph-fake";
  if (!ec && fs::exists(here)) return here.string();
  return CPH_FUZZ_FAKE_BIN;
}

// Per process: a directory for the script and each input's store, removed
// at exit.
struct WorkDir {
  fs::path path;
  WorkDir() {
    std::string tmpl = (fs::temp_directory_path() / "cph-fuzz-client-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) cph::fuzz::fail(__FILE__, __LINE__, "mkdtemp failed");
    path = tmpl;
  }
  ~WorkDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

const fs::path& work_dir() {
  static const WorkDir dir;
  return dir.path;
}

bool is_go_fatal(const std::string& m) {
  return m.rfind("GOCACHEPROG ", 0) == 0 || m.rfind("error reading JSON from GOCACHEPROG: ", 0) == 0 ||
         m.rfind("error starting GOCACHEPROG program ", 0) == 0;
}

struct Observed {
  Call call;
  Outcome outcome;
  int64_t id = 0;
  std::string output_id;  // put: reported; get hit: the entry's
  int64_t size = 0;
  std::string disk_path;
};

std::string describe(const Trace& t, const std::vector<Observed>& seen, const Outcome& start) {
  std::string s = "profile " + t.profile.name() + " script " + t.rules.dump() + "\n  start " + start.to_string();
  for (const auto& o : seen) {
    s += "\n  ";
    s += o.call.kind == Call::get ? "get" : o.call.kind == Call::put ? "put" : "close";
    s += "(action " + std::to_string(o.call.action) + ", body " + std::to_string(o.call.body_len) + ") id " +
         std::to_string(o.id) + " -> " + o.outcome.to_string();
  }
  return s;
}

void check_outcome_kind(const Call& c, const Outcome& o, const std::string& ctx) {
  if (o.kind == OutcomeKind::fatal) CPH_FUZZ_CHECK(is_go_fatal(o.message), "not Go's fatal text: " + ctx);
  if (o.kind == OutcomeKind::miss) CPH_FUZZ_CHECK(c.kind == Call::get, "a miss from put/close: " + ctx);
  if (o.kind == OutcomeKind::error || o.kind == OutcomeKind::cancelled || o.kind == OutcomeKind::hang)
    CPH_FUZZ_CHECK(!o.message.empty(), "an outcome without its message: " + ctx);
}

// The requests the client wrote, read back from its transcript.
std::vector<cph::wire::Request> written_requests(cph::client::ProgCache& pc, std::string& error) {
  std::string wire_bytes;
  for (const auto& r : pc.transcript().records())
    if (r.dir == cph::wire::Direction::to_helper) wire_bytes += r.data;
  std::vector<cph::wire::Request> reqs;
  cph::wire::RequestStreamReader::Callbacks cb;
  cb.on_request = [&](const cph::wire::Request& r) { reqs.push_back(r); };
  cph::wire::RequestStreamReader reader(cph::wire::RequestStreamReader::Mode::strict, cb);
  if (reader.feed(wire_bytes) == cph::wire::RequestStreamReader::Status::error ||
      reader.finish() == cph::wire::RequestStreamReader::Status::error)
    error = reader.error() + " in " + printable(wire_bytes.substr(0, 2000));
  return reqs;
}

void run_trace(const Trace& t) {
  const fs::path store = work_dir() / "store";
  fs::remove_all(store);
  fs::create_directories(store);
  const fs::path script = work_dir() / "script.json";
  std::ofstream(script) << json{{"rules", t.rules}}.dump();

  cph::client::ClientOptions opts;
  opts.command = "'" + fake_path() + "' --dir '" + store.string() + "' --script '" + script.string() + "'";
  opts.profile = t.profile;
  opts.still_waiting_interval = std::chrono::milliseconds(500);
  opts.handshake_timeout = kHandshake;
  opts.reply_timeout = kReply;
  opts.write_stall_timeout = kReply;
  opts.close_timeout = kClose;
  opts.teardown_grace = std::chrono::milliseconds(50);
  opts.on_stderr = [](std::string_view) {};
  opts.on_log = [](const std::string&) {};

  auto began = std::chrono::steady_clock::now();
  auto pc = cph::client::ProgCache::start(opts);
  const Outcome start = pc->start_outcome();
  std::vector<Observed> seen;
  auto ctx = [&] { return describe(t, seen, start); };
  CPH_FUZZ_CHECK(std::chrono::steady_clock::now() - began < kHandshake + kSlack, "start hung: " + ctx());
  CPH_FUZZ_CHECK(start.kind == OutcomeKind::ok || start.kind == OutcomeKind::fatal || start.kind == OutcomeKind::hang,
                 "start outcome: " + ctx());
  if (start.kind == OutcomeKind::fatal) CPH_FUZZ_CHECK(is_go_fatal(start.message), "start fatal text: " + ctx());

  std::optional<Outcome> fatal;
  if (start.kind == OutcomeKind::fatal) fatal = start;
  int64_t last_id = 0, closes_since = 0;
  for (const Call& c : t.calls) {
    Observed o{c, {}, 0, {}, 0, {}};
    began = std::chrono::steady_clock::now();
    const auto limit = (c.kind == Call::close ? kClose + kReply : kReply) + kSlack;
    if (c.kind == Call::get) {
      auto r = pc->get(action_id(c.action));
      o.outcome = r.outcome;
      o.id = r.id;
      if (r.outcome.is_ok()) {
        o.output_id = r.entry.output_id;
        o.size = r.entry.size;
        o.disk_path = r.entry.disk_path;
      }
    } else if (c.kind == Call::put) {
      const std::string body = body_of(c.action, c.body_len);
      auto r = pc->put(action_id(c.action), body);
      o.outcome = r.outcome;
      o.id = r.id;
      o.output_id = r.output_id;
      o.size = r.size;
      if (r.outcome.is_ok())
        CPH_FUZZ_CHECK(r.output_id == cph::wire::sha256(body) && r.size == static_cast<int64_t>(body.size()),
                       "put ok with the wrong OutputID or size: " + ctx());
    } else {
      o.outcome = pc->close();
    }
    seen.push_back(o);
    CPH_FUZZ_CHECK(std::chrono::steady_clock::now() - began < limit, "a call hung past its deadline: " + ctx());
    check_outcome_kind(c, o.outcome, ctx());
    if (fatal) CPH_FUZZ_CHECK(o.outcome == *fatal && o.id == 0, "a call after a fatal: " + ctx());
    if (o.outcome.kind == OutcomeKind::fatal && !fatal) fatal = o.outcome;
    if (c.kind == Call::close) ++closes_since;  // close takes an ID too, unreported
    if (o.id != 0) {
      CPH_FUZZ_CHECK(o.id > last_id && o.id <= last_id + 1 + closes_since, "request IDs out of order: " + ctx());
      last_id = o.id;
      closes_since = 0;
    }
    if (c.kind == Call::get && o.outcome.is_ok())
      CPH_FUZZ_CHECK(o.output_id.size() == 32 && !o.disk_path.empty(), "a get hit without OutputID/DiskPath: " + ctx());
  }
  if (fatal) CPH_FUZZ_CHECK(pc->session_outcome() == *fatal, "session outcome after a fatal: " + ctx());

  // With no misbehaviour the fake is a correct cache and the client must see
  // exactly that (unless the machine was too slow for the deadlines).
  const bool any_hang = start.kind == OutcomeKind::hang || std::any_of(seen.begin(), seen.end(), [](const Observed& o) {
                          return o.outcome.kind == OutcomeKind::hang;
                        });
  if (t.rules.empty() && !any_hang) {
    CPH_FUZZ_CHECK(start.is_ok(), "a clean fake failed to start: " + ctx());
    std::map<int, std::pair<std::string, int64_t>> stored;
    bool closed = false;
    for (const auto& o : seen) {
      if (closed) break;  // after close, Go's errors for a closed cache
      if (o.call.kind == Call::close) {
        CPH_FUZZ_CHECK(o.outcome.is_ok(), "close of a clean fake: " + ctx());
        closed = true;
      } else if (o.call.kind == Call::put) {
        CPH_FUZZ_CHECK(o.outcome.is_ok(), "put to a clean fake: " + ctx());
        stored[o.call.action] = {o.output_id, o.size};
      } else if (auto it = stored.find(o.call.action); it != stored.end()) {
        CPH_FUZZ_CHECK(o.outcome.is_ok() && o.output_id == it->second.first && o.size == it->second.second,
                       "get after put from a clean fake: " + ctx());
      } else {
        CPH_FUZZ_CHECK(o.outcome.kind == OutcomeKind::miss, "get of an unknown action from a clean fake: " + ctx());
      }
    }
  }

  // The requests on the wire are the ones the calls reported, in order.
  // (A write cut short by a dying helper leaves a partial request, so the
  // framing is checked whole only when the session went well.)
  if (start.kind == OutcomeKind::ok) {
    std::string error;
    const auto reqs = written_requests(*pc, error);
    CPH_FUZZ_CHECK(error.empty() || !pc->session_outcome().is_ok(),
                   "the client wrote bad framing: " + error + "\n  " + ctx());
    // Every request on the wire was reported, in order; a reported ID may be
    // missing from the wire only when its write failed (a non-ok outcome).
    std::vector<const Observed*> sent;
    for (const auto& o : seen)
      if (o.id != 0) sent.push_back(&o);
    size_t k = 0;
    for (const auto& r : reqs) {
      if (r.command == "close") continue;  // close reports no ID
      while (k < sent.size() && sent[k]->id != r.id) {
        CPH_FUZZ_CHECK(!sent[k]->outcome.is_ok() && sent[k]->outcome.kind != OutcomeKind::miss,
                       "ID " + std::to_string(sent[k]->id) + " reported ok but never written: " + ctx());
        ++k;
      }
      CPH_FUZZ_CHECK(k < sent.size(), "wire request ID " + std::to_string(r.id) + " was never reported: " + ctx());
      ++k;
    }
    for (; k < sent.size(); ++k)
      CPH_FUZZ_CHECK(!sent[k]->outcome.is_ok() && sent[k]->outcome.kind != OutcomeKind::miss,
                     "ID " + std::to_string(sent[k]->id) + " reported ok but never written: " + ctx());
  }
  pc.reset();  // teardown: kills and reaps the fake
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  run_trace(parse_trace(data, size));
  return 0;
}
