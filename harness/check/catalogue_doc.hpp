// docs/checks.md, rendered from the catalogue itself so that the list of
// checks can never drift from the code (a unit test compares the two).
#pragma once
#include <string>

#include "check/catalogue.hpp"

namespace cph::check {

std::string render_checks_markdown(const Catalogue& catalogue);

}  // namespace cph::check
