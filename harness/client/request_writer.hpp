// The request writer (internal to the client: prog_cache.cpp includes it,
// prog_cache.hpp does not). Go's writeToChild from c.writeMu.Lock() on: one
// writer on the helper's stdin at a time, through a bufio.Writer whose error
// is sticky. The same bytes as Go, in fewer writes: a request without a body
// that finds the pipe busy is left for the caller holding it, who writes it
// with the others waiting in one write before letting go; a put's header and
// body go out alone, the body base64-encoded as it is read. Every write has a
// deadline (write_stall_timeout): a stall is a hang for good, as Go would
// hold writeMu forever. Go 1.21-1.26 ignore the base64 encoder's Close error
// (ignored_base64_close_error).
//
// Each request's Slot is settled once: written, or failed with the reason
// (then out of the in-flight table). The pipe lock is never held with the
// table's.
#pragma once
#include <condition_variable>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "client/body_source.hpp"
#include "client/inflight_table.hpp"
#include "client/prog_cache.hpp"
#include "proc/child.hpp"
#include "wire/messages.hpp"
#include "wire/transcript.hpp"

namespace cph::client {

class RequestWriter {
 public:
  RequestWriter(const ClientOptions& opts, wire::Transcript& transcript, proc::Child& child, InflightTable& table)
      : opts_(opts), transcript_(transcript), child_(child), table_(table) {}

  // A request with a body (put): its header and body as one unit, the pipe
  // held alone. The body is rewound first (Put's second Seek).
  void write_alone(const wire::Request& req, BodySource& body, const std::shared_ptr<Slot>& slot);
  // A request without a body: written now if the pipe is free, else by the
  // caller holding it, in one write with the others waiting.
  void write_combined(const wire::Request& req, const std::shared_ptr<Slot>& slot);
  // Close's cmd.Cancel (in.Close): closes stdin once no one is writing.
  void close_stdin();
  // Teardown: a stalled write gives up at once.
  void stop() { write_stop_.fire(); }

 private:
  struct Queued {  // a request; a small one's bytes end at `end` in the pending batch
    std::shared_ptr<Slot> slot;
    int64_t id = 0;
    size_t end = 0;
  };

  void wait_pipe_free(std::unique_lock<std::mutex>& lock);
  void write_pending_and_release();
  void write_batch(std::string_view bytes, const std::vector<Queued>& batch);
  bool fail_if_ended(std::span<const Queued> requests);
  void fail_unsent(std::span<const Queued> requests, const std::string& error, bool hung);
  std::string write_request(const wire::Request& req, BodySource& body, bool& hung);
  bool ignored_base64_close_error(const wire::Request& req, size_t header_size, uint64_t sent, bool hung,
                                  const std::string& error);
  proc::IoResult write_raw(std::string_view bytes, bool record);
  std::string write_error_text(const proc::IoResult& r, int64_t id, bool& hung) const;

  const ClientOptions& opts_;
  wire::Transcript& transcript_;
  proc::Child& child_;
  InflightTable& table_;
  proc::Interrupt write_stop_;

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
