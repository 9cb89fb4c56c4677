// The malformed requests of `cph fuzz --hostile`. Each is a complete,
// newline-terminated message that `go` never writes; a robust helper answers
// it with an error, ignores it, or exits with a status, but never crashes,
// hangs or writes garbage. Each names the request ID it carries (a reply to
// that ID is allowed).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace cph::fuzzer {

struct HostileInput {
  std::string bytes;
  int64_t id = 0;  // the ID a reply may carry (0: none)
};

// The kinds, in a fixed order (the generator draws from it).
const std::vector<std::string>& hostile_kinds();
bool is_hostile_kind(const std::string& kind);
// The bytes of `kind` for request ID `id`; `action` is a raw 32-byte ActionID
// that no other operation uses.
HostileInput hostile_input(const std::string& kind, int64_t id, const std::string& action);

}  // namespace cph::fuzzer
