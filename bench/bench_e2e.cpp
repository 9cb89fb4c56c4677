// End-to-end runner: the harness's client (client::ProgCache, the port of Go's
// ProgCache) against a real helper process over real pipes. Prints one JSON
// object per run on stdout, for scripts/bench.sh to tabulate.
//
//   bench_e2e roundtrip --helper CMD [--inflight N] [--seconds S]
//       N threads each call Get in a loop on their own small object (a hit),
//       so N requests are in flight at once, as N build goroutines would.
//   bench_e2e put --helper CMD --size BYTES [--count K]
//       K puts of BYTES each; above 16 MiB the body comes from a file
//       (put_file streams it), so no process holds it whole.
//   bench_e2e pipeline --helper CMD [--inflight N] [--requests M]
//       No client: one thread writes get requests (at most N unanswered),
//       another decodes the replies. Measures what the helper alone can do.
//   bench_e2e rawput --helper CMD --size BYTES
//       No client: one put whose body is generated, encoded and streamed in
//       1 MiB pieces, so the helper's cost is measured without the client's.
//   bench_e2e pipe --size BYTES
//       No helper: BYTES through a pipe to a child process that discards
//       them (64 KiB writes as the client makes, a 1 MiB pipe and 1 MiB
//       reads as cph-fake sets up). What a put's body line cannot beat.
//   bench_e2e lifecycle --helper CMD [--count K]
//       K helper lives with no request but close: spawn to handshake, the
//       close round trip, close reply to stdout EOF. The go command waits
//       for all three at every run (Go's Close returns at stdout EOF).
//
// CMD is a GOCACHEPROG value, e.g. "cph-fake --dir /tmp/x". Not a Google
// Benchmark program: each run is one long measurement of whole processes.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "client/prog_cache.hpp"
#include "proc/child.hpp"
#include "wire/base64_fast.hpp"
#include "wire/encoders.hpp"
#include "wire/response_decoder.hpp"
#include "wire/sha256.hpp"

namespace {

namespace fs = std::filesystem;
using cph::client::ClientOptions;
using cph::client::ProgCache;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

std::string g_label;  // --label: a name for the run, echoed into its result

double cpu_seconds(int who) {
  rusage ru{};
  getrusage(who, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// CPU time of this process over the measured period (on a loaded machine
// wall time says little; CPU seconds per request say what a core can do).
double g_cpu_start = 0, g_cpu_stop = 0;
void measure_start() { g_cpu_start = cpu_seconds(RUSAGE_SELF); }
void measure_stop() { g_cpu_stop = cpu_seconds(RUSAGE_SELF); }

// A running process's CPU seconds so far, all its threads (/proc/PID/stat:
// utime and stime, in clock ticks), or -1.
double process_cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t end_of_name = stat.rfind(')');  // the name may hold spaces
  if (end_of_name == std::string::npos) return -1;
  std::istringstream fields(stat.substr(end_of_name + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i >= 14) ticks += std::stod(field);  // utime, stime
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// Call after the helper is reaped: its CPU time is then in RUSAGE_CHILDREN.
// helper_cpu_s is that, its whole life, unless the run measured the helper
// over the measured period alone (then helper_cpu_total_s is its whole life).
void emit(Json j) {
  j["label"] = g_label;
  j["client_cpu_s"] = g_cpu_stop - g_cpu_start;
  j[j.contains("helper_cpu_s") ? "helper_cpu_total_s" : "helper_cpu_s"] = cpu_seconds(RUSAGE_CHILDREN);
  std::cout << j.dump() << std::endl;
}

int64_t self_peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

std::string action_id(uint64_t n) {
  std::string s(32, '\0');
  std::mt19937_64 rng(n * 2654435761u + 1);
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

std::unique_ptr<ProgCache> start(const std::string& helper) {
  ClientOptions opts;
  opts.command = helper;
  opts.on_stderr = [](std::string_view s) { std::cerr << s; };
  opts.reply_timeout = std::chrono::milliseconds(60000);
  opts.write_stall_timeout = std::chrono::milliseconds(60000);
  opts.close_timeout = std::chrono::milliseconds(60000);
  auto pc = ProgCache::start(opts);
  if (!pc->start_outcome().is_ok()) {
    std::cerr << "bench_e2e: helper did not start: " << pc->start_outcome().to_string() << "\n";
    std::exit(1);
  }
  return pc;
}

// Samples the helper's VmHWM while it runs (it is also read at reaping).
class RssSampler {
 public:
  explicit RssSampler(cph::proc::Child* child) : child_(child), thread_([this] { run(); }) {}
  ~RssSampler() {
    stop_ = true;
    thread_.join();
  }

 private:
  void run() {
    while (!stop_) {
      child_->sample_rss();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // sampling period, not synchronisation
    }
  }
  cph::proc::Child* child_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Closes the session and returns the helper's peak RSS.
int64_t finish(ProgCache& pc) {
  pc.close();
  pc.wait_helper_exit(std::chrono::milliseconds(10000));
  return pc.child() ? pc.child()->peak_rss_kib() : 0;
}

double percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t i = std::min(sorted.size() - 1, static_cast<size_t>(p * static_cast<double>(sorted.size())));
  return sorted[i];
}

int roundtrip(const std::string& helper, int inflight, double run_seconds, size_t object_size) {
  auto pc = start(helper);
  const std::string body(object_size, 'x');
  for (int t = 0; t < inflight; ++t) {
    auto r = pc->put(action_id(static_cast<uint64_t>(t)), body);
    if (!r.outcome.is_ok()) {
      std::cerr << "bench_e2e: setup put failed: " << r.outcome.to_string() << "\n";
      return 1;
    }
  }
  std::vector<std::vector<double>> lat(static_cast<size_t>(inflight));
  std::atomic<int64_t> failures{0};
  std::string first_failure;
  std::mutex failure_mu;
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < inflight; ++t) {
    threads.emplace_back([&, t] {
      const std::string id = action_id(static_cast<uint64_t>(t));
      auto& mine = lat[static_cast<size_t>(t)];
      mine.reserve(4096);
      ++ready;
      while (!go) std::this_thread::yield();  // start line: every thread at once
      while (!stop) {
        const auto t0 = Clock::now();
        auto r = pc->get(id);
        mine.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
        if (!r.outcome.is_ok()) {
          if (failures++ == 0) {
            std::lock_guard lock(failure_mu);
            first_failure = r.outcome.to_string();
          }
        }
      }
    });
  }
  while (ready < inflight) std::this_thread::yield();
  // The helper's CPU over the measured period alone: the setup puts above
  // (file creation, about 1 ms each) are no part of a get's cost.
  const pid_t helper_pid = pc->child()->pid();
  const double helper_cpu_start = process_cpu_seconds(helper_pid);
  measure_start();
  const auto t0 = Clock::now();
  go = true;
  std::this_thread::sleep_for(std::chrono::duration<double>(run_seconds));  // the measured period
  stop = true;
  for (auto& th : threads) th.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  measure_stop();
  const double helper_cpu = process_cpu_seconds(helper_pid) - helper_cpu_start;
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  const int64_t helper_rss = finish(*pc);
  Json j{{"kind", "roundtrip"},
         {"helper", helper},
         {"inflight", inflight},
         {"requests", all.size()},
         {"seconds", seconds},
         {"rps", static_cast<double>(all.size()) / seconds},
         {"p50_us", percentile(all, 0.50)},
         {"p99_us", percentile(all, 0.99)},
         {"failures", failures.load()},
         {"first_failure", first_failure},
         {"helper_cpu_s", helper_cpu},
         {"helper_peak_rss_kib", helper_rss},
         {"client_peak_rss_kib", self_peak_rss_kib()}};
  emit(j);
  return failures == 0 ? 0 : 1;
}

// Writes `size` pseudo-random bytes to `path` in 1 MiB pieces.
void write_body_file(const fs::path& path, int64_t size) {
  std::ofstream f(path, std::ios::binary);
  std::string chunk(1 << 20, '\0');
  std::mt19937_64 rng(7);
  for (int64_t left = size; left > 0;) {
    for (size_t i = 0; i + 8 <= chunk.size(); i += 8) {
      const uint64_t v = rng();
      std::memcpy(chunk.data() + i, &v, 8);
    }
    const auto n = static_cast<std::streamsize>(std::min<int64_t>(left, static_cast<int64_t>(chunk.size())));
    f.write(chunk.data(), n);
    left -= n;
  }
  if (!f) throw std::runtime_error("cannot write " + path.string());
}

int put(const std::string& helper, int64_t size, int64_t count, const std::string& tmp_dir) {
  constexpr int64_t kInMemoryMax = 16 << 20;
  fs::path file;
  std::string body;
  if (size > kInMemoryMax) {
    file = fs::path(tmp_dir) / ("body-" + std::to_string(size));
    write_body_file(file, size);
    ::sync();  // else its writeback throttles the helper's writes in the measured period
  } else {
    std::mt19937_64 rng(7);
    body.resize(static_cast<size_t>(size));
    for (auto& c : body) c = static_cast<char>(rng() & 0xff);
  }
  // The client's first pass alone (SHA-256 for the OutputID, as Go's Put
  // does before it sends anything): part of every put, timed on its own.
  const auto h0 = Clock::now();
  if (file.empty()) {
    cph::wire::sha256(body);
  } else {
    cph::wire::Sha256 h;
    std::ifstream in(file, std::ios::binary);
    std::vector<char> buf(64 << 10);  // the client's read size
    while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0)
      h.update(std::string_view(buf.data(), static_cast<size_t>(in.gcount())));
    h.digest();
  }
  const double sha256_seconds = std::chrono::duration<double>(Clock::now() - h0).count();
  auto pc = start(helper);
  int64_t failures = 0;
  std::string first_failure;
  double seconds = 0;
  {
    RssSampler sampler(pc->child());
    measure_start();
    const auto t0 = Clock::now();
    for (int64_t i = 0; i < count; ++i) {
      const std::string id = action_id(static_cast<uint64_t>(i) + 1000000);
      auto r = file.empty() ? pc->put(id, body) : pc->put_file(id, file.string());
      if (!r.outcome.is_ok() && failures++ == 0) first_failure = r.outcome.to_string();
    }
    seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    measure_stop();
  }
  const int64_t helper_rss = finish(*pc);
  if (!file.empty()) fs::remove(file);
  Json j{{"kind", "put"},
         {"helper", helper},
         {"size", size},
         {"count", count},
         {"seconds", seconds},
         {"bytes_per_second", static_cast<double>(size) * static_cast<double>(count) / seconds},
         {"us_per_put", seconds * 1e6 / static_cast<double>(count)},
         {"sha256_seconds_per_put", sha256_seconds},
         {"failures", failures},
         {"first_failure", first_failure},
         {"helper_peak_rss_kib", helper_rss},
         {"client_peak_rss_kib", self_peak_rss_kib()}};
  emit(j);
  return failures == 0 ? 0 : 1;
}

// A helper on raw pipes, after its handshake.
struct RawHelper {
  std::unique_ptr<cph::proc::Child> child;
  cph::wire::ResponseStreamDecoder decoder;
  std::vector<char> buf = std::vector<char>(1 << 16);

  explicit RawHelper(const std::string& helper) {
    std::string err;
    cph::proc::SpawnOptions so;
    std::istringstream words(helper);  // the runner's own commands have no quoting
    for (std::string w; words >> w;) so.argv.push_back(w);
    so.pipe_stderr = false;
    child = cph::proc::Child::spawn(so, err);
    if (!child) throw std::runtime_error("spawn: " + err);
    cph::wire::Response r;
    if (!next(r) || r.id != 0) throw std::runtime_error("no handshake");
  }
  // The next reply (false at EOF or on a decode error, which is reported).
  bool next(cph::wire::Response& r) {
    std::string err;
    for (;;) {
      switch (decoder.next(r, err)) {
        case cph::wire::ResponseStreamDecoder::Status::value: return true;
        case cph::wire::ResponseStreamDecoder::Status::error: std::cerr << "bench_e2e: " << err << "\n"; return false;
        case cph::wire::ResponseStreamDecoder::Status::eof: return false;
        case cph::wire::ResponseStreamDecoder::Status::need_more: break;
      }
      auto res = child->read_stdout(buf.data(), buf.size(), cph::proc::deadline_in(std::chrono::seconds(60)));
      if (res.status != cph::proc::IoStatus::ok) {
        decoder.finish();
        if (res.status != cph::proc::IoStatus::eof) return false;
      } else {
        decoder.feed(std::string_view(buf.data(), res.bytes));
      }
    }
  }
  bool write(std::string_view bytes) {
    return child->write_stdin(bytes, cph::proc::deadline_in(std::chrono::seconds(60))).status ==
           cph::proc::IoStatus::ok;
  }
  // Go's Close, in its three steps (lifecycle times them apart): the close
  // exchange, then stdin closed and stdout read to EOF, then the exit.
  bool close_exchange(int64_t id) {
    cph::wire::Request c;
    c.id = id;
    c.command = "close";
    cph::wire::Response r;
    return write(cph::wire::encode_request(c, cph::wire::Dialect::output_id)) && next(r) && r.id == id;
  }
  void read_to_eof() {
    child->close_stdin();
    cph::wire::Response r;
    while (next(r)) {
    }
  }
  // Returns the helper's peak RSS.
  int64_t close() {
    close_exchange(std::numeric_limits<int32_t>::max());
    read_to_eof();
    child->wait_until(cph::proc::deadline_in(std::chrono::seconds(10)));
    return child->peak_rss_kib();
  }
};

int pipeline(const std::string& helper, int inflight, int64_t requests) {
  RawHelper h(helper);
  using cph::wire::Request;
  Request put;
  put.id = 1;
  put.command = "put";
  put.action_id = action_id(1);
  const std::string body(100, 'x');
  put.output_id = cph::wire::sha256(body);
  put.body_size = static_cast<int64_t>(body.size());
  h.write(cph::wire::encode_request(put, cph::wire::Dialect::output_id) + cph::wire::encode_body_line(body));
  cph::wire::Response r;
  if (!h.next(r) || !r.err.empty()) throw std::runtime_error("setup put failed: " + r.err);

  std::vector<Clock::time_point> sent(static_cast<size_t>(requests) + 2);
  std::atomic<int64_t> received{0};
  std::thread writer([&] {
    Request get;
    get.command = "get";
    get.action_id = put.action_id;
    std::string batch;
    for (int64_t id = 2; id < requests + 2;) {
      while (id - 2 - received.load() >= inflight) std::this_thread::yield();  // the window is full
      batch.clear();
      const auto now = Clock::now();
      for (; id < requests + 2 && id - 2 - received.load() < inflight; ++id) {
        get.id = id;
        sent[static_cast<size_t>(id)] = now;
        batch += cph::wire::encode_request(get, cph::wire::Dialect::output_id);
      }
      if (!h.write(batch)) return;
    }
  });
  std::vector<double> lat;
  lat.reserve(static_cast<size_t>(requests));
  int64_t failures = 0;
  measure_start();
  const auto t0 = Clock::now();
  while (static_cast<int64_t>(lat.size()) < requests && h.next(r)) {
    lat.push_back(std::chrono::duration<double, std::micro>(Clock::now() - sent[static_cast<size_t>(r.id)]).count());
    if (r.miss || !r.err.empty() || r.disk_path.empty()) ++failures;
    ++received;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  writer.join();
  measure_stop();
  std::sort(lat.begin(), lat.end());
  const int64_t helper_rss = h.close();
  Json j{{"kind", "pipeline"},
         {"helper", helper},
         {"inflight", inflight},
         {"requests", lat.size()},
         {"seconds", seconds},
         {"rps", static_cast<double>(lat.size()) / seconds},
         {"p50_us", percentile(lat, 0.50)},
         {"p99_us", percentile(lat, 0.99)},
         {"failures", failures + (requests - static_cast<int64_t>(lat.size()))},
         {"helper_peak_rss_kib", helper_rss},
         {"client_peak_rss_kib", self_peak_rss_kib()}};
  emit(j);
  return failures == 0 && static_cast<int64_t>(lat.size()) == requests ? 0 : 1;
}

// The generated body: 1 MiB of pseudo-random bytes repeated.
std::string body_chunk() {
  std::string chunk(3 << 20 >> 1, '\0');  // 1.5 MiB: a multiple of 3, so chunks encode without padding
  std::mt19937_64 rng(9);
  for (auto& c : chunk) c = static_cast<char>(rng() & 0xff);
  return chunk;
}

int rawput(const std::string& helper, int64_t size) {
  const std::string chunk = body_chunk();
  cph::wire::Sha256 hash;  // first pass: the OutputID, as the client computes it
  for (int64_t left = size; left > 0; left -= static_cast<int64_t>(chunk.size()))
    hash.update(std::string_view(chunk).substr(
        0, static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(chunk.size())))));
  RawHelper h(helper);
  cph::wire::Request put;
  put.id = 1;
  put.command = "put";
  put.action_id = action_id(2);
  put.output_id = hash.digest();
  put.body_size = size;
  double seconds = 0;
  cph::wire::Response r;
  bool ok = false;
  {
    RssSampler sampler(h.child.get());
    measure_start();
    const auto t0 = Clock::now();
    std::string out = cph::wire::encode_request(put, cph::wire::Dialect::output_id) + "\"";
    for (int64_t left = size; left > 0; left -= static_cast<int64_t>(chunk.size())) {
      const size_t n = static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(chunk.size())));
      cph::base64::fast::encode_append(std::string_view(chunk).substr(0, n), out);
      if (!h.write(out)) break;
      out.clear();
    }
    h.write("\"\n");
    ok = h.next(r) && r.err.empty() && !r.disk_path.empty();
    seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    measure_stop();
  }
  const int64_t helper_rss = h.close();
  Json j{{"kind", "rawput"},
         {"helper", helper},
         {"size", size},
         {"count", 1},
         {"seconds", seconds},
         {"bytes_per_second", static_cast<double>(size) / seconds},
         {"failures", ok ? 0 : 1},
         {"first_failure", ok ? "" : r.err},
         {"helper_peak_rss_kib", helper_rss},
         {"client_peak_rss_kib", self_peak_rss_kib()}};
  emit(j);
  return ok ? 0 : 1;
}

int pipe_throughput(int64_t size) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  ::fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
  const std::string chunk(64 << 10, 'A');
  measure_start();
  const auto t0 = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::close(fds[1]);
    std::vector<char> buf(1 << 20);
    while (::read(fds[0], buf.data(), buf.size()) > 0) {
    }
    ::_exit(0);
  }
  ::close(fds[0]);
  bool ok = true;
  for (int64_t left = size; left > 0 && ok;) {
    const ssize_t n =
        ::write(fds[1], chunk.data(), static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(chunk.size()))));
    if (n > 0) left -= n;
    ok = n > 0 || errno == EINTR;
  }
  ::close(fds[1]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  measure_stop();
  emit(Json{{"kind", "pipe"},
            {"size", size},
            {"seconds", seconds},
            {"bytes_per_second", static_cast<double>(size) / seconds},
            {"failures", ok ? 0 : 1}});
  return ok ? 0 : 1;
}

int lifecycle(const std::string& helper, int64_t count) {
  using us = std::chrono::duration<double, std::micro>;
  std::vector<double> start, close, eof;
  measure_start();
  for (int64_t i = 0; i < count; ++i) {
    const auto t0 = Clock::now();
    RawHelper h(helper);  // returns once the handshake is read
    const auto t1 = Clock::now();
    if (!h.close_exchange(1)) throw std::runtime_error("no reply to close");
    const auto t2 = Clock::now();
    h.read_to_eof();
    const auto t3 = Clock::now();
    h.child->wait_until(cph::proc::deadline_in(std::chrono::seconds(10)));
    start.push_back(us(t1 - t0).count());
    close.push_back(us(t2 - t1).count());
    eof.push_back(us(t3 - t2).count());
  }
  measure_stop();
  for (auto* v : {&start, &close, &eof}) std::sort(v->begin(), v->end());
  const double start_us = percentile(start, 0.50), close_us = percentile(close, 0.50), eof_us = percentile(eof, 0.50);
  emit(Json{{"kind", "lifecycle"},
            {"helper", helper},
            {"count", count},
            {"start_us", start_us},
            {"close_us", close_us},
            {"eof_us", eof_us},
            {"total_us", start_us + close_us + eof_us}});
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"end-to-end GOCACHEPROG benchmarks: the harness client against a helper"};
  app.require_subcommand(1);
  std::string helper = CPH_FAKE_BIN;
  int inflight = 64;
  int64_t requests = 200000;
  double run_seconds = 3;
  size_t object_size = 100;
  int64_t size = 1 << 20;
  int64_t count = 1;
  std::string tmp_dir = fs::temp_directory_path().string();
  auto* rt = app.add_subcommand("roundtrip", "N threads doing get hits at once");
  rt->add_option("--helper", helper, "GOCACHEPROG command");
  rt->add_option("--inflight", inflight, "threads, so requests in flight")->check(CLI::Range(1, 4096));
  rt->add_option("--seconds", run_seconds, "how long the threads run");
  rt->add_option("--object-size", object_size, "bytes of each cached object");
  auto* pt = app.add_subcommand("put", "puts of one size, one at a time");
  pt->add_option("--helper", helper, "GOCACHEPROG command");
  pt->add_option("--size", size, "body bytes")->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  pt->add_option("--count", count, "how many puts")->check(CLI::Range(int64_t{1}, int64_t{1} << 30));
  pt->add_option("--tmp", tmp_dir, "where to write a large body file");
  auto* pl = app.add_subcommand("pipeline", "raw pipes, no client: get hits with N in flight");
  pl->add_option("--helper", helper, "helper command (split on spaces)");
  pl->add_option("--inflight", inflight, "requests in flight")->check(CLI::Range(1, 1 << 20));
  pl->add_option("--requests", requests, "total gets");
  auto* rp = app.add_subcommand("rawput", "raw pipes, no client: one put of a generated body");
  rp->add_option("--helper", helper, "helper command (split on spaces)");
  rp->add_option("--size", size, "body bytes")->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  auto* pp = app.add_subcommand("pipe", "no helper: bytes through a pipe to a child that discards them");
  pp->add_option("--size", size, "bytes")->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  auto* lc = app.add_subcommand("lifecycle", "helper start and close, no other request (medians)");
  lc->add_option("--helper", helper, "helper command (split on spaces)");
  lc->add_option("--count", count, "how many helper lives")->check(CLI::Range(int64_t{1}, int64_t{100000}));
  app.add_option("--label", g_label, "a name for this run, echoed into the result")->expected(1);
  CLI11_PARSE(app, argc, argv);
  try {
    if (rt->parsed()) return roundtrip(helper, inflight, run_seconds, object_size);
    if (pl->parsed()) return pipeline(helper, inflight, requests);
    if (rp->parsed()) return rawput(helper, size);
    if (pp->parsed()) return pipe_throughput(size);
    if (lc->parsed()) return lifecycle(helper, count);
  } catch (const std::exception& e) {
    std::cerr << "bench_e2e: " << e.what() << "\n";
    return 1;
  }
  return put(helper, size, count, tmp_dir);
}
