// The checks Go's callers make after ProgCache.Get (cmd/go/internal/cache/
// cache.go), for scenarios that want them:
//   get_file:  GetFile  - the file noted for the OutputID must stat and have
//              exactly Size bytes, else a miss ("stat ...: no such file or
//              directory", "file incomplete").
//   get_bytes: GetBytes - the file read whole must hash to the OutputID, else a
//              miss ("bad checksum"); a read error reads as no bytes, as in Go.
#pragma once
#include <string>

#include "client/prog_cache.hpp"

namespace cph::client {

enum class CallerCheck { none, file, bytes };

GetResult get_file(ProgCache& pc, std::string_view action_id, const Context& ctx = Context::never());

struct GetBytesResult {
  GetResult get;
  std::string data;  // the file's bytes when ok
};
GetBytesResult get_bytes(ProgCache& pc, std::string_view action_id, const Context& ctx = Context::never());

// Get followed by the selected check.
GetResult get_checked(ProgCache& pc, std::string_view action_id, CallerCheck check,
                      const Context& ctx = Context::never());

}  // namespace cph::client
