// Where cph finds its data (the scenario catalogue, with the sample Go module
// in it): relative to the running binary first, so that an unpacked release
// tarball (`make dist`: bin/cph beside share/cacheprog-harness/) or an
// installed prefix works wherever it lies; then the source tree the binary
// was built from (a build directory); then the configured install prefix.
#pragma once
#include <string>
#include <vector>

namespace cph::cli {

// The scenario catalogue directory: the first of catalogue_candidates() that
// exists, else the last candidate (an error names it).
std::string scenario_catalogue();

// The places looked at, in order: <dir of /proc/self/exe>/../share/
// cacheprog-harness/scenarios, the source tree's scenarios/, the install
// prefix's.
std::vector<std::string> catalogue_candidates();

}  // namespace cph::cli
