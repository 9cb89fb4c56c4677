// The typed result of one client call, and of a whole client session, in
// terms that can be compared with what the real `go` command did:
//   ok        the call succeeded
//   miss      a cache miss; `message` is Go's reason when it has one
//             ("GOCACHEPROG didn't populate DiskPath on get hit"), else empty
//   error     the call failed with an error value (`message` is its text)
//   fatal     `go` would have exited: `message` is its base.Fatalf text, word
//             for word ("GOCACHEPROG exited pre-Close with 1 pending requests")
//   cancelled the caller's context ended: "context canceled" or
//             "context deadline exceeded"
//   hang      `go` would have blocked forever; the harness's deadline ended
//             the wait instead (`message` says what it was waiting for)
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cph::client {

enum class OutcomeKind { ok, miss, error, fatal, cancelled, hang };
const char* outcome_kind_name(OutcomeKind k);  // "ok", "miss", ...
std::optional<OutcomeKind> parse_outcome_kind(std::string_view name);
const std::vector<std::string>& outcome_kind_names();

struct Outcome {
  OutcomeKind kind = OutcomeKind::ok;
  std::string message;

  static Outcome ok() { return {OutcomeKind::ok, ""}; }
  static Outcome miss(std::string why = "") { return {OutcomeKind::miss, std::move(why)}; }
  static Outcome error(std::string m) { return {OutcomeKind::error, std::move(m)}; }
  static Outcome fatal(std::string m) { return {OutcomeKind::fatal, std::move(m)}; }
  static Outcome cancelled(std::string m) { return {OutcomeKind::cancelled, std::move(m)}; }
  static Outcome hang(std::string m) { return {OutcomeKind::hang, std::move(m)}; }

  bool is_ok() const { return kind == OutcomeKind::ok; }
  std::string to_string() const;  // "fatal: GOCACHEPROG ..." or "ok"
  bool operator==(const Outcome&) const = default;
};

}  // namespace cph::client
