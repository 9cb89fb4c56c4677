// Encoding, byte for byte as Go writes it.
//  - Requests as cmd/go's json.Encoder writes a cacheprog.Request for the
//    dialect: field order ID, Command, ActionID, OutputID (ObjectID before
//    Go 1.24), BodySize, then Go 1.24's deprecated ObjectID last; omitempty; []byte as standard base64; strings with
//    Go's escaping (HTML characters < > & as \u003c \u003e \u0026, U+2028/9, invalid UTF-8 as \ufffd); then '\n' from
//    the encoder and the extra '\n' the client writes.
//  - The put body line: '"' + base64 + '"' + '\n'.
//  - Responses as a Go helper's json.Encoder writes a cacheprog.Response
//    (fields in struct order, omitempty, trailing '\n').
#pragma once
#include <string>
#include <string_view>

#include "wire/messages.hpp"

namespace cph::wire {

std::string encode_request(const Request& req, Dialect dialect);  // JSON + "\n" + "\n"
std::string encode_body_line(std::string_view body);              // "\"<base64>\"\n"
std::string encode_response(const Response& res);                 // JSON + "\n"
// A Go JSON string literal for s, with Go's escaping rules.
std::string go_quote(std::string_view s);

}  // namespace cph::wire
