// `cph decode response|request|base64`: reads stdin and decodes it as the
// real go command (responses, base64) or a json.Decoder-based helper
// (requests) would, printing one normalized line per value and Go's error.
#include <iostream>
#include <iterator>
#include <string>

#include "cli/command.hpp"
#include "client/profile.hpp"
#include "wire/normalized.hpp"
#include "wire/request_reader.hpp"
#include "wire/sha256.hpp"

namespace cph::cli {
namespace {

std::string read_stdin() {
  std::ios::sync_with_stdio(false);
  return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

int decode_requests(const std::string& input, bool strict) {
  std::string body;
  wire::RequestStreamReader reader(
      strict ? wire::RequestStreamReader::Mode::strict : wire::RequestStreamReader::Mode::tolerant,
      {[&](const wire::Request& r) {
         std::cout << wire::normalized_request(r);
         body.clear();
       },
       [&](std::string_view piece) { body.append(piece); },
       [&] { std::cout << "{\"Body\":\"" << wire::to_hex(body) << "\"}\n"; }});
  auto status = reader.feed(input);
  if (status != wire::RequestStreamReader::Status::error) status = reader.finish();
  if (status == wire::RequestStreamReader::Status::error) {
    std::cout << "error: " << reader.error() << "\n";
    return kExitFindings;
  }
  return kExitOk;
}

const CommandRegistration registration{
    "decode", "Decode stdin as the go command (or a helper) would: response, request or base64",
    [](CLI::App& sub) -> Runner {
      auto what = std::make_shared<std::string>();
      auto profile = std::make_shared<std::string>(client::Profile{}.name());
      auto strict = std::make_shared<bool>(false);
      sub.add_option("what", *what, "What stdin holds: response (helper -> go), request (go -> helper), base64")
          ->required()
          ->check(CLI::IsMember({"response", "request", "base64"}));
      sub.add_option("--profile", *profile,
                     "Client profile: the Go struct name and json's error texts of that release (go1.21 on)")
          ->check([](const std::string& v) {
            return client::Profile::parse(v) ? std::string() : "want a Go release such as go1.24";
          })
          ->capture_default_str();
      sub.add_flag("--strict", *strict,
                   "request: accept only the exact framing the go command writes (default: off, as json.Decoder)");
      sub.footer(
          "Examples:\n"
          "  cph decode response <<< '{\"ID\":0,\"KnownCommands\":[\"get\",\"put\",\"close\"]}'\n"
          "  cph decode base64 <<< 'aGVsbG8='\n"
          "  cph decode request <<< '{\"ID\":1,\"Command\":\"get\",\"ActionID\":\"q80=\"}'\n\n"
          "Output: one JSON line per decoded value (every field under Go's name, []byte as hex,\n"
          "Time in UTC with nanoseconds), then 'error: <Go's error text>' if decoding stopped.\n"
          "Exit 0 when everything decoded, 1 when it stopped on an error.");
      return [what, profile, strict] {
        const std::string input = read_stdin();
        bool ok = true;
        if (*what == "request") return decode_requests(input, *strict);
        if (*what == "base64") {
          std::cout << wire::normalized_base64(input, ok);
        } else {
          // The one table of Go releases says which struct and which json.
          const client::Profile p = *client::Profile::parse(*profile);
          std::cout << wire::normalized_response_stream(input, p.response_struct(), ok, p.json_dialect());
        }
        return ok ? kExitOk : kExitFindings;
      };
    }};

}  // namespace
}  // namespace cph::cli
