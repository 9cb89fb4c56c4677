#include "fuzzer/op.hpp"

#include "wire/sha256.hpp"

namespace cph::fuzzer {

const char* op_kind_name(OpKind k) {
  switch (k) {
    case OpKind::put: return "put";
    case OpKind::get: return "get";
    case OpKind::close: return "close";
    case OpKind::kill_put: return "kill-put";
    case OpKind::hostile: return "hostile";
    case OpKind::storage_fault: return "storage-fault";
  }
  return "?";
}

std::optional<OpKind> parse_op_kind(std::string_view s) {
  for (OpKind k : {OpKind::put, OpKind::get, OpKind::close, OpKind::kill_put, OpKind::hostile, OpKind::storage_fault}) {
    if (s == op_kind_name(k)) return k;
  }
  return std::nullopt;
}

std::string action_id(uint64_t seed, int64_t key) {
  return wire::sha256("cph-fuzz action " + std::to_string(seed) + "/" + std::to_string(key));
}

std::string describe(const Op& op) {
  std::string s = op_kind_name(op.kind);
  switch (op.kind) {
    case OpKind::put:
    case OpKind::kill_put:
    case OpKind::storage_fault: s += " k" + std::to_string(op.key) + " " + std::to_string(op.size) + "B"; break;
    case OpKind::get: s += " k" + std::to_string(op.key); break;
    case OpKind::hostile: s += " " + op.hostile; break;
    case OpKind::close: break;
  }
  if (op.async) s += " async";
  return s;
}

}  // namespace cph::fuzzer
