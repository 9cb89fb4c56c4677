#include "wire/normalized.hpp"

#include "wire/base64.hpp"
#include "wire/encoders.hpp"
#include "wire/response_decoder.hpp"
#include "wire/sha256.hpp"

namespace cph::wire {

std::string normalized_response(const Response& r) {
  std::string out = "{\"ID\":" + std::to_string(r.id) + ",\"Err\":" + go_quote(r.err) + ",\"KnownCommands\":[";
  for (size_t i = 0; i < r.known_commands.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += go_quote(r.known_commands[i]);
  }
  out += "],\"Miss\":";
  out += r.miss ? "true" : "false";
  out += ",\"OutputID\":\"" + to_hex(r.output_id) + "\",\"Size\":" + std::to_string(r.size) + ",\"Time\":";
  out += r.time ? "\"" + r.time->utc_rfc3339_nano() + "\"" : std::string("null");
  out += ",\"DiskPath\":" + go_quote(r.disk_path) + "}\n";
  return out;
}

// OutputID and ObjectID as they were on the wire. Request keeps ObjectID
// separately only when it differs from OutputID (an empty ObjectID next to a
// non-empty OutputID is the one case this rendering cannot tell apart).
std::string normalized_request(const Request& r) {
  const std::string& object_id = r.had_output_id && !r.object_id.empty() ? r.object_id : r.output_id;
  return "{\"ID\":" + std::to_string(r.id) + ",\"Command\":" + go_quote(r.command) + ",\"ActionID\":\"" +
         to_hex(r.action_id) + "\",\"OutputID\":\"" + to_hex(r.had_output_id ? r.output_id : std::string()) +
         "\",\"BodySize\":" + std::to_string(r.body_size) + ",\"ObjectID\":\"" +
         to_hex(r.had_object_id ? object_id : std::string()) + "\"}\n";
}

std::string normalized_response_stream(std::string_view input, const std::string& struct_name, bool& ok,
                                       JsonDialect json) {
  const DecodedStream d = decode_responses(input, struct_name, json);
  std::string out;
  for (const auto& v : d.values) out += normalized_response(v);
  ok = d.error.empty();
  if (!ok) out += "error: " + d.error + "\n";
  return out;
}

std::string normalized_base64(std::string_view input, bool& ok) {
  std::string bytes;
  const auto err = base64::decode(input, bytes);
  ok = !err.has_value();
  std::string out = to_hex(bytes) + "\n";
  if (err) out += "error: " + err->message() + "\n";
  return out;
}

}  // namespace cph::wire
