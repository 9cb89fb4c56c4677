// Test support for the fake's tests: cph-fake spawned over real pipes
// (harness/proc), with a private store directory, requests encoded as `go`
// writes them, and every read bounded by a deadline.
#pragma once
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "proc/child.hpp"
#include "wire/encoders.hpp"
#include "wire/messages.hpp"
#include "wire/response_decoder.hpp"
#include "wire/sha256.hpp"

namespace cph::fake::testing {

using namespace std::chrono_literals;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "cph-fake-test-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string handshake_line() { return "{\"ID\":0,\"KnownCommands\":[\"get\",\"put\",\"close\"]}\n"; }

inline wire::Request get_req(int64_t id, std::string action) {
  wire::Request r;
  r.id = id;
  r.command = "get";
  r.action_id = std::move(action);
  return r;
}

inline wire::Request put_req(int64_t id, std::string action, std::string_view body) {
  wire::Request r;
  r.id = id;
  r.command = "put";
  r.action_id = std::move(action);
  r.output_id = wire::sha256(body);
  r.body_size = static_cast<int64_t>(body.size());
  return r;
}

inline wire::Request close_req(int64_t id) {
  wire::Request r;
  r.id = id;
  r.command = "close";
  return r;
}

// A 32-byte ActionID that starts with the given byte.
inline std::string action(unsigned char first, unsigned char fill = 0x11) {
  std::string a(32, static_cast<char>(fill));
  a[0] = static_cast<char>(first);
  return a;
}

class FakeProc {
 public:
  // Starts cph-fake with `--dir <tmp>/store` and `args`.
  explicit FakeProc(std::vector<std::string> args, const std::string& store_dir = "") {
    store_ = store_dir.empty() ? dir_.path() + "/store" : store_dir;
    std::vector<std::string> argv = {CPH_FAKE_BIN, "--dir", store_};
    argv.insert(argv.end(), args.begin(), args.end());
    proc::SpawnOptions opts;
    opts.argv = argv;
    std::string err;
    child_ = proc::Child::spawn(opts, err);
    if (!child_) throw std::runtime_error("spawn cph-fake: " + err);
  }

  proc::Child& child() { return *child_; }
  const std::string& store() const { return store_; }
  std::string tmp(const std::string& name) const { return dir_.path() + "/" + name; }
  std::string object_path(std::string_view body) const {
    return store_ + "/objects/" + wire::to_hex(wire::sha256(body));
  }

  // Writes bytes to the fake's stdin; false when not all went in time.
  bool send(std::string_view bytes, std::chrono::milliseconds limit = 10s) {
    auto r = child_->write_stdin(bytes, proc::deadline_in(limit));
    return r.status == proc::IoStatus::ok;
  }
  bool send(const wire::Request& r, std::string_view body = "", wire::Dialect d = wire::Dialect::output_id) {
    std::string bytes = wire::encode_request(r, d);
    if (r.body_size > 0) bytes += wire::encode_body_line(body);
    return send(bytes);
  }

  // Reads stdout until `done(out)` or EOF or the deadline; returns done(out).
  template <class Pred>
  bool read_until(Pred done, std::chrono::milliseconds limit = 10s) {
    auto deadline = proc::deadline_in(limit);
    char buf[65536];
    while (!done(out_)) {
      if (eof_) return false;
      auto r = child_->read_stdout(buf, sizeof buf, deadline);
      if (r.status == proc::IoStatus::ok) {
        out_.append(buf, r.bytes);
      } else if (r.status == proc::IoStatus::eof) {
        eof_ = true;
      } else {
        return false;
      }
    }
    return true;
  }
  // Reads until stdout holds at least n lines.
  bool read_lines(size_t n, std::chrono::milliseconds limit = 10s) {
    return read_until(
        [n](const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')) >= n; }, limit);
  }
  // Reads until EOF on stdout.
  bool read_to_eof(std::chrono::milliseconds limit = 10s) {
    read_until([](const std::string&) { return false; }, limit);
    return eof_;
  }
  // True when nothing more arrives on stdout for `window` (and no EOF).
  bool quiet_for(std::chrono::milliseconds window) {
    size_t before = out_.size();
    read_until([before](const std::string& s) { return s.size() > before; }, window);
    return out_.size() == before && !eof_;
  }

  // Everything read from stdout so far, and what is left after the handshake.
  const std::string& out() const { return out_; }
  std::string after_handshake() const {
    return out_.rfind(handshake_line(), 0) == 0 ? out_.substr(handshake_line().size()) : out_;
  }
  bool eof() const { return eof_; }

  // The responses read so far, decoded as go decodes them.
  std::vector<wire::Response> responses() const { return wire::decode_responses(out_).values; }

  // Closes stdin and waits for the exit.
  std::optional<proc::ExitStatus> finish(std::chrono::milliseconds limit = 10s) {
    child_->close_stdin();
    return child_->wait_until(proc::deadline_in(limit));
  }
  std::optional<proc::ExitStatus> wait(std::chrono::milliseconds limit = 10s) {
    return child_->wait_until(proc::deadline_in(limit));
  }

  // Reads stderr until EOF (the child has exited) or the deadline.
  std::string stderr_text(std::chrono::milliseconds limit = 5s) {
    auto deadline = proc::deadline_in(limit);
    char buf[4096];
    for (;;) {
      auto r = child_->read_stderr(buf, sizeof buf, deadline);
      if (r.status != proc::IoStatus::ok) break;
      err_.append(buf, r.bytes);
    }
    return err_;
  }
  // Reads stderr until it contains `text` or the deadline.
  bool stderr_has(const std::string& text, std::chrono::milliseconds limit = 5s) {
    auto deadline = proc::deadline_in(limit);
    char buf[4096];
    while (err_.find(text) == std::string::npos) {
      auto r = child_->read_stderr(buf, sizeof buf, deadline);
      if (r.status != proc::IoStatus::ok) return false;
      err_.append(buf, r.bytes);
    }
    return true;
  }

 private:
  TempDir dir_;
  std::string store_;
  std::unique_ptr<proc::Child> child_;
  std::string out_, err_;
  bool eof_ = false;
};

// Runs cph-fake with `args` and no stdin; returns (exit status, stderr).
inline std::pair<std::optional<proc::ExitStatus>, std::string> run_fake_cli(std::vector<std::string> args) {
  std::vector<std::string> argv = {CPH_FAKE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  proc::SpawnOptions opts;
  opts.argv = argv;
  std::string err;
  auto child = proc::Child::spawn(opts, err);
  if (!child) return {std::nullopt, err};
  child->close_stdin();
  std::string text, out;
  char buf[4096];
  auto deadline = proc::deadline_in(10s);
  for (;;) {
    auto r = child->read_stderr(buf, sizeof buf, deadline);
    if (r.status != proc::IoStatus::ok) break;
    text.append(buf, r.bytes);
  }
  for (;;) {
    auto r = child->read_stdout(buf, sizeof buf, deadline);
    if (r.status != proc::IoStatus::ok) break;
    out.append(buf, r.bytes);
  }
  return {child->wait_until(deadline), text + out};
}

}  // namespace cph::fake::testing
