// Go's json.Encoder output for the cacheprog types. Field order and
// omitempty follow the struct definitions; Go 1.24's Request (checked in
// golang/go src/cmd/go/internal/cacheprog/cacheprog.go at the 1.24 revision)
// carries the deprecated ObjectID as its *last* field, after BodySize.
#include "wire/encoders.hpp"

#include "wire/base64.hpp"
#include "wire/go_time.hpp"
#include "wire/utf8.hpp"

namespace cph::wire {
namespace {

// encoding/json's htmlSafeSet: printable ASCII except " \ < > &.
bool html_safe(unsigned char b) {
  return b >= 0x20 && b < 0x80 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&';
}

void add_bytes_field(std::string& out, const char* name, std::string_view raw) {
  if (raw.empty()) return;  // omitempty: a nil or empty []byte
  out += ",\"";
  out += name;
  out += "\":\"";
  out += base64::encode(raw);
  out += '"';
}

void add_int_field(std::string& out, const char* name, int64_t v) {
  if (v == 0) return;
  out += ",\"";
  out += name;
  out += "\":";
  out += std::to_string(v);
}

void add_string_field(std::string& out, const char* name, std::string_view v) {
  if (v.empty()) return;
  out += ",\"";
  out += name;
  out += "\":";
  out += go_quote(v);
}

}  // namespace

std::string go_quote(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  out.reserve(s.size() + 2);
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      if (html_safe(b)) {
        out.push_back(static_cast<char>(b));
        continue;
      }
      switch (b) {
        case '\\':
        case '"':
          out.push_back('\\');
          out.push_back(static_cast<char>(b));
          break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:  // other controls and < > &
          out += "\\u00";
          out.push_back(hex[b >> 4]);
          out.push_back(hex[b & 15]);
      }
      continue;
    }
    const auto r = utf8::decode(s, i);
    if (r.r == utf8::kRuneError && r.size == 1) {
      out += "\\ufffd";
    } else if (r.r == 0x2028 || r.r == 0x2029) {
      out += r.r == 0x2028 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s.substr(i, r.size));
    }
    i += r.size;
  }
  out.push_back('"');
  return out;
}

std::string encode_request(const Request& req, Dialect dialect) {
  std::string out = "{\"ID\":" + std::to_string(req.id) + ",\"Command\":" + go_quote(req.command);
  add_bytes_field(out, "ActionID", req.action_id);
  add_bytes_field(out, dialect == Dialect::object_id ? "ObjectID" : "OutputID", req.output_id);
  add_int_field(out, "BodySize", req.body_size);
  if (dialect == Dialect::output_and_object_id) add_bytes_field(out, "ObjectID", req.output_id);
  out += "}\n\n";  // the encoder's newline, then the client's own
  return out;
}

std::string encode_body_line(std::string_view body) { return "\"" + base64::encode(body) + "\"\n"; }

std::string encode_response(const Response& res) {
  std::string out = "{\"ID\":" + std::to_string(res.id);
  add_string_field(out, "Err", res.err);
  if (!res.known_commands.empty()) {
    out += ",\"KnownCommands\":[";
    for (size_t i = 0; i < res.known_commands.size(); ++i) {
      if (i > 0) out.push_back(',');
      out += go_quote(res.known_commands[i]);
    }
    out.push_back(']');
  }
  if (res.miss) out += ",\"Miss\":true";
  add_bytes_field(out, "OutputID", res.output_id);
  add_int_field(out, "Size", res.size);
  if (res.time) {
    const Time& t = *res.time;
    out += ",\"Time\":\"" + gotime::format_rfc3339(t.unix_seconds, t.nanos, t.offset_seconds, false) + "\"";
  }
  add_string_field(out, "DiskPath", res.disk_path);
  out += "}\n";
  return out;
}

}  // namespace cph::wire
