// Fuzzes wire::RequestStreamReader, the helper's side of the framing, in both
// modes:
//  1. never crashes; a stream ends in eof or in an error naming its offset;
//  2. fed in the chunks the input chooses == fed at once: the same requests,
//     the same body bytes (pieces joined: their split may differ), the same
//     end, error text and offset;
//  3. round trip: every request whose body arrived whole, written again as
//     the go command writes it (encode_request + encode_body_line), reads back
//     in strict mode as the same request and body.
// Input: byte 0 bit 0 picks strict mode, byte 1 the chunking plan, then the
// bytes the go command (or a hostile peer) wrote.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chunked_input.hpp"
#include "fuzz_check.hpp"
#include "wire/encoders.hpp"
#include "wire/request_reader.hpp"

namespace {

using cph::fuzz::printable;
using cph::wire::Request;
using cph::wire::RequestStreamReader;

struct Event {
  enum Kind { request, body_piece, body_end } kind;
  Request req;       // request
  std::string body;  // body: the joined pieces
  bool operator==(const Event&) const = default;
};

struct Outcome {
  std::vector<Event> events;
  RequestStreamReader::Status end = RequestStreamReader::Status::ok;
  std::string error;
  int64_t offset = 0;
  bool operator==(const Outcome&) const = default;
};

std::string describe(const Request& r) {
  return "{ID " + std::to_string(r.id) + " Command " + printable(r.command) + " ActionID " + printable(r.action_id) +
         " OutputID " + printable(r.output_id) + (r.had_output_id ? "(sent)" : "") + " ObjectID " +
         printable(r.object_id) + (r.had_object_id ? "(sent)" : "") + " BodySize " + std::to_string(r.body_size) + "}";
}

std::string describe(const Outcome& o) {
  std::string s;
  for (const auto& e : o.events) {
    s += "\n    ";
    s += e.kind == Event::request      ? "request " + describe(e.req)
         : e.kind == Event::body_piece ? "body " + printable(e.body)
                                       : std::string("body end");
  }
  const char* end = o.end == RequestStreamReader::Status::eof  ? "eof"
                    : o.end == RequestStreamReader::Status::ok ? "ok"
                                                               : "error";
  return s + "\n  then " + end + " " + printable(o.error) + " at offset " + std::to_string(o.offset);
}

Outcome read(const std::vector<std::string_view>& chunks, RequestStreamReader::Mode mode) {
  Outcome o;
  RequestStreamReader::Callbacks cb;
  cb.on_request = [&](const Request& r) { o.events.push_back({Event::request, r, {}}); };
  cb.on_body_bytes = [&](std::string_view b) {
    if (o.events.empty() || o.events.back().kind != Event::body_piece) o.events.push_back({Event::body_piece, {}, {}});
    o.events.back().body.append(b);
  };
  cb.on_body_end = [&] { o.events.push_back({Event::body_end, {}, {}}); };
  RequestStreamReader reader(mode, cb);
  o.end = RequestStreamReader::Status::ok;
  for (auto c : chunks) {
    o.end = reader.feed(c);
    if (o.end == RequestStreamReader::Status::error) break;
    CPH_FUZZ_CHECK(o.end == RequestStreamReader::Status::ok, "feed() returned eof");
  }
  if (o.end != RequestStreamReader::Status::error) o.end = reader.finish();
  o.error = reader.error();
  o.offset = reader.offset();
  if (o.end == RequestStreamReader::Status::error) {
    const size_t at = o.error.find("byte ");
    CPH_FUZZ_CHECK(
        at != std::string::npos && at + 5 < o.error.size() && o.error[at + 5] >= '0' && o.error[at + 5] <= '9',
        "error without its offset: " + describe(o));
  } else {
    CPH_FUZZ_CHECK(o.end == RequestStreamReader::Status::eof && o.error.empty(), "finish(): " + describe(o));
  }
  return o;
}

// The requests of `o` whose body (if any) arrived whole, each written again
// as the go command writes it, must read back the same in strict mode.
void check_round_trip(const Outcome& o) {
  for (size_t i = 0; i < o.events.size(); ++i) {
    if (o.events[i].kind != Event::request) continue;
    const Request& req = o.events[i].req;
    if (req.body_size < 0) continue;
    std::string body;
    if (req.body_size > 0) {
      if (i + 2 >= o.events.size() || o.events[i + 1].kind != Event::body_piece ||
          o.events[i + 2].kind != Event::body_end)
        continue;
      body = o.events[i + 1].body;
      if (static_cast<int64_t>(body.size()) != req.body_size) continue;
    }
    Request clean;
    clean.id = req.id;
    clean.command = req.command;
    clean.action_id = req.action_id;
    clean.output_id = req.output_id;
    clean.body_size = req.body_size;
    std::string frame = cph::wire::encode_request(clean, cph::wire::Dialect::output_id);
    if (clean.body_size > 0) frame += cph::wire::encode_body_line(body);
    const Outcome back = read({frame}, RequestStreamReader::Mode::strict);
    const bool header_ok =
        !back.events.empty() && back.events[0].kind == Event::request && back.events[0].req.id == clean.id &&
        back.events[0].req.command == clean.command && back.events[0].req.action_id == clean.action_id &&
        back.events[0].req.output_id == clean.output_id && back.events[0].req.body_size == clean.body_size;
    const bool body_ok =
        clean.body_size == 0 ? back.events.size() == 1 : back.events.size() == 3 && back.events[1].body == body;
    CPH_FUZZ_CHECK(header_ok && body_ok && back.end == RequestStreamReader::Status::eof,
                   "round trip of " + describe(req) + " body " + printable(body) + "\n  wrote " + printable(frame) +
                       "\n  read back" + describe(back));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& in = cph::fuzz::parse_chunked_input(data, size);
  const auto mode = (in.flags & 1) ? RequestStreamReader::Mode::strict : RequestStreamReader::Mode::tolerant;
  const Outcome whole = read({in.payload}, mode);
  const Outcome chunked = read(in.chunks, mode);
  CPH_FUZZ_CHECK(chunked == whole, "input " + printable(in.payload) + "\n  at once:" + describe(whole) + "\n  in " +
                                       std::to_string(in.chunks.size()) + " chunks:" + describe(chunked));
  check_round_trip(whole);
  return 0;
}
