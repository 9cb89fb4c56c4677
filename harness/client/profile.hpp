// Client profiles: which Go release's ProgCache the client behaves like.
// This is the one table of Go releases in the tool: every command, file
// format and report parses a Go version through Profile::parse and asks a
// Profile for what differs between releases. The rows, with their sources,
// are in profile.cpp; docs/go-versions.md tells how each was established.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/messages.hpp"

namespace cph::client {

enum class ProfileId { go1_21, go1_24, go1_25, go1_26, go1_27 };

struct Profile {
  ProfileId id = ProfileId::go1_26;
  bool objectid_experiment = false;  // go1.24 only: also send ObjectID

  wire::Dialect dialect() const;
  std::string response_struct() const;  // "ProgResponse" or "Response"
  // Go 1.21-1.23: readLoop returns at EOF while closing without waking the
  // pending close request (#70848).
  bool close_deadlocks_on_exit() const;
  // Go 1.24-1.26: writeToChild returns errCacheprogClosed once the read loop
  // has ended (inFlight nil) without unlocking c.mu: every later call blocks.
  bool leaks_mutex_after_read_loop() const;
  // Go 1.21-1.26: writeToChild returns nil when closing the body's base64
  // encoder fails (its last bytes filled bufio's buffer and the flush
  // failed): the put then waits for a reply as if it had been sent.
  bool ignores_base64_close_error() const;
  // Go 1.24+: GOCACHEPROG works without GOEXPERIMENT=cacheprog (Go 1.21-1.23
  // read it only under that experiment: cmd/go/internal/cache/default.go,
  // initDefaultCache, `if cfg.Experiment.CacheProg`).
  bool gocacheprog_by_default() const;
  // Which encoding/json reads the helper's replies: v2 from Go 1.27 on.
  wire::JsonDialect json_dialect() const;
  std::string name() const;  // "go1.21", "go1.24", "go1.24+objectid", ...
  // The Go releases this profile stands for: "go1.21-go1.23", "go1.24",
  // "go1.24 (GOEXPERIMENT=cacheprog)", ..., "go1.27+".
  std::string releases() const;

  // Parses "go1.21".."go1.27" (go1.22 and go1.23 map to go1.21's behaviour,
  // newer minors to go1.27) and "go1.24+objectid".
  static std::optional<Profile> parse(std::string_view name);
  // Every profile, oldest first (without the +objectid variant).
  static const std::vector<Profile>& all();
  static Profile newest();
  // "go1.21, go1.24, go1.25, go1.26, go1.27", for help texts and errors.
  static std::string names_text();
  static std::vector<std::string> names();
};

}  // namespace cph::client
