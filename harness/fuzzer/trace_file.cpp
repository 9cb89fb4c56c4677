#include "fuzzer/trace_file.hpp"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fuzzer/hostile.hpp"

namespace cph::fuzzer {

namespace {

using nlohmann::json;

json op_json(const Op& op) {
  json j = {{"op", op_kind_name(op.kind)}};
  switch (op.kind) {
    case OpKind::put:
    case OpKind::kill_put:
    case OpKind::storage_fault:
      j["key"] = op.key;
      j["size"] = op.size;
      j["body_seed"] = seed_hex(op.body_seed);
      break;
    case OpKind::get: j["key"] = op.key; break;
    case OpKind::hostile: j["hostile"] = op.hostile; break;
    case OpKind::close: break;
  }
  if (op.async) j["async"] = true;
  return j;
}

// line:col of byte offset `at` in `text` (1-based).
std::string line_col(std::string_view text, size_t at) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < at && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return std::to_string(line) + ":" + std::to_string(col);
}

struct Reader {
  std::string name;
  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw TraceError(name + ": " + path + ": " + what);
  }
  const json& field(const json& obj, const std::string& path, const char* key) const {
    if (!obj.contains(key)) fail(path, std::string("missing \"") + key + "\"");
    return obj[key];
  }
  int64_t int_field(const json& obj, const std::string& path, const char* key, int64_t min) const {
    const json& v = field(obj, path, key);
    if (!v.is_number_integer() || v.get<int64_t>() < min) {
      fail(path + "." + key, "want an integer >= " + std::to_string(min) + ", got " + v.dump());
    }
    return v.get<int64_t>();
  }
  std::string string_field(const json& obj, const std::string& path, const char* key) const {
    const json& v = field(obj, path, key);
    if (!v.is_string()) fail(path + "." + key, "want a string, got " + v.dump());
    return v.get<std::string>();
  }
  uint64_t seed_field(const json& obj, const std::string& path, const char* key) const {
    std::string s = string_field(obj, path, key);
    uint64_t v = 0;
    bool ok = !s.empty() && s.size() <= 16;
    for (char c : s) {
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) ok = false;
      v = v * 16 + static_cast<uint64_t>(d < 0 ? 0 : d);
    }
    if (!ok) fail(path + "." + key, "want 1 to 16 lowercase hex digits, got \"" + s + "\"");
    return v;
  }

  Op op(const json& j, const std::string& path) const {
    if (!j.is_object()) fail(path, "want an object, got " + j.dump());
    static const std::vector<std::string> known = {"op", "key", "size", "body_seed", "async", "hostile"};
    for (const auto& [k, v] : j.items()) {
      if (std::find(known.begin(), known.end(), k) == known.end()) fail(path, "unknown field \"" + k + "\"");
    }
    Op op;
    std::string kind = string_field(j, path, "op");
    auto k = parse_op_kind(kind);
    if (!k) fail(path + ".op", "unknown op \"" + kind + "\" (want put, get, close, kill-put, hostile, storage-fault)");
    op.kind = *k;
    switch (op.kind) {
      case OpKind::put:
      case OpKind::kill_put:
      case OpKind::storage_fault:
        op.key = int_field(j, path, "key", 0);
        op.size = int_field(j, path, "size", op.kind == OpKind::kill_put ? 2 : 0);
        op.body_seed = seed_field(j, path, "body_seed");
        break;
      case OpKind::get: op.key = int_field(j, path, "key", 0); break;
      case OpKind::hostile:
        op.hostile = string_field(j, path, "hostile");
        if (!is_hostile_kind(op.hostile)) fail(path + ".hostile", "unknown hostile input \"" + op.hostile + "\"");
        break;
      case OpKind::close: break;
    }
    if (j.contains("async")) {
      if (!j["async"].is_boolean()) fail(path + ".async", "want true or false, got " + j["async"].dump());
      op.async = j["async"].get<bool>();
    }
    return op;
  }
};

}  // namespace

std::string seed_hex(uint64_t seed) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(seed));
  return buf;
}

std::string render_trace(const Trace& t) {
  std::ostringstream out;
  // JSON strings hold UTF-8 only: a helper path or message that is not is
  // written with U+FFFD in place of its bad bytes (replay then needs the
  // helper after --), never thrown on.
  out << "{\"format\": \"cph-fuzz-trace\", \"version\": " << kTraceVersion << ", \"seed\": \"" << seed_hex(t.seed)
      << "\",\n \"helper\": " << json(t.helper).dump(-1, ' ', false, json::error_handler_t::replace) << ",\n";
  if (t.failure) {
    json f = {{"class", failure_class_name(t.failure->cls)},
              {"op", t.failure->op_index},
              {"request_id", t.failure->request_id},
              {"message", t.failure->message}};
    out << " \"failure\": " << f.dump(-1, ' ', false, json::error_handler_t::replace) << ",\n";
  }
  out << " \"ops\": [";
  for (size_t i = 0; i < t.ops.size(); ++i)
    out << (i ? ",\n  " : "\n  ") << op_json(t.ops[i]).dump(-1, ' ', false, json::error_handler_t::replace);
  out << (t.ops.empty() ? "]}\n" : "\n ]}\n");
  return out.str();
}

Trace parse_trace(std::string_view text, const std::string& name) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    if (auto at = what.find("syntax error"); at != std::string::npos) what = what.substr(at);
    throw TraceError(name + ":" + line_col(text, e.byte == 0 ? 0 : e.byte - 1) + ": " + what);
  }
  Reader r{name};
  if (!j.is_object()) r.fail("(top)", "want a JSON object");
  if (!j.contains("format") || j["format"] != "cph-fuzz-trace") r.fail("format", "want \"cph-fuzz-trace\"");
  int64_t version = r.int_field(j, "(top)", "version", 1);
  if (version != kTraceVersion) {
    r.fail("version", "version " + std::to_string(version) + " is not supported (this cph reads version " +
                          std::to_string(kTraceVersion) + ")");
  }
  Trace t;
  t.seed = r.seed_field(j, "(top)", "seed");
  const json& helper = r.field(j, "(top)", "helper");
  if (!helper.is_array()) r.fail("helper", "want a list of strings");
  for (size_t i = 0; i < helper.size(); ++i) {
    if (!helper[i].is_string()) r.fail("helper[" + std::to_string(i) + "]", "want a string");
    t.helper.push_back(helper[i].get<std::string>());
  }
  if (j.contains("failure")) {
    const json& f = j["failure"];
    if (!f.is_object()) r.fail("failure", "want an object");
    Failure fail;
    std::string cls = r.string_field(f, "failure", "class");
    auto c = parse_failure_class(cls);
    if (!c) r.fail("failure.class", "unknown class \"" + cls + "\"");
    fail.cls = *c;
    fail.op_index = static_cast<size_t>(r.int_field(f, "failure", "op", 0));
    fail.request_id = f.contains("request_id") ? r.int_field(f, "failure", "request_id", INT64_MIN) : 0;
    fail.message = f.contains("message") ? r.string_field(f, "failure", "message") : "";
    t.failure = fail;
  }
  const json& ops = r.field(j, "(top)", "ops");
  if (!ops.is_array()) r.fail("ops", "want a list of operations");
  for (size_t i = 0; i < ops.size(); ++i) t.ops.push_back(r.op(ops[i], "ops[" + std::to_string(i) + "]"));
  return t;
}

void save_trace(const std::string& path, const Trace& t) {
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << render_trace(t);
  f.flush();
  if (!f) throw TraceError(path + ": cannot write the trace file");
}

Trace load_trace(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw TraceError(path + ": cannot open the trace file");
  std::stringstream ss;
  ss << f.rdbuf();
  return parse_trace(ss.str(), path);
}

}  // namespace cph::fuzzer
