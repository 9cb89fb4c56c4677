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
  bool handshake = false;                  // the handshake, not a request
  std::optional<std::string> command;      // "get", "put", "close", ...
  std::optional<int64_t> request;          // nth request overall (1-based)
  std::optional<int64_t> nth;              // nth request of its command (1-based)
  std::optional<std::string> action;       // ActionID hex prefix, lowercase
  std::optional<Duration> after;           // time since start at least this
};

// Reply actions: change what is written for the matched reply.
struct Delay { Duration d{}; };
enum class HoldOrder { reversed, shuffled };
struct Hold { int64_t count = 2; HoldOrder order = HoldOrder::reversed; };
struct Drop {};
struct Duplicate { int64_t copies = 1; };  // extra copies
enum class IdMode { unknown, previous, negative, specific };
struct ReplyId { IdMode mode = IdMode::unknown; int64_t id = 0; };
struct Omit { std::vector<std::string> fields; };
// Field name -> value. Values are written as given (as JSON), except:
// OutputID (hex string: those bytes; integer N: the real ID resized to N
// bytes) and DiskPath (a keyword or an absolute path).
struct Set { std::vector<std::pair<std::string, nlohmann::json>> fields; };
enum class RawKind { text, malformed, truncated, pretty, joined, invalid_utf8 };
struct Raw { RawKind kind = RawKind::text; std::string bytes; };  // bytes: text, $ID expanded
struct Prefix { std::string bytes; };
// Process actions: happen when the rule fires, before any reply.
struct Exit { int code = 0; };
struct Kill { int signal = 9; };
struct CloseStdout {};
struct Hang {};
struct StopReading { Duration d{}; };
struct Stderr { std::string text; };
// Close actions: what happens after the close reply.
struct NeverExit {};   // close stdout, keep running
struct KeepStdout {};  // keep stdout open, keep running
// A process action (listed last to keep the others' indices): close stdin,
// read no more, keep stdout open and running; a write to us fails (EPIPE).
struct CloseStdin {};

using Action = std::variant<Delay, Hold, Drop, Duplicate, ReplyId, Omit, Set, Raw, Prefix, Exit, Kill,
                            CloseStdout, Hang, StopReading, Stderr, NeverExit, KeepStdout, CloseStdin>;
const char* action_name(const Action& a);  // the script's name: "delay", "hold", ...

struct Rule {
  std::string path;                // "rules[3]", for messages and transcripts
  When when;
  std::vector<Action> actions;
  std::optional<int64_t> times;    // fires at most this often; none: always
  double probability = 1.0;        // drawn from the --seed generator
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
