#include "client/profile.hpp"

#include <charconv>

namespace cph::client {

wire::Dialect Profile::dialect() const {
  switch (id) {
    case ProfileId::go1_21: return wire::Dialect::object_id;
    case ProfileId::go1_24: return objectid_experiment ? wire::Dialect::output_and_object_id : wire::Dialect::output_id;
    case ProfileId::go1_25:
    case ProfileId::go1_26:
    case ProfileId::go1_27: return wire::Dialect::output_id;
  }
  return wire::Dialect::output_id;
}

wire::JsonDialect Profile::json_dialect() const {
  return id == ProfileId::go1_27 ? wire::JsonDialect::v2 : wire::JsonDialect::v1;
}

// The struct named in Go's decode errors ("... Go struct field Response.ID").
// Go 1.21-1.23 declared ProgResponse in package cache. During the 1.24 cycle
// the types moved to package cacheprog and, before the release, lost their
// Prog prefix while the deprecated ObjectID field was still sent: copies of
// go1.24.1's prog.go build cacheprog.Request{..., ObjectID: ...}. So 1.24 on
// says Response.
std::string Profile::response_struct() const { return id == ProfileId::go1_21 ? "ProgResponse" : "Response"; }

std::string Profile::name() const {
  switch (id) {
    case ProfileId::go1_21: return "go1.21";
    case ProfileId::go1_24: return objectid_experiment ? "go1.24+objectid" : "go1.24";
    case ProfileId::go1_25: return "go1.25";
    case ProfileId::go1_26: return "go1.26";
    case ProfileId::go1_27: return "go1.27";
  }
  return "unknown";
}

std::string Profile::releases() const {
  switch (id) {
    case ProfileId::go1_21: return "go1.21-go1.23";
    case ProfileId::go1_24: return objectid_experiment ? "go1.24 (GOEXPERIMENT=cacheprog)" : "go1.24";
    case ProfileId::go1_25: return "go1.25";
    case ProfileId::go1_26: return "go1.26";
    case ProfileId::go1_27: return "go1.27+";
  }
  return "unknown";
}

Profile Profile::newest() { return Profile{ProfileId::go1_27, false}; }

std::vector<Profile> Profile::all() {
  std::vector<Profile> out;
  for (ProfileId id : {ProfileId::go1_21, ProfileId::go1_24, ProfileId::go1_25, ProfileId::go1_26, ProfileId::go1_27}) {
    out.push_back(Profile{id, false});
  }
  return out;
}

std::optional<Profile> Profile::parse(std::string_view name) {
  Profile p;
  constexpr std::string_view experiment = "+objectid";
  if (name.size() > experiment.size() && name.substr(name.size() - experiment.size()) == experiment) {
    p.objectid_experiment = true;
    name.remove_suffix(experiment.size());
  }
  if (name.substr(0, 4) != "go1.") return std::nullopt;
  int minor = 0;
  const char* first = name.data() + 4;
  const char* last = name.data() + name.size();
  auto [ptr, ec] = std::from_chars(first, last, minor);
  if (ec != std::errc() || ptr != last || minor < 21) return std::nullopt;
  if (minor <= 23) {
    p.id = ProfileId::go1_21;
  } else if (minor == 24) {
    p.id = ProfileId::go1_24;
  } else if (minor == 25) {
    p.id = ProfileId::go1_25;
  } else if (minor == 26) {
    p.id = ProfileId::go1_26;
  } else {
    p.id = ProfileId::go1_27;
  }
  if (p.objectid_experiment && p.id != ProfileId::go1_24) return std::nullopt;
  return p;
}

}  // namespace cph::client
