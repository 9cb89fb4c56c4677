// Go's encoding/json unmarshalling (decode.go) for the flat structs of the
// protocol: a complete, syntactically valid JSON value (as the scanner
// delimited it) is stored into a struct described by a field table, with Go's
// rules: keys matched exactly or by Go's case folding (ASCII plus K/U+212A
// and S/U+017F), unknown keys skipped, the last duplicate wins, null leaves
// the value alone (nil for slices and pointers), type mismatches saved and
// the first reported after the whole value, time.Time's UnmarshalJSON errors
// reported at once, and Go's error texts.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/messages.hpp"

namespace cph::gojson {

enum class Kind { int64, string, boolean, bytes, string_slice, time_ptr };

struct FieldSpec {
  std::string name;  // Go field name, also the JSON key
  Kind kind;
  std::string type_name;  // as reflect.Type.String(): "int64", "[]uint8", "[]cacheprog.Cmd"
  std::string elem_type;  // slices: "uint8", "cacheprog.Cmd"
};

struct StructSpec {
  std::string name;            // "Response" (for "Go struct field Response.ID")
  std::string qualified_name;  // "cacheprog.Response" (for "Go value of type ...")
  std::vector<FieldSpec> fields;
};

// A field's value. Slices keep Go's backing array, because decoding an array
// into a slice reuses it and a null element leaves the old byte in place.
struct FieldValue {
  int64_t i = 0;
  bool b = false;
  std::string s;                     // string
  std::string bytes;                 // []byte backing array
  std::vector<std::string> strings;  // []string backing array
  size_t len = 0;                    // slice length
  bool non_nil = false;              // slice is non-nil
  std::optional<wire::Time> time;
  std::string_view slice_bytes() const { return std::string_view(bytes).substr(0, len); }
};

// Unmarshals `value` (one complete JSON value, surrounding whitespace
// allowed) into `out` (one FieldValue per field, zero to start with).
// Returns "" or Go's error text.
//
// JsonDialect::v2 is Go 1.27's encoding/json on json v2 with v1 options:
// the same values, with these errors instead (all saved, the first wins; a
// field is named by its key as written and unquoted, "Response.id", where v1
// says "Response.ID"):
// bad base64 is "json: cannot unmarshal string into Go struct field
// S.F of type []uint8: <base64 error>"; a bad slice element names its index,
// "json: cannot unmarshal number 256 into S.F.0 of type uint8"; time.Time
// parses the string with its escapes decoded and invalid UTF-8 replaced,
// and a non-string is "cannot unmarshal number into Go struct field S.Time
// of type time.Time".
std::string unmarshal(std::string_view value, const StructSpec& spec, std::vector<FieldValue>& out,
                      wire::JsonDialect dialect = wire::JsonDialect::v1);

// Unmarshals a top-level value into a []byte variable (a helper decoding the
// put body): `bytes` is the result. Returns "" or Go's error text.
std::string unmarshal_bytes(std::string_view value, std::string& bytes);

// Go's unquote of a JSON string literal (with quotes): escapes resolved,
// invalid UTF-8 and lone surrogates become U+FFFD.
std::string unquote(std::string_view literal);

// Go's foldName comparison of a key with an ASCII field name.
bool key_matches(std::string_view key, std::string_view field_name);

}  // namespace cph::gojson
