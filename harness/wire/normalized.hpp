// The normalized, comparable rendering of decoded values that `cph decode`
// prints and the Go oracle (tests/interop/oracle) prints too: one JSON line
// per value, every field under Go's name, []byte as lowercase hex, Time as
// RFC 3339 in UTC with nine fraction digits (or null), strings with Go's
// json.Marshal escaping.
#pragma once
#include <string>
#include <string_view>

#include "wire/messages.hpp"

namespace cph::wire {

std::string normalized_response(const Response& r);  // ends with '\n'
std::string normalized_request(const Request& r);    // ends with '\n'
// The whole answer for a response stream: the values, then "error: ..." if
// decoding stopped on an error. `ok` tells which.
std::string normalized_response_stream(std::string_view input, const std::string& struct_name, bool& ok,
                                       JsonDialect json = JsonDialect::v1);
// The decoded bytes as hex on one line, then "error: ..." on failure.
std::string normalized_base64(std::string_view input, bool& ok);

}  // namespace cph::wire
