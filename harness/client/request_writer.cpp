#include "client/request_writer.hpp"

#include <algorithm>
#include <cerrno>

#include "proc/look_path.hpp"
#include "wire/base64.hpp"
#include "wire/encoders.hpp"
#include "wire/sha256.hpp"

namespace cph::client {

void RequestWriter::wait_pipe_free(std::unique_lock<std::mutex>& lock) {
  // The holder's every write has a deadline, so this wait ends.
  pipe_free_.wait(lock, [this] { return !writing_; });
}

void RequestWriter::write_alone(const wire::Request& req, BodySource& body, const std::shared_ptr<Slot>& slot) {
  {
    std::unique_lock<std::mutex> lock(pipe_mu_);
    wait_pipe_free(lock);
    writing_ = true;
  }
  const Queued self{slot, req.id, 0};
  if (!fail_if_ended({&self, 1})) {
    std::string error;
    bool hung = false;
    if (!write_error_.empty()) {
      error = write_error_;  // bufio.Writer's error is sticky
    } else if (body.rewind(error)) {
      error = write_request(req, body, hung);
      if (!error.empty() && !hung) write_error_ = error;
    }
    if (error.empty()) {
      slot->settle(Slot::Write::written, Clock::now());
    } else {
      fail_unsent({&self, 1}, error, hung);
    }
  }
  write_pending_and_release();  // small requests that came meanwhile
}

void RequestWriter::write_combined(const wire::Request& req, const std::shared_ptr<Slot>& slot) {
  const std::string bytes = wire::encode_request(req, opts_.profile.dialect());
  {
    std::lock_guard<std::mutex> lock(pipe_mu_);
    pending_ += bytes;
    queued_.push_back(Queued{slot, req.id, pending_.size()});
    if (writing_) return;
    writing_ = true;
  }
  write_pending_and_release();
}

void RequestWriter::close_stdin() {
  std::unique_lock<std::mutex> lock(pipe_mu_);
  wait_pipe_free(lock);
  child_.close_stdin();
}

void RequestWriter::write_pending_and_release() {
  std::unique_lock<std::mutex> lock(pipe_mu_);
  while (!pending_.empty()) {
    batch_.swap(pending_);
    batch_queued_.swap(queued_);
    lock.unlock();
    write_batch(batch_, batch_queued_);
    batch_.clear();
    batch_queued_.clear();
    lock.lock();
  }
  writing_ = false;
  lock.unlock();
  pipe_free_.notify_all();
}

// What each request of the batch would have met taking Go's writeMu in turn:
// the session's end, bufio's sticky error, or its own write's outcome.
void RequestWriter::write_batch(std::string_view bytes, const std::vector<Queued>& batch) {
  if (fail_if_ended(batch)) return;
  size_t written = 0;  // whole requests sent
  std::string error = write_error_;
  bool hung = false;
  if (error.empty()) {
    const proc::IoResult r = write_raw(bytes, true);
    while (written < batch.size() && batch[written].end <= r.bytes) ++written;
    if (r.status != proc::IoStatus::ok) error = write_error_text(r, batch[written].id, hung);
  }
  const auto now = Clock::now();
  for (size_t i = 0; i < written; ++i) batch[i].slot->settle(Slot::Write::written, now);
  if (written == batch.size()) return;
  if (!hung) write_error_ = error;
  fail_unsent(std::span<const Queued>(batch).subspan(written), error, hung);
}

// The session ended before these requests' turn at the pipe (a fatal, or a
// writer before them stalled for good): they fail unsent, as Go's would.
bool RequestWriter::fail_if_ended(std::span<const Queued> requests) {
  const Outcome early = table_.early_outcome();
  if (early.is_ok()) return false;
  const auto now = Clock::now();
  for (const Queued& q : requests) q.slot->settle(Slot::Write::failed, now, early);
  return true;
}

// A write failed before these requests' bytes went out whole. A stall is for
// good (go holds writeMu forever: nobody can send again); any other error
// takes them out of the in-flight table.
void RequestWriter::fail_unsent(std::span<const Queued> requests, const std::string& error, bool hung) {
  if (hung) {
    table_.hang_for_good(error);
  } else {
    std::vector<int64_t> ids;
    for (const Queued& q : requests) ids.push_back(q.id);
    table_.remove(ids);
  }
  const Outcome why = hung ? Outcome::hang(error) : Outcome::error(error);
  const auto now = Clock::now();
  for (const Queued& q : requests) q.slot->settle(Slot::Write::failed, now, why);
}

proc::IoResult RequestWriter::write_raw(std::string_view bytes, bool record) {
  proc::IoResult out;
  while (out.bytes < bytes.size()) {
    // A deadline per chunk: a slow reader is fine, a stalled one is a hang.
    const size_t n = std::min(kChunk, bytes.size() - out.bytes);
    const proc::IoResult r =
        child_.write_stdin(bytes.substr(out.bytes, n), proc::deadline_in(opts_.write_stall_timeout), &write_stop_);
    if (r.bytes > 0 && record) transcript_.bytes(wire::Direction::to_helper, bytes.substr(out.bytes, r.bytes));
    out.bytes += r.bytes;
    if (r.status != proc::IoStatus::ok) {
      out.status = r.status;
      out.error = r.error;
      return out;
    }
  }
  return out;
}

std::string RequestWriter::write_error_text(const proc::IoResult& r, int64_t id, bool& hung) const {
  if (r.status == proc::IoStatus::timeout) {
    hung = true;
    return "write to GOCACHEPROG stalled for " + seconds_text(opts_.write_stall_timeout) + " (request ID " +
           std::to_string(id) + "): the helper is not reading its stdin; go would block forever";
  }
  if (r.status == proc::IoStatus::interrupted || r.error == EBADF) {
    return "write |1: file already closed";  // os.File's error after in.Close()
  }
  return "write |1: " + proc::errno_text(r.error);
}

// Go's writeToChild after the ID is assigned: the request, then the body.
// Returns the error text ("" on success); `hung` when a write stalled.
std::string RequestWriter::write_request(const wire::Request& req, BodySource& body, bool& hung) {
  std::string error;
  uint64_t sent = 0;  // this request's bytes the pipe took
  auto send_bytes = [&](std::string_view bytes, bool record) {
    const proc::IoResult r = write_raw(bytes, record);
    sent += r.bytes;
    if (r.status == proc::IoStatus::ok) return true;
    error = write_error_text(r, req.id, hung);
    return false;
  };
  const std::string header = wire::encode_request(req, opts_.profile.dialect());
  auto failed = [&] { return ignored_base64_close_error(req, header.size(), sent, hung, error) ? "" : error; };
  if (!send_bytes(header, true)) return failed();
  if (req.body_size <= 0) return "";
  // The line is '"' + base64 + '"' + '\n'; above the limit only its summary is kept.
  const uint64_t line_bytes = 4 * ((static_cast<uint64_t>(req.body_size) + 2) / 3) + 3;
  const bool record = line_bytes <= opts_.transcript_body_limit;
  if (!record) {
    transcript_.event(
        "body-line",
        {{"id", req.id}, {"bytes", line_bytes}, {"body_size", req.body_size}, {"sha256", wire::to_hex(req.output_id)}});
  }
  std::string pending = "\"";
  bool ok = true;
  base64::StreamEncoder enc([&](std::string_view text) { pending.append(text); });
  std::vector<char> buf(kChunk);
  int64_t wrote = 0;
  std::string read_error;
  while (ok) {
    const int64_t n = body.read(buf.data(), buf.size(), read_error);
    if (n < 0) return read_error;
    if (n == 0) break;
    wrote += n;
    enc.feed(std::string_view(buf.data(), static_cast<size_t>(n)));
    if (pending.size() >= kChunk) {
      ok = send_bytes(pending, record);
      pending.clear();
    }
  }
  if (!ok) return failed();
  enc.finish();
  if (wrote != req.body_size) {
    // Go returns here without the closing quote: the stream is left broken.
    if (!send_bytes(pending, record)) return failed();
    const char* what = opts_.profile.dialect() == wire::Dialect::object_id ? "object" : "output";
    return "short write writing body to GOCACHEPROG for action " + wire::to_hex(req.action_id) + ", " + what + " " +
           wire::to_hex(req.output_id) + ": wrote " + std::to_string(wrote) + "; expected " +
           std::to_string(req.body_size);
  }
  pending += "\"\n";
  if (!send_bytes(pending, record)) return failed();
  return "";
}

// Go writes a request through a 4096-byte bufio.Writer, empty at the start
// (each request ends with a Flush): header, '"', the base64 encoder's output,
// and, when BodySize % 3 != 0, the encoder's last 4 bytes from e.Close() at
// offset P. A flush happens at each 4096 boundary, when the next write finds
// the buffer full; the first to fail returns the error. Close's write makes
// the flush of the boundary B in [P, P+4), and Go 1.21-1.26 ignore its error
// (`return nil`): the put then waits for a reply as if sent, and bufio's
// error stays for the next request. Our writes failed at byte `sent`, so
// Go's first failing flush is the one of the boundary after it.
bool RequestWriter::ignored_base64_close_error(const wire::Request& req, size_t header_size, uint64_t sent, bool hung,
                                               const std::string& error) {
  constexpr uint64_t kBufio = 4096;
  if (hung || !opts_.profile.ignores_base64_close_error() || req.body_size % 3 == 0) return false;
  const uint64_t tail = header_size + 1 + static_cast<uint64_t>(req.body_size / 3) * 4;  // P
  const uint64_t boundary = (sent / kBufio + 1) * kBufio;                                // B
  if (boundary < tail || boundary >= tail + 4) return false;
  write_error_ = error;  // bufio.Writer's error is sticky
  transcript_.event("write-error-ignored",
                    {{"id", req.id},
                     {"error", error},
                     {"why", "go " + opts_.profile.name() + " ignores the base64 encoder's Close error"}});
  return true;
}

}  // namespace cph::client
