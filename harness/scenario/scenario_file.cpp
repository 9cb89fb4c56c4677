#include "scenario/scenario_file.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "client/profile.hpp"
#include "input/duration.hpp"
#include "input/suggest.hpp"

namespace cph::scenario {

using input::did_you_mean;
using input::text_position;
using nlohmann::json;
namespace fs = std::filesystem;

const std::vector<std::string>& known_profiles() {
  static const std::vector<std::string> p = client::Profile::names();
  return p;
}

const char* step_kind_name(StepKind k) {
  switch (k) {
    case StepKind::get: return "get";
    case StepKind::put: return "put";
    case StepKind::close: return "close";
    case StepKind::parallel: return "parallel";
    case StepKind::wait_event: return "wait_event";
  }
  return "?";
}

GoOutcome GoExpectation::at(const GoCondition& c) const {
  GoOutcome out = *this;
  int words = 0;
  for (int n = 1; n <= 3; ++n) {
    for (const auto& [key, outcome] : overrides) {
      if (key.words() == n && key.matches(c) && n > words) {
        out = outcome;
        words = n;
      }
    }
  }
  return out;
}

namespace {

class Parser {
 public:
  Parser(std::string file) : file_(std::move(file)) {}

  Scenario scenario(const json& j) {
    Scenario s;
    s.file = file_;
    if (!j.is_object()) fail("", "want a JSON object with \"id\", \"steps\", ...");
    keys(j, "",
         {"id", "title", "pins", "source", "profiles", "fake", "fake_args", "client", "timeout", "steps", "expect",
          "go", "description"});
    s.id = text(j, "id", "", true);
    check_id(s.id);
    s.title = text(j, "title", "", true);
    s.pins = text(j, "pins", "", true);
    s.source = text(j, "source", "", false);
    s.profiles = profiles(j);
    fake(j, s);
    if (j.contains("client")) s.client = client(j["client"], "client");
    if (j.contains("timeout")) s.timeout = duration(j["timeout"], "timeout");
    if (!j.contains("steps")) fail("steps", "missing (a list of get, put, close, parallel, wait_event steps)");
    s.steps = steps(j["steps"], "steps");
    if (j.contains("expect")) s.expect = session_expect(j["expect"], "expect");
    if (j.contains("go")) s.go = go(j["go"], "go");
    return s;
  }

 private:
  // {"exit": N, "stderr": RE} or {"hang": true}, plus condition keys whose
  // values have the same form.
  GoExpectation go(const json& v, const std::string& path) const {
    const std::string want = "want {\"exit\": N, \"stderr\": \"regex\"} or {\"hang\": true}";
    if (!v.is_object()) fail(path, want + ", got " + type_name(v));
    GoExpectation e;
    json plain = json::object();
    for (const auto& [k, value] : v.items()) {
      if (k == "exit" || k == "stderr" || k == "hang") {
        plain[k] = value;
        continue;
      }
      std::string why;
      auto key = gocmd::parse_go_condition_key(k, why);
      if (!key) {
        std::string typo = did_you_mean(k, {"exit", "stderr", "hang"});
        fail(join(path, k), typo.empty() ? why : "unknown key \"" + k + "\"" + typo);
      }
      e.overrides.emplace_back(*key, go_outcome(value, join(path, k)));
    }
    static_cast<GoOutcome&>(e) = go_outcome(plain, path);
    // Two keys with as many words that match one condition and disagree:
    // which wins would depend on the order of the keys.
    for (const GoCondition& c : gocmd::all_go_conditions()) {
      int most = 0;
      for (const auto& o : e.overrides) {
        if (o.first.matches(c)) most = std::max(most, o.first.words());
      }
      const std::pair<GoConditionKey, GoOutcome>* best = nullptr;
      for (const auto& o : e.overrides) {
        if (!o.first.matches(c) || o.first.words() != most) continue;
        if (best && !(best->second == o.second)) {
          fail(path, "\"" + best->first.text + "\" and \"" + o.first.text + "\" both match the condition " + c.name() +
                         " and disagree: add a key for it (e.g. \"" + best->first.text + "+" + o.first.text + "\")");
        }
        if (!best) best = &o;
      }
    }
    return e;
  }

  GoOutcome go_outcome(const json& v, const std::string& path) const {
    if (!v.is_object())
      fail(path, "want {\"exit\": N, \"stderr\": \"regex\"} or {\"hang\": true}, got " + type_name(v));
    keys(v, path, {"exit", "stderr", "hang"});
    GoOutcome e;
    if (v.contains("hang")) {
      if (v["hang"] != true) fail(join(path, "hang"), "want true (go never exits)");
      if (v.size() != 1) fail(path, "a hang has no exit status or stderr");
      e.hang = true;
      return e;
    }
    if (!v.contains("exit") || !v["exit"].is_number_integer())
      fail(join(path, "exit"), "want go's exit status, a number");
    e.exit_code = v["exit"].get<int>();
    if (v.contains("stderr")) {
      if (!v["stderr"].is_string()) fail(join(path, "stderr"), "want a regex, got " + type_name(v["stderr"]));
      e.stderr_regex = v["stderr"].get<std::string>();
      try {
        std::regex check(e.stderr_regex);
      } catch (const std::regex_error& err) {
        fail(join(path, "stderr"), std::string("bad regular expression: ") + err.what());
      }
    }
    return e;
  }

  [[noreturn]] void fail(const std::string& path, const std::string& why) const {
    throw ScenarioError(file_ + ": " + (path.empty() ? "" : path + ": ") + why);
  }

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  static std::string type_name(const json& v) {
    if (v.is_number()) return "a number";
    if (v.is_string()) return "a string";
    if (v.is_boolean()) return "a boolean";
    if (v.is_array()) return "a list";
    if (v.is_object()) return "an object";
    return "null";
  }

  void keys(const json& obj, const std::string& path, const std::vector<std::string>& allowed) const {
    for (const auto& [k, v] : obj.items()) {
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
        fail(join(path, k), "unknown key \"" + k + "\"" + did_you_mean(k, allowed));
      }
    }
  }

  std::string text(const json& obj, const std::string& key, const std::string& path, bool required) const {
    std::string p = join(path, key);
    if (!obj.contains(key)) {
      if (required) fail(p, "missing");
      return "";
    }
    const json& v = obj[key];
    if (!v.is_string()) fail(p, "want a string, got " + type_name(v));
    std::string s = v.get<std::string>();
    if (required && s.empty()) fail(p, "must not be empty");
    return s;
  }

  void check_id(const std::string& id) const {
    bool ok = !id.empty() && id.front() != '/' && id.back() != '/' && id.find("//") == std::string::npos;
    for (unsigned char c : id) ok = ok && c > ' ' && c != 0x7f && c != '*' && c != '?' && c != '#';
    if (!ok) fail("id", "\"" + id + "\" is not a case ID: '/'-separated segments without spaces, '*', '?', '#'");
  }

  std::vector<std::string> profiles(const json& j) const {
    if (!j.contains("profiles")) return known_profiles();
    const json& v = j["profiles"];
    if (!v.is_array() || v.empty()) fail("profiles", "want a non-empty list such as [\"go1.24\", \"go1.25\"]");
    std::vector<std::string> out;
    for (size_t i = 0; i < v.size(); ++i) {
      std::string p = "profiles[" + std::to_string(i) + "]";
      if (!v[i].is_string()) fail(p, "want a string, got " + type_name(v[i]));
      std::string name = v[i].get<std::string>();
      const auto& known = known_profiles();
      if (std::find(known.begin(), known.end(), name) == known.end()) {
        fail(p, "unknown profile \"" + name + "\"" + did_you_mean(name, known) +
                    " (known: " + client::Profile::names_text() + ")");
      }
      if (std::find(out.begin(), out.end(), name) != out.end()) fail(p, "\"" + name + "\" listed twice");
      out.push_back(name);
    }
    return out;
  }

  void fake(const json& j, Scenario& s) const {
    if (j.contains("fake")) {
      const json& v = j["fake"];
      if (v.is_object() || v.is_array()) {
        s.fake_inline = v;
      } else if (v.is_string() && !v.get<std::string>().empty()) {
        fs::path p = v.get<std::string>();
        if (p.is_relative()) p = fs::path(file_).parent_path() / p;
        std::error_code ec;
        if (!fs::is_regular_file(p, ec)) fail("fake", "no such script file " + p.string());
        s.fake_file = fs::absolute(p, ec).lexically_normal().string();
      } else {
        fail("fake", "want the fake's script (an object or list) or a path to it, got " + type_name(v));
      }
    }
    if (j.contains("fake_args")) {
      const json& v = j["fake_args"];
      if (!v.is_array()) fail("fake_args", "want a list of strings");
      for (size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string()) fail("fake_args[" + std::to_string(i) + "]", "want a string, got " + type_name(v[i]));
        s.fake_args.push_back(v[i].get<std::string>());
      }
    }
  }

  Millis duration(const json& v, const std::string& path) const {
    const input::DurationResult d = input::parse_duration_json(v);
    if (!d) fail(path, "bad duration: " + d.error);
    return std::chrono::duration_cast<Millis>(*d.value);
  }

  int64_t integer(const json& v, const std::string& path, int64_t min) const {
    if (!v.is_number_integer()) fail(path, "want an integer, got " + type_name(v));
    int64_t n = v.get<int64_t>();
    if (n < min) fail(path, "want at least " + std::to_string(min) + ", got " + std::to_string(n));
    return n;
  }

  ClientSettings client(const json& v, const std::string& path) const {
    if (!v.is_object()) fail(path, "want an object");
    keys(v, path, {"still_waiting_interval", "handshake_timeout", "reply_timeout", "close_timeout"});
    ClientSettings c;
    auto opt = [&](const char* k, std::optional<Millis>& out) {
      if (v.contains(k)) out = duration(v[k], join(path, k));
    };
    opt("still_waiting_interval", c.still_waiting_interval);
    opt("handshake_timeout", c.handshake_timeout);
    opt("reply_timeout", c.reply_timeout);
    opt("close_timeout", c.close_timeout);
    return c;
  }

  // A hex ActionID, right-padded with zero bytes to 32 bytes.
  std::string action(const json& v, const std::string& path) const {
    if (!v.is_string()) fail(path, "want the ActionID in hex, got " + type_name(v));
    std::string hex = v.get<std::string>();
    if (hex.empty() || hex.size() % 2 != 0 || hex.size() > 64 ||
        hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
      fail(path, "want 2 to 64 hex digits (an even number), got \"" + hex + "\"");
    }
    return decode_hex(hex, 32);
  }

  static std::string decode_hex(const std::string& hex, size_t pad_to = 0) {
    std::string out;
    for (size_t i = 0; i < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    if (out.size() < pad_to) out.resize(pad_to, '\0');
    return out;
  }

  std::vector<Step> steps(const json& v, const std::string& path) const {
    if (!v.is_array()) fail(path, "want a list of steps, got " + type_name(v));
    std::vector<Step> out;
    for (size_t i = 0; i < v.size(); ++i) out.push_back(step(v[i], path + "[" + std::to_string(i) + "]"));
    return out;
  }

  Step step(const json& v, const std::string& path) const {
    static const std::vector<std::string> kinds{"get", "put", "close", "parallel", "wait_event"};
    if (!v.is_object()) fail(path, "want a step object such as {\"get\": \"ab12\"}, got " + type_name(v));
    std::vector<std::string> allowed = kinds;
    for (const char* k : {"cancel_after", "deadline", "expect", "note"}) allowed.push_back(k);
    keys(v, path, allowed);
    Step s;
    s.path = path;
    int found = 0;
    for (size_t k = 0; k < kinds.size(); ++k) {
      if (v.contains(kinds[k])) {
        ++found;
        s.kind = static_cast<StepKind>(k);
      }
    }
    if (found != 1) fail(path, "want exactly one of get, put, close, parallel, wait_event");
    const std::string kp = join(path, step_kind_name(s.kind));
    const json& body = v[step_kind_name(s.kind)];
    switch (s.kind) {
      case StepKind::get:
        if (body.is_object()) {
          keys(body, kp, {"action"});
          if (!body.contains("action")) fail(kp, "missing \"action\"");
          s.action = action(body["action"], join(kp, "action"));
        } else {
          s.action = action(body, kp);
        }
        break;
      case StepKind::put: put(body, kp, s); break;
      case StepKind::close:
        if (!(body == true || (body.is_object() && body.empty()))) fail(kp, "want true");
        break;
      case StepKind::parallel:
        s.parallel = steps(body, kp);
        if (s.parallel.size() < 2) fail(kp, "want at least two steps to run together");
        break;
      case StepKind::wait_event: wait_event(body, kp, s); break;
    }
    bool is_call = s.kind == StepKind::get || s.kind == StepKind::put || s.kind == StepKind::close;
    for (const char* k : {"cancel_after", "deadline", "expect"}) {
      if (v.contains(k) && !is_call)
        fail(join(path, k), std::string("not allowed on a ") + step_kind_name(s.kind) + " step");
    }
    if (v.contains("cancel_after")) s.cancel_after = duration(v["cancel_after"], join(path, "cancel_after"));
    if (v.contains("deadline")) s.deadline = duration(v["deadline"], join(path, "deadline"));
    if (v.contains("expect")) s.expect = step_expect(v["expect"], join(path, "expect"), s.kind);
    return s;
  }

  void put(const json& v, const std::string& path, Step& s) const {
    if (!v.is_object()) fail(path, "want {\"action\": HEX, \"body\": TEXT}, got " + type_name(v));
    keys(v, path, {"action", "body", "body_hex", "body_size"});
    if (!v.contains("action")) fail(path, "missing \"action\"");
    s.action = action(v["action"], join(path, "action"));
    int bodies = v.contains("body") + v.contains("body_hex") + v.contains("body_size");
    if (bodies > 1) fail(path, "give one of body, body_hex, body_size");
    if (v.contains("body")) {
      if (!v["body"].is_string()) fail(join(path, "body"), "want a string, got " + type_name(v["body"]));
      s.body = v["body"].get<std::string>();
    } else if (v.contains("body_hex")) {
      const json& h = v["body_hex"];
      std::string hex = h.is_string() ? h.get<std::string>() : "";
      if (!h.is_string() || hex.size() % 2 != 0 ||
          hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
        fail(join(path, "body_hex"), "want an even number of hex digits");
      }
      s.body = decode_hex(hex);
    } else if (v.contains("body_size")) {
      int64_t n = integer(v["body_size"], join(path, "body_size"), 0);
      if (n > (64 << 20)) fail(join(path, "body_size"), "at most 64 MiB in a scenario");
      s.body.resize(static_cast<size_t>(n));
      for (size_t i = 0; i < s.body.size(); ++i) s.body[i] = static_cast<char>(i % 251);
    }
  }

  void wait_event(const json& v, const std::string& path, Step& s) const {
    if (v.is_string()) {
      s.event = v.get<std::string>();
    } else if (v.is_object()) {
      keys(v, path, {"event", "detail", "timeout"});
      s.event = text(v, "event", path, true);
      if (v.contains("detail")) {
        if (!v["detail"].is_object()) fail(join(path, "detail"), "want an object (matched as a subset)");
        s.event_detail = v["detail"];
      }
      if (v.contains("timeout")) s.event_timeout = duration(v["timeout"], join(path, "timeout"));
    } else {
      fail(path, "want an event name or {\"event\": NAME, \"detail\": {...}, \"timeout\": \"2s\"}");
    }
    if (s.event.empty()) fail(path, "empty event name");
  }

  void outcome_expect(const json& v, const std::string& path, OutcomeExpectation& e) const {
    if (v.contains("outcome")) {
      const json& o = v["outcome"];
      std::string p = join(path, "outcome");
      if (!o.is_string()) fail(p, "want one of ok, miss, error, fatal, cancelled, hang; got " + type_name(o));
      std::string name = o.get<std::string>();
      e.outcome = client::parse_outcome_kind(name);
      if (!e.outcome) fail(p, "unknown outcome \"" + name + "\"" + did_you_mean(name, client::outcome_kind_names()));
    }
    if (v.contains("message") && v.contains("message_regex")) fail(path, "give message or message_regex, not both");
    if (v.contains("message")) e.message = text(v, "message", path, false);
    if (v.contains("message_regex")) {
      e.message_regex = text(v, "message_regex", path, true);
      try {
        std::regex re(*e.message_regex, std::regex::ECMAScript);
      } catch (const std::regex_error& err) {
        fail(join(path, "message_regex"), std::string("bad regular expression: ") + err.what());
      }
    }
  }

  StepExpectation step_expect(const json& v, const std::string& path, StepKind kind) const {
    if (!v.is_object()) fail(path, "want an object such as {\"outcome\": \"miss\"}");
    std::vector<std::string> allowed{"outcome", "message", "message_regex"};
    if (kind != StepKind::close) allowed.push_back("request_id");
    if (kind == StepKind::get) allowed.push_back("size");
    keys(v, path, allowed);
    StepExpectation e;
    outcome_expect(v, path, e);
    if (v.contains("request_id")) e.request_id = integer(v["request_id"], join(path, "request_id"), 0);
    if (v.contains("size")) e.size = integer(v["size"], join(path, "size"), 0);
    return e;
  }

  SessionExpectation session_expect(const json& v, const std::string& path) const {
    if (!v.is_object()) fail(path, "want an object such as {\"outcome\": \"fatal\", \"message\": ...}");
    keys(v, path, {"outcome", "message", "message_regex", "pending", "fake_saw", "logs_contain"});
    SessionExpectation e;
    outcome_expect(v, path, e);
    if (v.contains("pending")) {
      const json& p = v["pending"];
      if (!p.is_array()) fail(join(path, "pending"), "want a list of request IDs");
      std::vector<int64_t> ids;
      for (size_t i = 0; i < p.size(); ++i) {
        ids.push_back(integer(p[i], join(path, "pending") + "[" + std::to_string(i) + "]", 0));
      }
      std::sort(ids.begin(), ids.end());
      e.pending = ids;
    }
    if (v.contains("fake_saw")) {
      if (!v["fake_saw"].is_object()) fail(join(path, "fake_saw"), "want an object (a subset of the fake's --stats)");
      e.fake_saw = v["fake_saw"];
    }
    if (v.contains("logs_contain")) {
      const json& l = v["logs_contain"];
      if (!l.is_array()) fail(join(path, "logs_contain"), "want a list of strings");
      for (size_t i = 0; i < l.size(); ++i) {
        std::string p = join(path, "logs_contain") + "[" + std::to_string(i) + "]";
        if (!l[i].is_string()) fail(p, "want a string, got " + type_name(l[i]));
        e.logs_contain.push_back(l[i].get<std::string>());
      }
    }
    return e;
  }

  std::string file_;
};

// nlohmann's message without its "[json.exception...] parse error at line
// L, column C: " preamble (we print our own position).
std::string bare_parse_message(const std::string& what) {
  for (const char* marker : {", column ", "] "}) {
    size_t at = what.find(marker);
    if (at == std::string::npos) continue;
    size_t colon = what.find(": ", at);
    if (colon != std::string::npos) return what.substr(colon + 2);
  }
  return what;
}

}  // namespace

Scenario parse_scenario(std::string_view text, const std::string& file) {
  json j;
  try {
    j = json::parse(text, nullptr, true, /*ignore_comments=*/true);
  } catch (const json::parse_error& e) {
    auto pos = text_position(text, e.byte > 0 ? e.byte - 1 : 0);
    throw ScenarioError(file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": " +
                        bare_parse_message(e.what()));
  }
  return Parser(file).scenario(j);
}

Scenario load_scenario(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ScenarioError(path + ": cannot read scenario file");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_scenario(ss.str(), path);
}

std::vector<Scenario> load_scenario_dir(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw ScenarioError(dir + ": not a directory");
  std::vector<std::string> files;
  fs::recursive_directory_iterator it(dir, ec), end;
  if (ec) throw ScenarioError(dir + ": " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) throw ScenarioError(dir + ": " + ec.message());
    if (it->is_directory() && it->path().filename() == "fake-scripts") {
      it.disable_recursion_pending();
      continue;
    }
    auto ext = it->path().extension();
    if (it->is_regular_file() && (ext == ".json" || ext == ".jsonc")) files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<Scenario> out;
  std::map<std::string, std::string> seen;
  for (const auto& f : files) {
    out.push_back(load_scenario(f));
    auto [pos, fresh] = seen.emplace(out.back().id, f);
    if (!fresh) throw ScenarioError(f + ": id: \"" + out.back().id + "\" is also the ID of " + pos->second);
  }
  return out;
}

}  // namespace cph::scenario
