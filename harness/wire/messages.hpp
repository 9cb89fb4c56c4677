// The GOCACHEPROG messages: Request (go -> helper) and Response (helper -> go),
// with the fields of Go's cmd/go/internal/cacheprog types. []byte fields hold
// raw bytes here (base64 only on the wire).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cph::wire {

// Which request fields carry the output ID, by Go version.
enum class Dialect {
  object_id,             // Go 1.21-1.23: "ObjectID"
  output_and_object_id,  // Go 1.24 with GOEXPERIMENT=cacheprog: "OutputID" and "ObjectID"
  output_id,             // Go 1.24 default and Go 1.25+: "OutputID" only
};
const char* dialect_name(Dialect d);  // "go1.21", "go1.24+objectid", "go1.25"

// Which encoding/json the client reads replies with, by Go version. Values
// decode the same; some decode-error texts differ (docs/go-versions.md).
enum class JsonDialect {
  v1,  // Go 1.21-1.26: encoding/json's own scanner and decoder
  v2,  // Go 1.27+: encoding/json on json v2 (GOEXPERIMENT=jsonv2, the default)
};

struct Request {
  int64_t id = 0;
  std::string command;    // "get", "put", "close", or anything a hostile peer sends
  std::string action_id;  // raw bytes; empty is omitted (omitempty)
  std::string output_id;  // raw bytes; written as OutputID and/or ObjectID per dialect
  int64_t body_size = 0;  // 0 is omitted and no body line follows
  // Decoding side only: which ID fields were present on the wire.
  bool had_output_id = false;
  bool had_object_id = false;
  std::string object_id;  // raw bytes of ObjectID when it differs from OutputID
  bool operator==(const Request&) const = default;
};

// A time.Time as parsed from RFC 3339: the instant plus the zone offset it was
// written with, and the exact text (so that encoding it again is lossless).
struct Time {
  int64_t unix_seconds = 0;
  int32_t nanos = 0;           // 0..999999999
  int32_t offset_seconds = 0;  // east of UTC
  std::string text;            // the RFC 3339 text as it appeared
  bool operator==(const Time&) const = default;
  std::string utc_rfc3339_nano() const;  // e.g. "2024-01-02T03:04:05.000000006Z"
  static Time now();
};

struct Response {
  int64_t id = 0;
  std::string err;
  std::vector<std::string> known_commands;
  bool miss = false;
  std::string output_id;  // raw bytes
  int64_t size = 0;
  std::optional<Time> time;
  std::string disk_path;
  bool operator==(const Response&) const = default;
};

}  // namespace cph::wire
