// Plays the go command against a GOCACHEPROG helper with the harness's
// client: put one object, get it back checked, close. Usage:
//   cph-library-example "HELPER ARGS"   (the GOCACHEPROG value)
#include <iostream>
#include <string>

#include "client/caller_checks.hpp"
#include "client/prog_cache.hpp"

int main(int argc, char** argv) {
  if (argc != 2) return std::cerr << "usage: cph-library-example \"HELPER ARGS\"\n", 2;
  cph::client::ClientOptions options;
  options.command = argv[1];
  auto cache = cph::client::ProgCache::start(options);
  const std::string action_id(32, '\x42');
  auto put = cache->put(action_id, "hello, cache");
  auto got = cph::client::get_bytes(*cache, action_id);
  auto closed = cache->close();
  std::cout << "put: " << put.outcome.to_string() << "\nget: " << got.get.outcome.to_string() << " \"" << got.data
            << "\"\nclose: " << closed.to_string() << "\n";
  return got.data == "hello, cache" && closed.kind == cph::client::OutcomeKind::ok ? 0 : 1;
}
