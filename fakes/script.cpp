#include "script.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>

#include "input/duration.hpp"
#include "wire/sha256.hpp"

namespace cph::fake {

using ojson = nlohmann::ordered_json;

namespace {

const std::vector<std::string> kRuleKeys = {"when", "do", "times", "probability", "description"};
const std::vector<std::string> kWhenKeys = {"handshake", "command", "request", "nth", "action", "after", "close"};
const std::vector<std::string> kFields = {"ID", "Err", "KnownCommands", "Miss", "OutputID", "Size", "Time", "DiskPath"};
const std::vector<std::string> kDiskPathKeywords = {"missing", "directory", "wrong-content", "extension"};
const std::vector<std::pair<std::string, RawKind>> kRawKeywords = {{"malformed", RawKind::malformed},
                                                                   {"truncated", RawKind::truncated},
                                                                   {"pretty", RawKind::pretty},
                                                                   {"joined", RawKind::joined},
                                                                   {"invalid-utf8", RawKind::invalid_utf8}};
const std::vector<std::pair<std::string, int>> kSignals = {
    {"HUP", SIGHUP},   {"INT", SIGINT},   {"QUIT", SIGQUIT}, {"ABRT", SIGABRT}, {"KILL", SIGKILL}, {"SEGV", SIGSEGV},
    {"PIPE", SIGPIPE}, {"ALRM", SIGALRM}, {"TERM", SIGTERM}, {"USR1", SIGUSR1}, {"USR2", SIGUSR2}, {"STOP", SIGSTOP}};

// Collects the place of a value for error messages.
struct Ctx {
  const std::string& name;
  [[noreturn]] void fail(const std::string& path, const std::string& msg) const {
    throw ScriptError(name + ": " + path + ": " + msg);
  }
};

std::string names(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string unknown_msg(const std::string& what, const std::string& word, const std::vector<std::string>& known) {
  std::string msg = "unknown " + what + " \"" + word + "\"";
  std::string near = closest(word, known);
  if (!near.empty()) return msg + "; did you mean \"" + near + "\"?";
  return msg + " (known: " + names(known) + ")";
}

std::string type_of(const ojson& v) { return v.type_name(); }

int64_t get_int(const Ctx& c, const std::string& path, const ojson& v, int64_t lo, int64_t hi) {
  if (!v.is_number_integer()) c.fail(path, "want an integer, got " + type_of(v) + " " + v.dump());
  int64_t n =
      v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : v.get<int64_t>();
  if (n < lo || n > hi)
    c.fail(path, "want an integer in " + std::to_string(lo) + ".." + std::to_string(hi) + ", got " + v.dump());
  return n;
}

std::string get_string(const Ctx& c, const std::string& path, const ojson& v) {
  if (!v.is_string()) c.fail(path, "want a string, got " + type_of(v) + " " + v.dump());
  return v.get<std::string>();
}

void want_true(const Ctx& c, const std::string& path, const ojson& v) {
  if (!(v.is_boolean() && v.get<bool>())) c.fail(path, "want true, got " + v.dump());
}

Duration get_duration(const Ctx& c, const std::string& path, const ojson& v) {
  const input::DurationResult d = input::parse_duration_json(nlohmann::json::parse(v.dump()));
  if (!d) c.fail(path, "bad duration: " + d.error);
  return *d.value;
}

std::string field_name(const Ctx& c, const std::string& path, const std::string& f) {
  for (const auto& k : kFields)
    if (k == f) return f;
  c.fail(path, unknown_msg("field", f, kFields));
}

// One parser per action, in a table keyed by each action's kName: the only
// list of the script's actions.
using ActionParser = Action (*)(const Ctx& c, const std::string& path, const ojson& v);

template <class T>
Action flag(const Ctx& c, const std::string& path, const ojson& v) {
  want_true(c, path, v);
  return T{};
}

Action parse_delay(const Ctx& c, const std::string& path, const ojson& v) { return Delay{get_duration(c, path, v)}; }

Action parse_hold(const Ctx& c, const std::string& path, const ojson& v) {
  Hold h;
  if (v.is_object()) {
    for (const auto& [k, x] : v.items()) {
      if (k == "count")
        h.count = get_int(c, path + ".count", x, 1, 1 << 20);
      else if (k == "order") {
        std::string o = get_string(c, path + ".order", x);
        if (o == "reversed")
          h.order = HoldOrder::reversed;
        else if (o == "shuffled")
          h.order = HoldOrder::shuffled;
        else
          c.fail(path + ".order", unknown_msg("order", o, {"reversed", "shuffled"}));
      } else
        c.fail(path, unknown_msg("key", k, {"count", "order"}));
    }
  } else {
    h.count = get_int(c, path, v, 1, 1 << 20);
  }
  return h;
}

Action parse_duplicate(const Ctx& c, const std::string& path, const ojson& v) {
  if (v.is_boolean()) {
    want_true(c, path, v);
    return Duplicate{1};
  }
  return Duplicate{get_int(c, path, v, 1, 1000)};
}

Action parse_id(const Ctx& c, const std::string& path, const ojson& v) {
  if (v.is_number_integer()) return ReplyId{IdMode::specific, get_int(c, path, v, INT64_MIN, INT64_MAX)};
  std::string m = get_string(c, path, v);
  if (m == "unknown") return ReplyId{IdMode::unknown, 0};
  if (m == "previous") return ReplyId{IdMode::previous, 0};
  if (m == "negative") return ReplyId{IdMode::negative, 0};
  c.fail(path, unknown_msg("id mode", m, {"unknown", "previous", "negative"}) + " or an integer");
}

Action parse_omit(const Ctx& c, const std::string& path, const ojson& v) {
  Omit o;
  if (v.is_string())
    o.fields.push_back(field_name(c, path, v.get<std::string>()));
  else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) {
      std::string p = path + "[" + std::to_string(i) + "]";
      o.fields.push_back(field_name(c, p, get_string(c, p, v[i])));
    }
  } else
    c.fail(path, "want a field name or a list of them, got " + v.dump());
  return o;
}

Action parse_set(const Ctx& c, const std::string& path, const ojson& v) {
  if (!v.is_object() || v.empty()) c.fail(path, "want an object of fields, e.g. {\"Miss\": true}, got " + v.dump());
  Set s;
  for (const auto& [k, x] : v.items()) {
    std::string p = path + "." + k;
    field_name(c, path, k);
    if (k == "OutputID") {
      if (x.is_string()) {
        std::string bytes;
        if (!wire::from_hex(x.get<std::string>(), bytes)) c.fail(p, "want hex bytes or a length, got " + x.dump());
      } else {
        get_int(c, p, x, 0, 4096);
      }
    }
    if (k == "DiskPath") {
      std::string dp = get_string(c, p, x);
      bool keyword = std::find(kDiskPathKeywords.begin(), kDiskPathKeywords.end(), dp) != kDiskPathKeywords.end();
      if (!keyword && (dp.empty() || dp[0] != '/'))
        c.fail(p, unknown_msg("DiskPath keyword", dp, kDiskPathKeywords) + " or an absolute path");
    }
    s.fields.emplace_back(k, nlohmann::json::parse(x.dump()));
  }
  return s;
}

Action parse_raw(const Ctx& c, const std::string& path, const ojson& v) {
  if (v.is_string()) {
    std::string kw = v.get<std::string>();
    for (const auto& [n, k] : kRawKeywords)
      if (n == kw) return Raw{k, ""};
    std::vector<std::string> known;
    for (const auto& [n, k] : kRawKeywords) known.push_back(n);
    c.fail(path, unknown_msg("raw keyword", kw, known) + " or {\"text\": ...} or {\"hex\": ...}");
  }
  if (v.is_object() && v.size() == 1 && v.contains("text"))
    return Raw{RawKind::text, get_string(c, path + ".text", v["text"])};
  if (v.is_object() && v.size() == 1 && v.contains("hex")) {
    std::string bytes;
    if (!wire::from_hex(get_string(c, path + ".hex", v["hex"]), bytes))
      c.fail(path + ".hex", "not hex: " + v["hex"].dump());
    return Raw{RawKind::text, bytes};
  }
  c.fail(path, "want a raw keyword, {\"text\": ...} or {\"hex\": ...}, got " + v.dump());
}

Action parse_prefix(const Ctx& c, const std::string& path, const ojson& v) { return Prefix{get_string(c, path, v)}; }

Action parse_exit(const Ctx& c, const std::string& path, const ojson& v) {
  return Exit{static_cast<int>(get_int(c, path, v, 0, 255))};
}

Action parse_kill(const Ctx& c, const std::string& path, const ojson& v) {
  if (v.is_number_integer()) return Kill{static_cast<int>(get_int(c, path, v, 1, 64))};
  std::string s = get_string(c, path, v);
  std::string bare = s.rfind("SIG", 0) == 0 ? s.substr(3) : s;
  for (const auto& [n, sig] : kSignals)
    if (n == bare) return Kill{sig};
  std::vector<std::string> known;
  for (const auto& [n, sig] : kSignals) known.push_back("SIG" + n);
  c.fail(path, unknown_msg("signal", s, known));
}

Action parse_stop_reading(const Ctx& c, const std::string& path, const ojson& v) {
  return StopReading{get_duration(c, path, v)};
}

Action parse_stderr(const Ctx& c, const std::string& path, const ojson& v) { return Stderr{get_string(c, path, v)}; }

Action parse_reput_keeps_old(const Ctx& c, const std::string& path, const ojson& v) {
  if (v.is_boolean()) {
    want_true(c, path, v);
    return ReputKeepsOld{ReputMode::get};
  }
  std::string m = get_string(c, path, v);
  if (m == "get") return ReputKeepsOld{ReputMode::get};
  if (m == "put") return ReputKeepsOld{ReputMode::put};
  c.fail(path, unknown_msg("reput_keeps_old mode", m, {"get", "put"}) + " or true");
}

Action parse_on_store_error(const Ctx& c, const std::string& path, const ojson& v) {
  std::string m = get_string(c, path, v);
  if (m == "silence") return OnStoreError{StoreErrorMode::silence};
  if (m == "no_exit") return OnStoreError{StoreErrorMode::no_exit};
  c.fail(path, unknown_msg("on_store_error mode", m, {"silence", "no_exit"}));
}

struct ActionSpec {
  const char* name;
  ActionParser parse;
};

template <class T>
constexpr ActionSpec spec(ActionParser parse) {
  return {T::kName, parse};
}

// Every alternative of Action, once (checked below when compiling).
constexpr std::array<ActionSpec, std::variant_size_v<Action>> kActionTable = {
    spec<Delay>(parse_delay),
    spec<Hold>(parse_hold),
    spec<Drop>(flag<Drop>),
    spec<Duplicate>(parse_duplicate),
    spec<ReplyId>(parse_id),
    spec<Omit>(parse_omit),
    spec<Set>(parse_set),
    spec<Raw>(parse_raw),
    spec<Prefix>(parse_prefix),
    spec<Exit>(parse_exit),
    spec<Kill>(parse_kill),
    spec<CloseStdout>(flag<CloseStdout>),
    spec<Hang>(flag<Hang>),
    spec<StopReading>(parse_stop_reading),
    spec<Stderr>(parse_stderr),
    spec<NeverExit>(flag<NeverExit>),
    spec<KeepStdout>(flag<KeepStdout>),
    spec<CloseStdin>(flag<CloseStdin>),
    spec<ReputKeepsOld>(parse_reput_keeps_old),
    spec<ReputOverwrites>(flag<ReputOverwrites>),
    spec<StoreFails>(flag<StoreFails>),
    spec<OnStoreError>(parse_on_store_error),
    spec<ForgetAtEof>(flag<ForgetAtEof>),
};

constexpr bool in_table(std::string_view name) {
  return std::ranges::count_if(kActionTable, [&](const ActionSpec& a) { return a.name == name; }) == 1;
}
template <size_t... I>
constexpr bool lists_every_action(std::index_sequence<I...>) {
  return (in_table(std::variant_alternative_t<I, Action>::kName) && ...);
}
static_assert(lists_every_action(std::make_index_sequence<std::variant_size_v<Action>>()),
              "kActionTable lists each Action alternative exactly once");

const std::array<ActionSpec, std::variant_size_v<Action>>& action_table() { return kActionTable; }

When parse_when(const Ctx& c, const std::string& path, const ojson& v) {
  When w;
  if (!v.is_object()) c.fail(path, "want an object, got " + type_of(v) + " " + v.dump());
  for (const auto& [k, x] : v.items()) {
    std::string p = path + "." + k;
    if (k == "handshake") {
      want_true(c, p, x);
      w.handshake = true;
    } else if (k == "close") {
      want_true(c, p, x);
      w.command = "close";
    } else if (k == "command")
      w.command = get_string(c, p, x);
    else if (k == "request")
      w.request = get_int(c, p, x, 1, INT64_MAX);
    else if (k == "nth")
      w.nth = get_int(c, p, x, 1, INT64_MAX);
    else if (k == "after")
      w.after = get_duration(c, p, x);
    else if (k == "action") {
      std::string h = get_string(c, p, x);
      std::transform(h.begin(), h.end(), h.begin(), [](unsigned char ch) { return std::tolower(ch); });
      if (!std::all_of(h.begin(), h.end(), [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)); }))
        c.fail(p, "want a hex prefix of the ActionID, got " + x.dump());
      w.action = h;
    } else
      c.fail(path, unknown_msg("condition", k, kWhenKeys));
  }
  if (w.handshake && (w.command || w.request || w.nth || w.action))
    c.fail(path, "\"handshake\" cannot be combined with request conditions (command, close, request, nth, action)");
  return w;
}

Rule parse_rule(const Ctx& c, const std::string& path, const ojson& v) {
  Rule r;
  r.path = path;
  if (!v.is_object()) c.fail(path, "want a rule object {\"when\": ..., \"do\": ...}, got " + type_of(v));
  for (const auto& [k, x] : v.items()) {
    if (std::find(kRuleKeys.begin(), kRuleKeys.end(), k) == kRuleKeys.end())
      c.fail(path, unknown_msg("key", k, kRuleKeys));
  }
  if (v.contains("when")) r.when = parse_when(c, path + ".when", v["when"]);
  if (!v.contains("do")) c.fail(path, "missing \"do\"");
  const ojson& d = v["do"];
  auto add = [&](const std::string& p, const ojson& obj) {
    if (!obj.is_object() || obj.empty())
      c.fail(p, "want an action object like {\"delay\": \"100ms\"}, got " + obj.dump());
    for (const auto& [name, arg] : obj.items()) {
      std::string ap = obj.size() == 1 ? p : p + "." + name;
      const auto& table = action_table();
      const std::string& key = name;  // clang 14 cannot capture a structured binding
      auto it = std::find_if(table.begin(), table.end(), [&](const ActionSpec& a) { return key == a.name; });
      if (it == table.end()) c.fail(p, unknown_msg("action", name, action_names()));
      r.actions.push_back(it->parse(c, ap, arg));
    }
  };
  if (d.is_array()) {
    if (d.empty()) c.fail(path + ".do", "no actions");
    for (size_t i = 0; i < d.size(); ++i) add(path + ".do[" + std::to_string(i) + "]", d[i]);
  } else {
    add(path + ".do", d);
  }
  if (v.contains("times")) r.times = get_int(c, path + ".times", v["times"], 0, INT64_MAX);
  if (v.contains("probability")) {
    const ojson& p = v["probability"];
    if (!p.is_number() || p.get<double>() < 0 || p.get<double>() > 1)
      c.fail(path + ".probability", "want a number in 0..1, got " + p.dump());
    r.probability = p.get<double>();
  }
  if (v.contains("description")) get_string(c, path + ".description", v["description"]);
  return r;
}

}  // namespace

const char* action_name(const Action& a) {
  return std::visit([](const auto& x) { return std::decay_t<decltype(x)>::kName; }, a);
}

const std::vector<std::string>& action_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const ActionSpec& a : action_table()) out.emplace_back(a.name);
    return out;
  }();
  return names;
}

std::pair<int64_t, int64_t> line_col(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  int64_t line = 1, col = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else
      ++col;
  }
  return {line, col};
}

std::string closest(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = SIZE_MAX;
  for (const auto& cand : candidates) {
    // Levenshtein distance, one row at a time.
    std::vector<size_t> row(cand.size() + 1);
    for (size_t j = 0; j <= cand.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= word.size(); ++i) {
      size_t diag = row[0];
      row[0] = i;
      for (size_t j = 1; j <= cand.size(); ++j) {
        size_t up = row[j];
        bool same = std::tolower(static_cast<unsigned char>(word[i - 1])) ==
                    std::tolower(static_cast<unsigned char>(cand[j - 1]));
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
        diag = up;
      }
    }
    size_t d = row[cand.size()];
    if (d < best_d) {
      best_d = d;
      best = cand;
    }
  }
  size_t limit = std::max<size_t>(1, std::min<size_t>(3, word.size() / 3 + 1));
  return best_d <= limit ? best : "";
}

Script parse_script(std::string_view text, const std::string& name) {
  Ctx c{name};
  ojson doc;
  // Deep nesting is refused while parsing: printing or copying it would recurse.
  constexpr int kMaxDepth = 64;
  auto limit_depth = [&](int depth, ojson::parse_event_t, ojson&) {
    if (depth > kMaxDepth) throw ScriptError(name + ": nested deeper than " + std::to_string(kMaxDepth) + " levels");
    return true;
  };
  try {
    doc = ojson::parse(text.begin(), text.end(), limit_depth, true, /*ignore_comments=*/true);
  } catch (const ojson::parse_error& e) {
    // e.byte is 1-based: the byte at which the parser gave up.
    auto [line, col] = line_col(text, e.byte == 0 ? 0 : e.byte - 1);
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] parse error at line L, column C: ".
    size_t colon = what.find(": ");
    if (what.rfind("[json.exception", 0) == 0 && colon != std::string::npos) what = what.substr(colon + 2);
    throw ScriptError(name + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + what);
  } catch (const ojson::out_of_range& e) {
    // A number too large for a double ("1e999", error 406). nlohmann gives no
    // offset, so the place is where the number it quotes first appears.
    std::string what = e.what();
    size_t colon = what.find("] ");
    if (what.rfind("[json.exception", 0) == 0 && colon != std::string::npos) what = what.substr(colon + 2);
    size_t at = 0;
    const size_t q1 = what.find('\''), q2 = q1 == std::string::npos ? q1 : what.find('\'', q1 + 1);
    if (q2 != std::string::npos) {
      const size_t p = text.find(std::string_view(what).substr(q1 + 1, q2 - q1 - 1));
      if (p != std::string_view::npos) at = p;
    }
    auto [line, col] = line_col(text, at);
    throw ScriptError(name + ":" + std::to_string(line) + ":" + std::to_string(col) + ": " + what);
  }
  const ojson* rules = &doc;
  std::string top = "rules";
  if (doc.is_object()) {
    for (const auto& [k, x] : doc.items()) {
      if (k != "rules" && k != "description") c.fail("(top)", unknown_msg("key", k, {"rules", "description"}));
    }
    if (!doc.contains("rules")) c.fail("(top)", "missing \"rules\"");
    rules = &doc["rules"];
  }
  if (!rules->is_array()) c.fail(doc.is_object() ? "rules" : "(top)", "want a list of rules, got " + type_of(*rules));
  Script s;
  for (size_t i = 0; i < rules->size(); ++i)
    s.rules.push_back(parse_rule(c, top + "[" + std::to_string(i) + "]", (*rules)[i]));
  return s;
}

Script load_script(const std::string& arg) {
  size_t first = arg.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (arg[first] == '{' || arg[first] == '['))
    return parse_script(arg, "<inline script>");
  std::ifstream in(arg, std::ios::binary);
  if (!in) throw ScriptError(arg + ": cannot read script: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return parse_script(text.str(), arg);
}

}  // namespace cph::fake
