// cph-floor-helper DIR: the least a GOCACHEPROG helper can do, as a baseline
// for `go build` through GOCACHEPROG. It serves gets from a cph-fake store
// (fake::Store, the same files) on one thread with blocking I/O: read,
// look up, write the reply, nothing else: no threads, scripts, stats or
// puts (it declares get and close only, so go puts nothing). What a warm build
// costs with it over Go's default cache is what Go's side of the protocol
// costs, plus the smallest helper; cph-fake's cost is measured against it.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "proc/fd_io.hpp"
#include "store.hpp"
#include "wire/encoders.hpp"
#include "wire/request_reader.hpp"

namespace {

bool write_out(std::string_view s) {
  return cph::proc::write_all(1, s, cph::proc::no_deadline()).status == cph::proc::IoStatus::ok;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: cph-floor-helper DIR (a cph-fake store)\n");
    return 2;
  }
  cph::fake::Store store(argv[1]);
  cph::wire::Response hello;
  hello.known_commands = {"get", "close"};
  if (!write_out(cph::wire::encode_response(hello))) return 1;
  bool closed = false;
  cph::wire::RequestStreamReader reader(cph::wire::RequestStreamReader::Mode::tolerant,
                                        {[&](const cph::wire::Request& req) {
                                           cph::wire::Response res;
                                           res.id = req.id;
                                           if (req.command == "get") {
                                             if (auto e = store.get(req.action_id)) {
                                               res.output_id = e->output_id;
                                               res.size = e->size;
                                               res.time = e->time;
                                               res.disk_path = e->disk_path;
                                             } else {
                                               res.miss = true;
                                             }
                                           } else if (req.command == "close") {
                                             closed = true;
                                           } else {
                                             res.err = "cph-floor-helper: only get and close";
                                           }
                                           write_out(cph::wire::encode_response(res));
                                         },
                                         [](std::string_view) {}, [] {}});
  std::vector<char> buf(64 << 10);
  while (!closed) {
    const ssize_t n = ::read(0, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (reader.feed(std::string_view(buf.data(), static_cast<size_t>(n))) !=
        cph::wire::RequestStreamReader::Status::ok) {
      std::fprintf(stderr, "cph-floor-helper: %s\n", reader.error().c_str());
      return 1;
    }
  }
  ::close(1);  // Go's Close returns at our stdout's EOF: before the process is torn down
  return 0;
}
