#include "client/profile.hpp"

#include <charconv>

namespace cph::client {
namespace {

// One row per profile: each fact about a Go release is stated here once.
struct Release {
  ProfileId id;
  const char* name;
  int first_minor;  // the Go 1.x releases that behave this way
  int last_minor;   // 0: and every later one
  // The struct named in decode errors ("... Go struct field Response.ID").
  // Go 1.21-1.23 declared ProgResponse in package cache. During the 1.24
  // cycle the types moved to package cacheprog and, before the release, lost
  // their Prog prefix while the deprecated ObjectID field was still sent:
  // copies of go1.24.1's prog.go build cacheprog.Request{..., ObjectID: ...}.
  const char* response_struct;
  wire::JsonDialect json;            // encoding/json on json v2 from Go 1.27 (GOEXPERIMENT=jsonv2 default)
  bool close_deadlocks_on_exit;      // golang/go#70848, fixed in 1.24
  bool leaks_mutex_after_read_loop;  // prog.go writeToChild before 1.27
  bool ignores_base64_close_error;   // prog.go writeToChild before 1.27
  bool gocacheprog_by_default;       // default.go initDefaultCache: no experiment needed from 1.24
};

constexpr Release kReleases[] = {
    {ProfileId::go1_21, "go1.21", 21, 23, "ProgResponse", wire::JsonDialect::v1, true, true, true, false},
    {ProfileId::go1_24, "go1.24", 24, 24, "Response", wire::JsonDialect::v1, false, true, true, true},
    {ProfileId::go1_25, "go1.25", 25, 25, "Response", wire::JsonDialect::v1, false, true, true, true},
    {ProfileId::go1_26, "go1.26", 26, 26, "Response", wire::JsonDialect::v1, false, true, true, true},
    {ProfileId::go1_27, "go1.27", 27, 0, "Response", wire::JsonDialect::v2, false, false, false, true},
};

const Release& row(ProfileId id) {
  for (const auto& r : kReleases) {
    if (r.id == id) return r;
  }
  return kReleases[0];
}

}  // namespace

// Go 1.21-1.23 send ObjectID; 1.24 OutputID (and ObjectID too under
// GOEXPERIMENT=cacheprog); 1.25 on OutputID only.
wire::Dialect Profile::dialect() const {
  if (id == ProfileId::go1_21) return wire::Dialect::object_id;
  return objectid_experiment ? wire::Dialect::output_and_object_id : wire::Dialect::output_id;
}

std::string Profile::response_struct() const { return row(id).response_struct; }
wire::JsonDialect Profile::json_dialect() const { return row(id).json; }
bool Profile::close_deadlocks_on_exit() const { return row(id).close_deadlocks_on_exit; }
bool Profile::leaks_mutex_after_read_loop() const { return row(id).leaks_mutex_after_read_loop; }
bool Profile::ignores_base64_close_error() const { return row(id).ignores_base64_close_error; }
bool Profile::gocacheprog_by_default() const { return row(id).gocacheprog_by_default; }

std::string Profile::name() const {
  std::string n = row(id).name;
  return objectid_experiment ? n + "+objectid" : n;
}

std::string Profile::releases() const {
  const Release& r = row(id);
  if (r.last_minor == 0) return "go1." + std::to_string(r.first_minor) + "+";
  if (objectid_experiment) return std::string(r.name) + " (GOEXPERIMENT=cacheprog)";
  if (r.first_minor == r.last_minor) return r.name;
  return "go1." + std::to_string(r.first_minor) + "-go1." + std::to_string(r.last_minor);
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
  if (ec != std::errc() || ptr != last) return std::nullopt;
  bool found = false;
  for (const auto& r : kReleases) {
    if (minor >= r.first_minor && (r.last_minor == 0 || minor <= r.last_minor)) {
      p.id = r.id;
      found = true;
    }
  }
  if (!found) return std::nullopt;
  if (p.objectid_experiment && p.id != ProfileId::go1_24) return std::nullopt;
  return p;
}

const std::vector<Profile>& Profile::all() {
  static const std::vector<Profile> every = [] {
    std::vector<Profile> v;
    for (const auto& r : kReleases) v.push_back(Profile{r.id, false});
    return v;
  }();
  return every;
}

Profile Profile::newest() { return all().back(); }

std::vector<std::string> Profile::names() {
  std::vector<std::string> v;
  for (const auto& p : all()) v.push_back(p.name());
  return v;
}

std::string Profile::names_text() {
  std::string s;
  for (const auto& n : names()) s += (s.empty() ? "" : ", ") + n;
  return s;
}

}  // namespace cph::client
