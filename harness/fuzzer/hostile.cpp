#include "fuzzer/hostile.hpp"

#include <algorithm>

#include "wire/base64.hpp"
#include "wire/sha256.hpp"

namespace cph::fuzzer {

namespace {

std::string b64(const std::string& raw) { return base64::encode(raw); }

std::string head(int64_t id, const std::string& rest) { return "{\"ID\":" + std::to_string(id) + rest + "}\n\n"; }

}  // namespace

const std::vector<std::string>& hostile_kinds() {
  static const std::vector<std::string> kinds = {
      "not-json",          "trailing-comma",   "unknown-command",   "bad-action-base64", "wrong-type-id",
      "outputid-mismatch", "body-size-larger", "body-size-smaller", "bad-body-base64",   "negative-body-size",
      "deep-nesting",      "huge-field",       "nul-bytes",         "huge-id",
  };
  return kinds;
}

bool is_hostile_kind(const std::string& kind) {
  const auto& k = hostile_kinds();
  return std::find(k.begin(), k.end(), kind) != k.end();
}

HostileInput hostile_input(const std::string& kind, int64_t id, const std::string& action) {
  const std::string a = ",\"ActionID\":\"" + b64(action) + "\"";
  const std::string body = "hostile body";
  const std::string out = ",\"OutputID\":\"" + b64(wire::sha256(body)) + "\"";
  const std::string line = "\"" + b64(body) + "\"\n";
  const std::string size = std::to_string(body.size());
  if (kind == "not-json") return {"this is not JSON\n", 0};
  if (kind == "trailing-comma") return {"{\"ID\":" + std::to_string(id) + ",\"Command\":\"get\"" + a + ",}\n\n", id};
  if (kind == "unknown-command") return {head(id, ",\"Command\":\"frobnicate\"" + a), id};
  if (kind == "bad-action-base64") return {head(id, ",\"Command\":\"get\",\"ActionID\":\"!!not base64!!\""), id};
  if (kind == "wrong-type-id") return {"{\"ID\":\"" + std::to_string(id) + "\",\"Command\":\"get\"" + a + "}\n\n", 0};
  if (kind == "outputid-mismatch") {
    const std::string wrong = ",\"OutputID\":\"" + b64(wire::sha256("another body")) + "\"";
    return {head(id, ",\"Command\":\"put\"" + a + wrong + ",\"BodySize\":" + size) + line, id};
  }
  if (kind == "body-size-larger") {
    return {head(id, ",\"Command\":\"put\"" + a + out + ",\"BodySize\":" + std::to_string(body.size() + 5)) + line, id};
  }
  if (kind == "body-size-smaller") {
    return {head(id, ",\"Command\":\"put\"" + a + out + ",\"BodySize\":" + std::to_string(body.size() - 5)) + line, id};
  }
  if (kind == "bad-body-base64") {
    return {head(id, ",\"Command\":\"put\"" + a + out + ",\"BodySize\":" + size) + "\"!!!not base64!!!\"\n", id};
  }
  if (kind == "negative-body-size") return {head(id, ",\"Command\":\"put\"" + a + out + ",\"BodySize\":-7"), id};
  if (kind == "deep-nesting") {
    return {head(id, ",\"Command\":\"get\"" + a + ",\"X\":" + std::string(20000, '[') + std::string(20000, ']')), id};
  }
  if (kind == "huge-field") {
    return {head(id, ",\"Command\":\"get\"" + a + ",\"X\":\"" + std::string(1 << 20, 'x') + "\""), id};
  }
  if (kind == "nul-bytes") return {std::string("{\"ID\":\0\0\0}\n\n", 12), 0};
  // huge-id: an ID past int64.
  return {"{\"ID\":99999999999999999999,\"Command\":\"get\"" + a + "}\n\n", 0};
}

}  // namespace cph::fuzzer
