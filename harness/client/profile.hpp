// Client profiles: which Go release's ProgCache the client behaves like.
//   go1.21  (1.21-1.23) ObjectID requests, "ProgResponse" in decode errors,
//           and the close deadlock of golang/go#70848: a helper that exits
//           after `close` without replying leaves Close waiting forever.
//   go1.24  OutputID requests (plus ObjectID when `objectid_experiment`, as
//           under GOEXPERIMENT=cacheprog), "Response", the fixed Close.
//   go1.25, go1.26  OutputID only, "Response", the fixed Close.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "wire/messages.hpp"

namespace cph::client {

enum class ProfileId { go1_21, go1_24, go1_25, go1_26 };

struct Profile {
  ProfileId id = ProfileId::go1_26;
  bool objectid_experiment = false;  // go1.24 only: also send ObjectID

  wire::Dialect dialect() const;
  std::string response_struct() const;  // "ProgResponse" or "Response"
  // Go 1.21-1.23: readLoop returns at EOF while closing without waking the
  // pending close request (#70848).
  bool close_deadlocks_on_exit() const { return id == ProfileId::go1_21; }
  std::string name() const;  // "go1.21", "go1.24", "go1.24+objectid", ...

  // Parses "go1.21".."go1.26" (go1.22 and go1.23 map to go1.21's behaviour,
  // newer minors to go1.26) and "go1.24+objectid".
  static std::optional<Profile> parse(std::string_view name);
};

}  // namespace cph::client
