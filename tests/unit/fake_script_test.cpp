// The fake's script parser: every when and do parses to the right value, and
// every kind of bad script is refused with a message naming the place.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "script.hpp"

namespace cph::fake {
namespace {

std::string error_of(const std::string& text, const std::string& name = "t.json") {
  try {
    parse_script(text, name);
  } catch (const ScriptError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(FakeScript, ParsesEveryConditionAndTheRuleKnobs) {
  Script s = parse_script(R"({"rules": [
    // a comment
    {"when": {"command": "get", "nth": 2, "request": 5, "action": "AB", "after": "1.5s"},
     "do": {"delay": 250}, "times": 3, "probability": 0.25},
    /* block comment */
    {"when": {"handshake": true}, "do": [{"drop": true}]},
    {"when": {"close": true}, "do": [{"never_exit": true}]}
  ]})",
                          "t.json");
  ASSERT_EQ(s.rules.size(), 3u);
  const Rule& r = s.rules[0];
  EXPECT_EQ(r.path, "rules[0]");
  EXPECT_EQ(*r.when.command, "get");
  EXPECT_EQ(*r.when.nth, 2);
  EXPECT_EQ(*r.when.request, 5);
  EXPECT_EQ(*r.when.action, "ab");
  EXPECT_EQ(*r.when.after, std::chrono::milliseconds(1500));
  EXPECT_EQ(*r.times, 3);
  EXPECT_DOUBLE_EQ(r.probability, 0.25);
  ASSERT_EQ(r.actions.size(), 1u);
  EXPECT_EQ(std::get<Delay>(r.actions[0]).d, std::chrono::milliseconds(250));
  EXPECT_TRUE(s.rules[1].when.handshake);
  EXPECT_TRUE(std::holds_alternative<Drop>(s.rules[1].actions[0]));
  EXPECT_EQ(*s.rules[2].when.command, "close");
  EXPECT_FALSE(s.rules[2].times.has_value());
}

TEST(FakeScript, ParsesEveryActionInWrittenOrder) {
  Script s = parse_script(R"([{"do": [
    {"delay": "2s"}, {"hold": {"count": 3, "order": "shuffled"}}, {"hold": 2}, {"drop": true},
    {"duplicate": true}, {"duplicate": 4}, {"id": "unknown"}, {"id": "previous"}, {"id": "negative"}, {"id": -7},
    {"omit": "Time"}, {"omit": ["DiskPath", "Size"]},
    {"set": {"Miss": true, "OutputID": 33, "DiskPath": "wrong-content", "Time": "yesterday"}},
    {"set": {"OutputID": "00ff"}},
    {"raw": "malformed"}, {"raw": "invalid-utf8"}, {"raw": {"text": "x$ID"}}, {"raw": {"hex": "ff0a"}},
    {"prefix": "junk"}, {"exit": 3}, {"kill": "SIGSEGV"}, {"kill": "TERM"}, {"kill": 9},
    {"close_stdout": true}, {"hang": true}, {"stop_reading": "100us"}, {"stderr": "oops\n"},
    {"never_exit": true, "keep_stdout": true}
  ]}])",
                          "t.json");
  const auto& a = s.rules.at(0).actions;
  ASSERT_EQ(a.size(), 29u);
  EXPECT_EQ(std::get<Delay>(a[0]).d, std::chrono::seconds(2));
  EXPECT_EQ(std::get<Hold>(a[1]).count, 3);
  EXPECT_EQ(std::get<Hold>(a[1]).order, HoldOrder::shuffled);
  EXPECT_EQ(std::get<Hold>(a[2]).order, HoldOrder::reversed);
  EXPECT_EQ(std::get<Duplicate>(a[4]).copies, 1);
  EXPECT_EQ(std::get<Duplicate>(a[5]).copies, 4);
  EXPECT_EQ(std::get<ReplyId>(a[6]).mode, IdMode::unknown);
  EXPECT_EQ(std::get<ReplyId>(a[7]).mode, IdMode::previous);
  EXPECT_EQ(std::get<ReplyId>(a[8]).mode, IdMode::negative);
  EXPECT_EQ(std::get<ReplyId>(a[9]).id, -7);
  EXPECT_EQ(std::get<Omit>(a[10]).fields, std::vector<std::string>{"Time"});
  EXPECT_EQ(std::get<Omit>(a[11]).fields, (std::vector<std::string>{"DiskPath", "Size"}));
  const auto& set = std::get<Set>(a[12]).fields;
  ASSERT_EQ(set.size(), 4u);
  EXPECT_EQ(set[0].first, "Miss");  // written order is kept
  EXPECT_EQ(set[3].first, "Time");
  EXPECT_EQ(std::get<Raw>(a[14]).kind, RawKind::malformed);
  EXPECT_EQ(std::get<Raw>(a[15]).kind, RawKind::invalid_utf8);
  EXPECT_EQ(std::get<Raw>(a[16]).bytes, "x$ID");
  EXPECT_EQ(std::get<Raw>(a[17]).bytes, "\xff\n");
  EXPECT_EQ(std::get<Prefix>(a[18]).bytes, "junk");
  EXPECT_EQ(std::get<Exit>(a[19]).code, 3);
  EXPECT_EQ(std::get<Kill>(a[20]).signal, SIGSEGV);
  EXPECT_EQ(std::get<Kill>(a[21]).signal, SIGTERM);
  EXPECT_EQ(std::get<Kill>(a[22]).signal, 9);
  EXPECT_EQ(std::get<StopReading>(a[25]).d, std::chrono::microseconds(100));
  EXPECT_EQ(std::get<Stderr>(a[26]).text, "oops\n");
  EXPECT_TRUE(std::holds_alternative<NeverExit>(a[27]));
  EXPECT_TRUE(std::holds_alternative<KeepStdout>(a[28]));
  EXPECT_STREQ(action_name(a[28]), "keep_stdout");
}

TEST(FakeScript, UnknownActionSuggestsTheNearestName) {
  EXPECT_EQ(error_of(R"({"rules": [{}, {"do": {"drop": true}}, {"do": "x"}, {"do": [{"delay": 1}, {"dlay": "1s"}]}]})"),
            "t.json: rules[0]: missing \"do\"");
  EXPECT_EQ(error_of(R"({"rules": [{"do": [{"delay": 1}, {"dlay": "1s"}]}]})"),
            "t.json: rules[0].do[1]: unknown action \"dlay\"; did you mean \"delay\"?");
  EXPECT_EQ(error_of(R"([{"do": {"xyzzy": 1}}])"),
            "t.json: rules[0].do: unknown action \"xyzzy\" (known: delay, hold, drop, duplicate, id, omit, set, raw, "
            "prefix, exit, kill, close_stdout, hang, stop_reading, stderr, never_exit, keep_stdout, close_stdin, "
            "reput_keeps_old, reput_overwrites, store_fails, on_store_error, forget_at_eof)");
}

// Issue 22's store actions: re-puts that keep or overwrite the old entry,
// a store that fails, and what follows a failure or stdin EOF.
TEST(FakeScript, StoreActionsParse) {
  Script s = parse_script(R"([{"do": [{"reput_keeps_old": true}, {"reput_keeps_old": "put"}, {"reput_overwrites": true},
                                      {"store_fails": true}, {"on_store_error": "silence"},
                                      {"on_store_error": "no_exit"}, {"forget_at_eof": true}]}])",
                          "t.json");
  const auto& a = s.rules[0].actions;
  ASSERT_EQ(a.size(), 7u);
  EXPECT_EQ(std::get<ReputKeepsOld>(a[0]).mode, ReputMode::get);
  EXPECT_EQ(std::get<ReputKeepsOld>(a[1]).mode, ReputMode::put);
  EXPECT_TRUE(std::holds_alternative<ReputOverwrites>(a[2]));
  EXPECT_TRUE(std::holds_alternative<StoreFails>(a[3]));
  EXPECT_EQ(std::get<OnStoreError>(a[4]).mode, StoreErrorMode::silence);
  EXPECT_EQ(std::get<OnStoreError>(a[5]).mode, StoreErrorMode::no_exit);
  EXPECT_STREQ(action_name(a[6]), "forget_at_eof");
  EXPECT_EQ(error_of(R"([{"do": {"on_store_error": "silent"}}])"),
            "t.json: rules[0].do: unknown on_store_error mode \"silent\"; did you mean \"silence\"?");
  EXPECT_EQ(error_of(R"([{"do": {"reput_keeps_old": false}}])"), "t.json: rules[0].do: want true, got false");
}

TEST(FakeScript, JsonSyntaxErrorsNameLineAndColumn) {
  std::string e = error_of("{\"rules\": [\n  {\"do\": {\"drop\": true},}\n]}");
  EXPECT_EQ(e.rfind("t.json:2:25: ", 0), 0u) << e;
  e = error_of("[\n// only a comment\n");
  EXPECT_EQ(e.rfind("t.json:3:1: ", 0), 0u) << e;
  e = error_of("[{\"do\": {\"delay\": tru}}]");
  EXPECT_EQ(e.rfind("t.json:1:22: ", 0), 0u) << e;
  EXPECT_EQ(e.find("[json.exception"), std::string::npos) << e;
}

TEST(FakeScript, BadValuesNameTheirPath) {
  EXPECT_EQ(error_of(R"([{"when": {"comand": "get"}, "do": {"drop": true}}])"),
            "t.json: rules[0].when: unknown condition \"comand\"; did you mean \"command\"?");
  EXPECT_EQ(error_of(R"([{"do": {"delay": "10 parsecs"}}])"),
            "t.json: rules[0].do: bad duration: \"10 parsecs\": unknown unit \" parsecs\" (ns, us, ms, s, m or h)");
  EXPECT_EQ(error_of(R"([{"do": {"drop": true}, "times": -1}])"),
            "t.json: rules[0].times: want an integer in 0..9223372036854775807, got -1");
  EXPECT_EQ(error_of(R"([{"do": {"drop": true}, "probability": 2}])"),
            "t.json: rules[0].probability: want a number in 0..1, got 2");
  EXPECT_EQ(error_of(R"([{"do": {"omit": ["DiskPth"]}}])"),
            "t.json: rules[0].do[0]: unknown field \"DiskPth\"; did you mean \"DiskPath\"?");
  EXPECT_EQ(error_of(R"([{"do": {"set": {"DiskPath": "mising"}}}])"),
            "t.json: rules[0].do.DiskPath: unknown DiskPath keyword \"mising\"; did you mean \"missing\"? or an "
            "absolute path");
  EXPECT_EQ(error_of(R"([{"do": {"set": {"OutputID": "xyz"}}}])"),
            "t.json: rules[0].do.OutputID: want hex bytes or a length, got \"xyz\"");
  EXPECT_EQ(error_of(R"([{"do": {"kill": "SIGFOO"}}])").rfind("t.json: rules[0].do: unknown signal \"SIGFOO\"", 0), 0u);
  EXPECT_EQ(error_of(R"([{"when": {"handshake": true, "command": "get"}, "do": {"drop": true}}])"),
            "t.json: rules[0].when: \"handshake\" cannot be combined with request conditions (command, close, request, "
            "nth, action)");
  EXPECT_EQ(error_of(R"([{"do": {"drop": false}}])"), "t.json: rules[0].do: want true, got false");
  EXPECT_EQ(error_of(R"({"rule": []})"), "t.json: (top): unknown key \"rule\"; did you mean \"rules\"?");
  EXPECT_EQ(error_of(R"(42)"), "t.json: (top): want a list of rules, got number");
  EXPECT_EQ(error_of(R"([{"do": {"hold": {"count": 0}}}])"),
            "t.json: rules[0].do.count: want an integer in 1..1048576, got 0");
}

TEST(FakeScript, DeepNestingIsRefusedNotRecursedInto) {
  std::string deep = "[{\"do\": {\"set\": {\"Err\": " + std::string(100000, '[') + std::string(100000, ']') + "}}}]";
  EXPECT_EQ(error_of(deep), "t.json: nested deeper than 64 levels");
  EXPECT_EQ(error_of(std::string(100000, '[')), "t.json: nested deeper than 64 levels");
  EXPECT_EQ(error_of("[\"\xff\"]").rfind("t.json:1:3: ", 0), 0u) << error_of("[\"\xff\"]");  // invalid UTF-8
}

TEST(FakeScript, Positions) {
  EXPECT_EQ(line_col("ab\ncd", 4), std::make_pair(int64_t{2}, int64_t{2}));
  EXPECT_EQ(line_col("", 9), std::make_pair(int64_t{1}, int64_t{1}));
  EXPECT_EQ(closest("put", {"get", "put"}), "put");
  EXPECT_EQ(closest("zzzzzz", {"get", "put"}), "");
}

TEST(FakeScript, LoadScriptTakesInlineJsonOrAFile) {
  EXPECT_EQ(load_script("  [{\"do\": {\"drop\": true}}]").rules.size(), 1u);
  try {
    load_script("/nonexistent/script.json");
    FAIL() << "no error";
  } catch (const ScriptError& e) {
    EXPECT_EQ(std::string(e.what()), "/nonexistent/script.json: cannot read script: No such file or directory");
  }
}

// Every example script in the catalogue parses.
TEST(FakeScript, ExampleScriptsParse) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(CPH_SOURCE_DIR) / "scenarios" / "fake-scripts";
  int n = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json" && entry.path().extension() != ".jsonc") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NO_THROW(parse_script(text.str(), entry.path().string())) << entry.path();
    ++n;
  }
  EXPECT_GE(n, 5);
}

}  // namespace
}  // namespace cph::fake
