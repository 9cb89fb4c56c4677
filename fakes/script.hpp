// The fake's script: a list of rules, each `when` -> `do`, checked in order
// for the handshake and for every request. See docs/fake-script.md.
#pragma once
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace cph::fake {

using Duration = std::chrono::nanoseconds;

// All present conditions must hold. An empty `when` matches every request
// (never the handshake).
struct When {
  bool handshake = false;              // the handshake, not a request
  std::optional<std::string> command;  // "get", "put", "close", ...
  std::optional<int64_t> request;      // nth request overall (1-based)
  std::optional<int64_t> nth;          // nth request of its command (1-based)
  std::optional<std::string> action;   // ActionID hex prefix, lowercase
  std::optional<Duration> after;       // time since start at least this
};

// Actions. Each names itself once (kName, the script's key); the parser
// table in script.cpp lists them, and code that acts on them visits the
// variant (fakes/reply.cpp for replies, fakes/engine.cpp for the process).
//
// Reply actions: change what is written for the matched reply.
struct Delay {
  static constexpr const char* kName = "delay";
  Duration d{};
};
enum class HoldOrder { reversed, shuffled };
struct Hold {
  static constexpr const char* kName = "hold";
  int64_t count = 2;
  HoldOrder order = HoldOrder::reversed;
};
struct Drop {
  static constexpr const char* kName = "drop";
};
struct Duplicate {
  static constexpr const char* kName = "duplicate";
  int64_t copies = 1;
};  // extra copies
enum class IdMode { unknown, previous, negative, specific };
struct ReplyId {
  static constexpr const char* kName = "id";
  IdMode mode = IdMode::unknown;
  int64_t id = 0;
};
struct Omit {
  static constexpr const char* kName = "omit";
  std::vector<std::string> fields;
};
// Field name -> value. Values are written as given (as JSON), except:
// OutputID (hex string: those bytes; integer N: the real ID resized to N
// bytes) and DiskPath (a keyword or an absolute path).
struct Set {
  static constexpr const char* kName = "set";
  std::vector<std::pair<std::string, nlohmann::json>> fields;
};
enum class RawKind { text, malformed, truncated, pretty, joined, invalid_utf8 };
struct Raw {
  static constexpr const char* kName = "raw";
  RawKind kind = RawKind::text;
  std::string bytes;
};  // bytes: text, $ID expanded
struct Prefix {
  static constexpr const char* kName = "prefix";
  std::string bytes;
};
// Process actions: happen when the rule fires, before any reply.
struct Exit {
  static constexpr const char* kName = "exit";
  int code = 0;
};
struct Kill {
  static constexpr const char* kName = "kill";
  int signal = 9;
};
struct CloseStdout {
  static constexpr const char* kName = "close_stdout";
};
struct Hang {
  static constexpr const char* kName = "hang";
};
struct StopReading {
  static constexpr const char* kName = "stop_reading";
  Duration d{};
};
struct Stderr {
  static constexpr const char* kName = "stderr";
  std::string text;
};
// Close stdin, read no more, keep stdout open and running; a write to us fails (EPIPE).
struct CloseStdin {
  static constexpr const char* kName = "close_stdin";
};
// Close actions: what happens after the close reply.
struct NeverExit {
  static constexpr const char* kName = "never_exit";
};  // close stdout, keep running
struct KeepStdout {
  static constexpr const char* kName = "keep_stdout";
};  // keep stdout open, keep running

// Store actions: how a put is stored (a re-put is a put of an ActionID that
// already has an entry with another OutputID), and what the store does on
// failure. The flags (store_fails, on_store_error, forget_at_eof) hold from
// the moment their rule fires until the process ends.
enum class ReputMode { get, put };
// A re-put is stored, but the index keeps the old entry: later gets serve the
// old OutputID and DiskPath (mode put: the put's reply names the old DiskPath too).
struct ReputKeepsOld {
  static constexpr const char* kName = "reput_keeps_old";
  ReputMode mode = ReputMode::get;
};
// A re-put also writes its body over the old entry's file (the DiskPath an
// earlier reply named), as a store keyed by ActionID would.
struct ReputOverwrites {
  static constexpr const char* kName = "reput_overwrites";
};
// Every put from now on fails as a full disk would (an Err reply).
struct StoreFails {
  static constexpr const char* kName = "store_fails";
};
// After a put failed in the store (a write, a rename, the index: scripted or
// real, e.g. EFBIG under RLIMIT_FSIZE): silence: answer it with Err, then
// answer nothing more and never exit, not even at stdin EOF; no_exit: answer
// on, but do not exit at stdin EOF.
enum class StoreErrorMode { silence, no_exit };
struct OnStoreError {
  static constexpr const char* kName = "on_store_error";
  StoreErrorMode mode = StoreErrorMode::silence;
};
// At stdin EOF without a close request: remove the index entries this
// process wrote and exit 1 (a helper that treats EOF as an error and never
// writes its index).
struct ForgetAtEof {
  static constexpr const char* kName = "forget_at_eof";
};

using Action = std::variant<Delay, Hold, Drop, Duplicate, ReplyId, Omit, Set, Raw, Prefix, Exit, Kill, CloseStdout,
                            Hang, StopReading, Stderr, CloseStdin, NeverExit, KeepStdout, ReputKeepsOld,
                            ReputOverwrites, StoreFails, OnStoreError, ForgetAtEof>;
const char* action_name(const Action& a);  // the script's name: "delay", "hold", ...
// Every action's name, in the parser table's order (for messages and docs).
const std::vector<std::string>& action_names();

// For std::visit: one callable from several lambdas.
template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
template <class... F>
Overloaded(F...) -> Overloaded<F...>;

struct Rule {
  std::string path;  // "rules[3]", for messages and transcripts
  When when;
  std::vector<Action> actions;
  std::optional<int64_t> times;  // fires at most this often; none: always
  double probability = 1.0;      // drawn from the --seed generator
};

struct Script {
  std::vector<Rule> rules;
};

// A bad script: the message names the place ("name:3:14: ..." for JSON
// syntax, "name: rules[3].do[1]: ..." for the rest).
class ScriptError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses JSON with comments: {"rules": [...]} or just [...].
Script parse_script(std::string_view text, const std::string& name);

// The --script argument: inline JSON when it starts with '{' or '[', else a
// file name. Throws ScriptError.
Script load_script(const std::string& arg);

// 1-based line and column of a byte offset (0-based) in text.
std::pair<int64_t, int64_t> line_col(std::string_view text, size_t offset);

// The candidate closest to `word` by edit distance, or "" if none is close.
std::string closest(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace cph::fake
