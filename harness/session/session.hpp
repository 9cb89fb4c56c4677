// A raw session with a helper, played at the wire level as `go` would play
// it, but without the client's policy: the check cases send exactly the bytes
// they choose (hostile ones included) and see every reply, every stray byte
// and every exit. One Session is one helper process on real pipes.
//
// A reader thread decodes stdout as Go's client does (wire::
// ResponseStreamDecoder) and files each reply under its ID; what Go would
// treat as fatal (bytes that are not JSON, a reply to an unknown ID, a
// duplicate reply, a second ID-0 message) is kept in problems(). Another
// thread keeps stderr. Every byte goes to the case's transcript (put bodies
// over 4 KiB as an event giving their size). Every wait is bounded by the
// case's CancelToken, whose cancellation kills the helper.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "client/profile.hpp"
#include "proc/capped_text.hpp"
#include "proc/child.hpp"
#include "runner/case.hpp"
#include "session/pattern_body.hpp"
#include "wire/messages.hpp"

namespace cph::session {

using Clock = std::chrono::steady_clock;

// A reply, or why there is none.
struct Reply {
  std::optional<wire::Response> response;
  std::string failure;  // "no reply to ID 3 within 5 s", "the helper closed its stdout ..."
  explicit operator bool() const { return response.has_value(); }
  const wire::Response* operator->() const { return &*response; }
};

// How a helper is started, beyond its command line.
struct StartOptions {
  bool ignore_sigxfsz = false;              // for storage faults (proc::SpawnOptions)
  std::optional<uint64_t> file_size_limit;  // RLIMIT_FSIZE from the start, in bytes
};

class Session {
 public:
  // Replies to IDs never sent (or answered twice) read before the session
  // gives up on the helper and kills it; only the first kKeptProblems
  // problems are kept.
  static constexpr size_t kMaxStrayReplies = 1000;
  static constexpr size_t kKeptProblems = 20;

  // Starts `argv` in `cwd`. Returns nullptr and sets `error` when it cannot
  // be started. `label` names the helper in transcript events ("helper 2").
  // Requests are written in `dialect`; replies are decoded as `profile`'s go
  // decodes them (its error texts).
  static std::unique_ptr<Session> start(const std::vector<std::string>& argv, const std::string& cwd,
                                        wire::Dialect dialect, runner::CaseContext& ctx, const std::string& label,
                                        std::string& error, const StartOptions& options = {},
                                        const client::Profile& profile = client::Profile::newest());
  ~Session();  // closes stdin, a short grace, then kills the process group
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // The first message the helper wrote, waiting up to `timeout` for it.
  Reply first_message(Clock::duration timeout);
  // Time from start to the first message (once it came).
  std::optional<Clock::duration> first_message_delay() const;

  int64_t next_id() { return next_id_++; }  // 1, 2, 3, ... as go assigns them
  wire::Dialect dialect() const { return dialect_; }

  // Writes a request (and, for BodySize > 0, the body line). False, with the
  // reason in `error`, when the helper stopped reading.
  bool send(const wire::Request& req, std::string_view body, std::string& error);
  // A put whose body is streamed from `body` piece by piece (large bodies).
  bool send_streamed_put(const wire::Request& req, const PatternBody& body, std::string& error);
  // Raw bytes, e.g. hostile input. `expect_id` marks an ID a reply may carry.
  bool send_raw(std::string_view bytes, std::optional<int64_t> expect_id, std::string& error);

  // The reply to `id`, waiting up to `timeout`.
  Reply await(int64_t id, Clock::duration timeout);
  // A request and its reply, in one step.
  Reply put(std::string_view action_id, std::string_view body, Clock::duration timeout);
  Reply get(std::string_view action_id, Clock::duration timeout);
  Reply close(Clock::duration timeout);

  void close_stdin();
  // True when stdout reached EOF within `timeout`.
  bool wait_stdout_eof(Clock::duration timeout);
  // True when stderr reached EOF within `timeout`: after an exit, everything
  // the helper wrote there is then in stderr_text().
  bool wait_stderr_eof(Clock::duration timeout);
  std::optional<proc::ExitStatus> wait_exit(Clock::duration timeout);
  void kill();  // SIGKILL the group and reap
  // The helper's RLIMIT_FSIZE from now on (nullopt: none); start it with
  // ignore_sigxfsz so a write past it fails with EFBIG. False with `error`.
  bool set_file_size_limit(std::optional<uint64_t> bytes, std::string& error);

  // "" unless the helper has ended in a crash (proc::crash_report: a signal
  // we did not send, a Go panic, a sanitizer report, ...), waiting up to
  // `timeout` for it to exit once its stdout has ended.
  std::string crash(Clock::duration timeout);
  // How it ended, for messages: "exit status 1; its stderr: ...", a crash
  // report, or "" while it runs (waits up to `timeout` for the exit).
  std::string how_it_ended(Clock::duration timeout);

  // Fatal-to-go events seen on stdout so far (empty: clean).
  std::vector<std::string> problems() const;
  bool stdout_eof() const;
  // The first and last 32 KiB of it, with the count of bytes between.
  std::string stderr_text() const;
  // The helper's peak RSS in KiB (VmHWM, read live from /proc; 0 once it has
  // exited). Not ru_maxrss: that also counts the harness's own pages in the
  // forked child before exec.
  int64_t peak_rss_kib() const;
  size_t replies_received() const;
  pid_t pid() const;

 private:
  Session(runner::CaseContext& ctx, wire::Dialect dialect, std::string label, const client::Profile& profile);
  void read_stdout_loop();
  void read_stderr_loop();
  void on_response(wire::Response r);
  // From the reader (mu_ held): stops reading, notes why in the transcript
  // and SIGKILLs the helper's group. The caller records the problem.
  void give_up_locked(const std::string& why);
  bool write(std::string_view bytes, std::string& error);
  Clock::time_point deadline_after(Clock::duration d) const;
  std::string no_reply_reason(int64_t id, Clock::duration waited);

  runner::CaseContext& ctx_;
  wire::Dialect dialect_;
  std::string label_;
  client::Profile profile_;
  std::unique_ptr<proc::Child> child_;
  proc::Interrupt stop_;
  std::thread stdout_thread_, stderr_thread_;
  std::mutex write_mu_;
  int64_t next_id_ = 1;
  Clock::time_point started_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::optional<wire::Response> first_;
  std::optional<Clock::duration> first_delay_;
  std::set<int64_t> sent_;
  std::map<int64_t, wire::Response> replies_;
  std::vector<std::string> problems_;
  size_t stray_replies_ = 0;
  bool gave_up_ = false;
  bool eof_ = false;
  bool stderr_eof_ = false;
  bool killed_ = false;  // by us: a reply cut short is then no problem of the helper's
  proc::CappedText stderr_;
  // Shared with the cancel callback, which may outlive this object.
  struct CancelHook {
    std::mutex mu;
    Session* session = nullptr;
  };
  std::shared_ptr<CancelHook> hook_ = std::make_shared<CancelHook>();
};

}  // namespace cph::session
