// Client profiles: which Go release's ProgCache the client behaves like.
//   go1.21  (1.21-1.23) ObjectID requests, "ProgResponse" in decode errors,
//           and the close deadlock of golang/go#70848: a helper that exits
//           after `close` without replying leaves Close waiting forever.
//   go1.24  OutputID requests (plus ObjectID when `objectid_experiment`, as
//           under GOEXPERIMENT=cacheprog), "Response", the fixed Close.
//   go1.25, go1.26  OutputID only, "Response", the fixed Close.
//   go1.27  as go1.26, with json v2 under encoding/json (GOEXPERIMENT=jsonv2
//           on by default: its decode-error texts, wire::JsonDialect::v2), no
//           mutex left locked by a request after the read loop ended, and a
//           failed base64 close (a put body's last bytes) reported at once.
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
  bool close_deadlocks_on_exit() const { return id == ProfileId::go1_21; }
  // Go 1.24-1.26: writeToChild returns errCacheprogClosed once the read loop
  // has ended (inFlight nil) without unlocking c.mu: every later call blocks.
  bool leaks_mutex_after_read_loop() const { return id != ProfileId::go1_27; }
  // Go 1.21-1.26: writeToChild returns nil when closing the body's base64
  // encoder fails (its last bytes filled bufio's buffer and the flush
  // failed): the put then waits for a reply as if it had been sent.
  bool ignores_base64_close_error() const { return id != ProfileId::go1_27; }
  // Go 1.24+: GOCACHEPROG works without GOEXPERIMENT=cacheprog (Go 1.21-1.23
  // read it only under that experiment: cmd/go/internal/cache/default.go,
  // initDefaultCache, `if cfg.Experiment.CacheProg`).
  bool gocacheprog_by_default() const { return id != ProfileId::go1_21; }
  // Which encoding/json reads the helper's replies: v2 from Go 1.27 on.
  wire::JsonDialect json_dialect() const;
  std::string name() const;  // "go1.21", "go1.24", "go1.24+objectid", ...
  // The Go releases the profile stands for: "go1.21-go1.23", "go1.24", ...,
  // "go1.27+".
  std::string releases() const;

  // The newest profile (the default target of `cph check --go`).
  static Profile newest();
  // One profile per distinct behaviour, oldest first (no +objectid).
  static std::vector<Profile> all();

  // Parses "go1.21".."go1.27" (go1.22 and go1.23 map to go1.21's behaviour,
  // newer minors to go1.27) and "go1.24+objectid".
  static std::optional<Profile> parse(std::string_view name);
};

}  // namespace cph::client
