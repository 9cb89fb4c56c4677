// ProgCache: a faithful C++ port of Go's cmd/go/internal/cache.ProgCache,
// the client side of GOCACHEPROG, on real pipes (proc::Child).
//
// It behaves as the profile's Go release does (client/profile.hpp): the same
// request bytes, the same IDs (1, 2, 3, ... in call order), one writer at a
// time (a large put body delays every other request), a reader thread like
// Go's readLoop, and Go's messages word for word. The one difference by
// design: where `go` would exit (base.Fatalf) or block forever, the call
// returns a typed Outcome (fatal, hang) and the harness goes on. After a
// fatal, every call returns the session's fatal outcome at once.
//
// Every byte both ways (a put body line over transcript_body_limit as a
// summary event), the helper's stderr, and events (fatal, hang, helper exit)
// go into a wire::Transcript.
//
// Thread-safe: get/put/close may be called from many threads at once. The
// destructor must not race with calls in progress.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "client/context.hpp"
#include "client/outcome.hpp"
#include "client/profile.hpp"
#include "proc/child.hpp"
#include "wire/messages.hpp"
#include "wire/response_decoder.hpp"
#include "wire/transcript.hpp"

namespace cph::client {

using std::chrono::milliseconds;

struct ClientOptions {
  std::string command;  // the GOCACHEPROG value: program and arguments
  Profile profile;
  // Go logs "# still waiting for GOCACHEPROG <prog> ..." this often while it
  // waits for the handshake (5 s in Go; shorter makes scenarios fast).
  milliseconds still_waiting_interval{5000};
  // Harness deadlines for waits that never end in Go; each turns into `hang`.
  milliseconds handshake_timeout{10000};    // the ID-0 message
  milliseconds reply_timeout{10000};        // a reply, when the caller's context has no deadline
  milliseconds write_stall_timeout{10000};  // a write to stdin making no progress
  milliseconds close_timeout{10000};        // Close's reply and the helper's stdout EOF
  milliseconds teardown_grace{200};         // stdin closed -> SIGKILL of the group
  // The helper's stderr as it arrives (Go copies it to its own stderr).
  std::function<void(std::string_view)> on_stderr;
  // Lines `go` would log: "# still waiting ...", and the fatal message.
  std::function<void(const std::string&)> on_log;
  std::shared_ptr<wire::Transcript> transcript;  // default: a new in-memory one
  // A put body line (quotes, base64, newline) longer than this is not kept
  // byte for byte: the transcript gets a "body-line" event instead (request
  // ID, line bytes, body size, SHA-256 = the OutputID), so a 1 GiB put costs
  // the transcript a few hundred bytes, not 1.33 GiB. Smaller lines are kept
  // (64 KiB: every body the fuzzers and scenarios send, byte for byte).
  size_t transcript_body_limit = 64 << 10;
  // One reply (JSON value) longer than this is fatal ("error reading JSON
  // from GOCACHEPROG: reply line longer than N bytes") and the helper is
  // killed: go would buffer it without end, the harness must not.
  size_t max_reply_bytes = wire::kDefaultMaxReplyBytes;
  std::vector<std::string> env_extra;  // "KEY=VALUE" for the helper
  std::string dir;                     // the helper's working directory
  // proc::SpawnOptions::sweep_descendants: off only for a helper known to
  // start no process (the scenarios' cph-fake).
  bool sweep_descendants = true;
};

// Go's cache.Entry as Get returns it.
struct Entry {
  std::string output_id;  // 32 raw bytes (shorter replies zero-padded)
  int64_t size = 0;
  wire::Time time;        // the reply's Time, or now when it had none
  std::string disk_path;  // as noted for output_file()
};

struct GetResult {
  Outcome outcome;
  Entry entry;     // meaningful when outcome is ok
  int64_t id = 0;  // the request ID sent; 0 when nothing was sent
};

struct PutResult {
  Outcome outcome;
  std::string output_id;  // SHA-256 of the body (empty on error, as Go's OutputID{})
  int64_t size = 0;
  int64_t id = 0;
};

class ProgCache {
 public:
  // Splits the command like quoted.Split, starts the helper and waits for its
  // handshake. Never null: check start_outcome() (ok, fatal or hang).
  static std::unique_ptr<ProgCache> start(ClientOptions opts);
  ~ProgCache();  // close stdin, grace, SIGKILL the group, reap, join threads
  ProgCache(const ProgCache&) = delete;
  ProgCache& operator=(const ProgCache&) = delete;

  Outcome start_outcome() const;
  // fatal if anything was fatal, else hang if anything hung, else ok.
  Outcome session_outcome() const;

  GetResult get(std::string_view action_id, const Context& ctx = Context::never());
  PutResult put(std::string_view action_id, std::string_view body, const Context& ctx = Context::never());
  // The body is read from the file twice (hash, then send), never held whole.
  PutResult put_file(std::string_view action_id, const std::string& path, const Context& ctx = Context::never());
  // The DiskPath last noted for this OutputID by get or put ("" if none).
  std::string output_file(std::string_view output_id, const Context& ctx = Context::never()) const;
  Outcome close(const Context& ctx = Context::never());

  // The commands the helper declared, and the request IDs still in flight
  // (0 while the handshake is pending), sorted.
  std::set<std::string> known_commands() const;
  std::vector<int64_t> pending_ids() const;
  const Profile& profile() const;
  const std::string& prog() const;
  wire::Transcript& transcript();
  std::shared_ptr<wire::Transcript> transcript_ptr() const;
  // The helper process (null when it never started).
  proc::Child* child();
  // Waits up to `d` for the helper to exit (it is reaped; see proc::Child).
  std::optional<proc::ExitStatus> wait_helper_exit(milliseconds d);

 private:
  // The port itself (prog_cache.cpp) and the three parts under it: the
  // in-flight table, the request writer, body sources (docs/client.md).
  struct Impl;
  explicit ProgCache(ClientOptions opts);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cph::client
