#include "client/caller_checks.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "proc/look_path.hpp"
#include "wire/sha256.hpp"

namespace cph::client {

GetResult get_file(ProgCache& pc, std::string_view action_id, const Context& ctx) {
  GetResult r = pc.get(action_id, ctx);
  if (!r.outcome.is_ok()) return r;
  const std::string file = pc.output_file(r.entry.output_id, ctx);
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    r.outcome = Outcome::miss("stat " + file + ": " + proc::errno_text(errno));
    return r;
  }
  if (static_cast<int64_t>(st.st_size) != r.entry.size) r.outcome = Outcome::miss("file incomplete");
  return r;
}

GetBytesResult get_bytes(ProgCache& pc, std::string_view action_id, const Context& ctx) {
  GetBytesResult r;
  r.get = pc.get(action_id, ctx);
  if (!r.get.outcome.is_ok()) return r;
  // os.ReadFile's error is ignored in Go: a missing file hashes as no bytes.
  std::ifstream in(pc.output_file(r.get.entry.output_id, ctx), std::ios::binary);
  if (in) {
    std::ostringstream ss;
    ss << in.rdbuf();
    r.data = ss.str();
  }
  if (wire::sha256(r.data) != r.get.entry.output_id) {
    r.get.outcome = Outcome::miss("bad checksum");
    r.data.clear();
  }
  return r;
}

GetResult get_checked(ProgCache& pc, std::string_view action_id, CallerCheck check, const Context& ctx) {
  switch (check) {
    case CallerCheck::none: return pc.get(action_id, ctx);
    case CallerCheck::file: return get_file(pc, action_id, ctx);
    case CallerCheck::bytes: return get_bytes(pc, action_id, ctx).get;
  }
  return pc.get(action_id, ctx);
}

}  // namespace cph::client
