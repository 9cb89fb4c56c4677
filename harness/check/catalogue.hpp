// The check suite's catalogue: every case `cph check` runs against a helper,
// built for one helper command line. Each group of cases lives in its own
// cases_<group>.cpp; this header is the one place that lists the groups.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "client/profile.hpp"
#include "runner/case.hpp"
#include "wire/messages.hpp"

namespace cph::check {

struct CheckConfig {
  std::vector<std::string> helper;  // program and arguments; "{dir}" is the case's cache dir
  // The Go release the helper is graded for (--go): some grades and reasons
  // depend on it, each citing Go's source for that release.
  client::Profile profile = client::Profile::newest();
  // What the cases send: the profile's dialect unless --dialect overrides it.
  wire::Dialect dialect = client::Profile::newest().dialect();
  bool large = false;          // run the 1 GiB cases (--large)
  bool keeps_nothing = false;  // the helper says it keeps nothing across restarts
  uint64_t seed = 1;           // crash-safety kill points and other random choices
  // The go/ group: the go command that judges (--go-command; a name is looked
  // up in $PATH, GOTOOLCHAIN picks another release) and the sample module it
  // builds (the catalogue's go-module/). Without either the cases are skipped.
  std::string go_command = "go";
  std::string go_module;
};

using Catalogue = std::vector<runner::CaseDescriptor>;

// Every case, in report order.
Catalogue check_catalogue(const CheckConfig& config);

// The groups (one file each).
void add_handshake_cases(Catalogue& out, const CheckConfig& config);
void add_get_put_cases(Catalogue& out, const CheckConfig& config);
void add_body_cases(Catalogue& out, const CheckConfig& config);
void add_concurrency_cases(Catalogue& out, const CheckConfig& config);
void add_dialect_cases(Catalogue& out, const CheckConfig& config);
void add_sharing_cases(Catalogue& out, const CheckConfig& config);
void add_close_cases(Catalogue& out, const CheckConfig& config);
void add_persistence_cases(Catalogue& out, const CheckConfig& config);
void add_crash_cases(Catalogue& out, const CheckConfig& config);
void add_hostile_cases(Catalogue& out, const CheckConfig& config);
void add_reput_cases(Catalogue& out, const CheckConfig& config);
void add_storage_cases(Catalogue& out, const CheckConfig& config);
void add_framing_cases(Catalogue& out, const CheckConfig& config);
void add_go_cases(Catalogue& out, const CheckConfig& config);

}  // namespace cph::check
