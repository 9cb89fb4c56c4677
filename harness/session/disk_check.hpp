// What `go` needs of a DiskPath: an absolute path to an existing regular file
// whose size is the object's Size and whose SHA-256 is its OutputID (cache.go
// checks both and treats a mismatch as a miss; a helper that serves one is
// serving a corrupt object).
#pragma once
#include <cstdint>
#include <string>

namespace cph::session {

// "" when the file is right, else what is wrong with it, e.g.
// `DiskPath "/x/y": size 3, want 4`. `output_id` is raw bytes.
std::string disk_path_problem(const std::string& disk_path, int64_t size, const std::string& output_id);

// True when the base name has an extension as Go's filepath.Ext sees one.
bool has_extension(const std::string& path);

std::string hex_prefix(const std::string& raw, size_t bytes = 8);  // "0a1b2c3d..." for messages

}  // namespace cph::session
