// docs/checks.md, rendered from the catalogue itself so that the list of
// checks can never drift from the code (a unit test compares the two).
#pragma once
#include <string>

#include "check/catalogue.hpp"

namespace cph::check {

// The catalogue built for `config` under every Go release (client::Profile::
// all()): one row per case, with its grade (and requirement) per release
// where they differ.
std::string render_checks_markdown(const CheckConfig& config);

}  // namespace cph::check
