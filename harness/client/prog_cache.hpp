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
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <thread>
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
  std::vector<std::string> env_extra;            // "KEY=VALUE" for the helper
  std::string dir;                               // the helper's working directory
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
  PutResult put_file(std::string_view action_id, const std::string& path,
                     const Context& ctx = Context::never());
  // The DiskPath last noted for this OutputID by get or put ("" if none).
  std::string output_file(std::string_view output_id, const Context& ctx = Context::never()) const;
  Outcome close(const Context& ctx = Context::never());

  // The commands the helper declared, and the request IDs still in flight
  // (0 while the handshake is pending), sorted.
  std::set<std::string> known_commands() const;
  std::vector<int64_t> pending_ids() const;
  const Profile& profile() const { return opts_.profile; }
  const std::string& prog() const { return prog_; }
  wire::Transcript& transcript() { return *transcript_; }
  std::shared_ptr<wire::Transcript> transcript_ptr() const { return transcript_; }
  // The helper process (null when it never started).
  proc::Child* child() { return child_.get(); }
  // Waits up to `d` for the helper to exit (it is reaped; see proc::Child).
  std::optional<proc::ExitStatus> wait_helper_exit(milliseconds d);

  // A body for put: read in chunks, from the start again after rewind().
  struct BodySource {
    virtual ~BodySource() = default;
    virtual bool rewind(std::string& error) = 0;
    // Bytes read into buf; 0 at EOF; -1 on error (with `error`).
    virtual int64_t read(char* buf, size_t cap, std::string& error) = 0;
  };

 private:
  struct Slot;  // one request: its write's outcome, its reply, its own lock and wakeup
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;  // session-wide waits: the reader's end (close)
  };
  enum class SendStatus { reply, closed, error, cancelled, hang, fatal };
  struct SendResult {
    SendStatus status = SendStatus::error;
    wire::Response res;
    std::string message;
    int64_t id = 0;
  };
  struct Queued {  // a request; a small one's bytes end at `end` in the pending batch
    std::shared_ptr<Slot> slot;
    int64_t id = 0;
    size_t end = 0;
  };

  explicit ProgCache(ClientOptions opts);
  void run_start();
  PutResult put_source(std::string_view action_id, BodySource& body, const Context& ctx);
  SendResult send(wire::Request req, BodySource* body, const Context& ctx, milliseconds no_deadline_wait,
                  const std::string& hang_what);
  void write_alone(const wire::Request& req, BodySource* body, const std::shared_ptr<Slot>& slot);
  void write_combined(std::string bytes, int64_t id, const std::shared_ptr<Slot>& slot);
  void write_pending_and_release();
  void write_batch(std::string_view bytes, const std::vector<Queued>& batch);
  bool fail_if_ended(std::span<const Queued> requests);
  void fail_unsent(std::span<const Queued> requests, const std::string& error, bool hung);
  void wait_reply(const std::shared_ptr<Slot>& slot, const Context& ctx, milliseconds no_deadline_wait, const std::string& hang_what,
                  SendResult& out);
  void wait_pipe_free(std::unique_lock<std::mutex>& lock);
  std::string write_request(const wire::Request& req, BodySource* body, bool& hung);
  bool ignored_base64_close_error(const wire::Request& req, size_t header_size, uint64_t sent, bool hung,
                                  const std::string& error);
  proc::IoResult write_raw(std::string_view bytes, bool record);
  std::string write_error_text(const proc::IoResult& r, int64_t id, bool& hung) const;
  void read_loop();
  void stderr_loop();
  void end_read_loop_quietly();        // EOF or decode error while closing
  void set_fatal(const std::string& message);  // like base.Fatalf; caller holds no lock
  // Every waiter looks at the session again (fatal, cancel, the reader's end).
  void wake_all_locked();  // shared_->mu held
  void note_hang(const std::string& message);
  void log(const std::string& line);
  Outcome early_outcome_locked();  // fatal or dead session, else ok

  ClientOptions opts_;
  std::string prog_;
  std::shared_ptr<wire::Transcript> transcript_;
  std::unique_ptr<proc::Child> child_;
  proc::Interrupt read_stop_;
  proc::Interrupt write_stop_;
  std::thread reader_;
  std::thread stderr_reader_;

  // Guarded by shared_->mu (shared so that context wakers outlive nothing).
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
  Outcome start_outcome_;
  std::optional<std::string> fatal_;
  std::optional<std::string> first_hang_;
  std::optional<std::string> dead_;  // Go would be blocked for good: every call hangs
  std::set<std::string> can_;
  int64_t next_id_ = 0;
  std::map<int64_t, std::shared_ptr<Slot>> in_flight_;
  bool in_flight_nil_ = false;  // Go 1.24+: readLoop ended while closing
  bool closing_ = false;
  bool session_cancelled_ = false;  // Close cancelled Go's c.ctx
  bool reader_done_ = false;
  std::atomic<bool> tearing_down_{false};

  mutable std::mutex output_mu_;  // guards output_file_ alone (off the hot lock)
  std::map<std::string, std::string> output_file_;

  // Go's writeMu, with the small requests of concurrent callers combined:
  // a caller finding the pipe busy leaves its request in pending_, and the
  // caller holding the pipe writes it before letting go. Guarded by pipe_mu_.
  std::mutex pipe_mu_;
  std::condition_variable pipe_free_;  // a put body or close_stdin waits to hold the pipe alone
  bool writing_ = false;               // a caller holds the pipe
  std::string pending_;                // whole requests, in the order they came
  std::vector<Queued> queued_;
  // Only the caller holding the pipe touches these.
  std::string batch_;
  std::vector<Queued> batch_queued_;
  std::string write_error_;  // bufio.Writer's error is sticky
};

}  // namespace cph::client
