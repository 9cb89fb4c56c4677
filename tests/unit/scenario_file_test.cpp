// The scenario file format: the data model, defaults, and errors that name
// file:line:col or the JSON path with a suggestion.
#include "scenario/scenario_file.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

using namespace cph::scenario;
using namespace cph::gocmd;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

std::string error_of(const std::string& text, const std::string& file = "s.jsonc") {
  try {
    parse_scenario(text, file);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}

// A valid scenario with `extra` spliced into its top-level object.
std::string with(const std::string& extra, const std::string& steps = R"([{"close": true}])") {
  return R"({"id": "x/y", "title": "t", "pins": "p", "steps": )" + steps + (extra.empty() ? "" : ", " + extra) + "}";
}

struct TempDir {
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "cph-scn-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((path / rel).parent_path());
    std::ofstream(path / rel) << text;
  }
  fs::path path;
};

}  // namespace

TEST(ScenarioFile, FullExample) {
  auto s = parse_scenario(R"jsonc({
    // comments are allowed
    "id": "close/exit-before-reply",
    "title": "The helper exits on close without replying",
    "pins": "Go 1.24+ ignore it",
    "source": "golang/go#70848",
    "profiles": ["go1.24", "go1.26"],
    "fake": {"rules": [{"when": {"close": true}, "do": {"exit": 0}}]},
    "fake_args": ["--strict-framing"],
    "client": {"still_waiting_interval": "100ms", "handshake_timeout": "2s"},
    "timeout": "5s",
    "steps": [
      {"put": {"action": "ab12", "body": "hello"}, "expect": {"outcome": "ok", "request_id": 1}},
      {"get": "ab12", "expect": {"outcome": "ok", "size": 5}},
      {"get": {"action": "cd"}, "cancel_after": "50ms", "expect": {"outcome": "cancelled", "message": "context canceled"}},
      {"parallel": [{"get": "01"}, {"put": {"action": "02", "body_size": 300}}]},
      {"wait_event": {"event": "rule-fired", "detail": {"rule": 0}, "timeout": "1s"}},
      {"put": {"action": "03", "body_hex": "00ff"}, "deadline": 250},
      /* and the end */
      {"close": true, "expect": {"outcome": "ok", "message_regex": "^$"}}
    ],
    "expect": {"outcome": "ok", "pending": [3, 1], "fake_saw": {"requests": {"put": 3}},
               "logs_contain": ["# still waiting"]}
  })jsonc",
                          "scenarios/close/exit.jsonc");
  EXPECT_EQ(s.id, "close/exit-before-reply");
  EXPECT_EQ(s.title, "The helper exits on close without replying");
  EXPECT_EQ(s.pins, "Go 1.24+ ignore it");
  EXPECT_EQ(s.source, "golang/go#70848");
  EXPECT_EQ(s.profiles, (std::vector<std::string>{"go1.24", "go1.26"}));
  ASSERT_TRUE(s.fake_inline.has_value());
  EXPECT_EQ((*s.fake_inline)["rules"][0]["do"]["exit"], 0);
  EXPECT_EQ(s.fake_args, (std::vector<std::string>{"--strict-framing"}));
  EXPECT_EQ(s.client.still_waiting_interval, 100ms);
  EXPECT_EQ(s.client.handshake_timeout, 2000ms);
  EXPECT_FALSE(s.client.reply_timeout.has_value());
  EXPECT_EQ(s.timeout, 5000ms);
  ASSERT_EQ(s.steps.size(), 7u);

  const Step& put = s.steps[0];
  EXPECT_EQ(put.kind, StepKind::put);
  EXPECT_EQ(put.path, "steps[0]");
  EXPECT_EQ(put.action, std::string("\xab\x12", 2) + std::string(30, '\0'));
  EXPECT_EQ(put.body, "hello");
  EXPECT_EQ(put.expect.outcome, OutcomeClass::ok);
  EXPECT_EQ(put.expect.request_id, 1);

  EXPECT_EQ(s.steps[1].kind, StepKind::get);
  EXPECT_EQ(s.steps[1].action.size(), 32u);
  EXPECT_EQ(s.steps[1].expect.size, 5);
  EXPECT_EQ(s.steps[2].cancel_after, 50ms);
  EXPECT_EQ(s.steps[2].expect.outcome, OutcomeClass::cancelled);
  EXPECT_EQ(s.steps[2].expect.message, "context canceled");

  const Step& par = s.steps[3];
  EXPECT_EQ(par.kind, StepKind::parallel);
  ASSERT_EQ(par.parallel.size(), 2u);
  EXPECT_EQ(par.parallel[1].path, "steps[3].parallel[1]");
  EXPECT_EQ(par.parallel[1].body.size(), 300u);
  EXPECT_EQ(par.parallel[1].body[252], '\x01');  // byte i is i % 251

  EXPECT_EQ(s.steps[4].kind, StepKind::wait_event);
  EXPECT_EQ(s.steps[4].event, "rule-fired");
  EXPECT_EQ(s.steps[4].event_detail["rule"], 0);
  EXPECT_EQ(s.steps[4].event_timeout, 1000ms);
  EXPECT_EQ(s.steps[5].body, std::string("\x00\xff", 2));
  EXPECT_EQ(s.steps[5].deadline, 250ms);
  EXPECT_EQ(s.steps[6].kind, StepKind::close);
  EXPECT_EQ(s.steps[6].expect.message_regex, "^$");

  EXPECT_EQ(s.expect.outcome, OutcomeClass::ok);
  EXPECT_EQ(s.expect.pending, (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(s.expect.fake_saw["requests"]["put"], 3);
  EXPECT_EQ(s.expect.logs_contain, (std::vector<std::string>{"# still waiting"}));
}

TEST(ScenarioFile, Defaults) {
  auto s = parse_scenario(with(""), "s.json");
  EXPECT_EQ(s.profiles, known_profiles());
  EXPECT_EQ(s.profiles, (std::vector<std::string>{"go1.21", "go1.24", "go1.25", "go1.26", "go1.27"}));
  EXPECT_FALSE(s.fake_inline.has_value());
  EXPECT_TRUE(s.fake_file.empty());
  EXPECT_EQ(s.timeout, 10000ms);
  EXPECT_TRUE(s.expect.empty());
  EXPECT_FALSE(s.expect.pending.has_value());
}

TEST(ScenarioFile, SyntaxErrorsNameLineAndColumn) {
  EXPECT_EQ(error_of("{\n  \"id\": \"a\",\n  \"title\": tru\n}"),
            "s.jsonc:3:15: syntax error while parsing value - invalid literal; last read: '\"title\": tru<U+000A>'");
  EXPECT_EQ(error_of("// only a comment\n"),
            "s.jsonc:2:1: syntax error while parsing value - unexpected end of input; expected '[', '{', or a literal");
  EXPECT_EQ(error_of("{\"id\": \"a\",}"),
            "s.jsonc:1:12: syntax error while parsing object key - unexpected '}'; expected string literal");
}

TEST(ScenarioFile, SemanticErrorsNameTheJsonPath) {
  EXPECT_EQ(error_of(with("", R"([{"close": true}, {"get": "ab"}, {"get": "cd", "expect": {"outcome": "fatl"}}])")),
            "s.jsonc: steps[2].expect.outcome: unknown outcome \"fatl\"; did you mean \"fatal\"?");
  EXPECT_EQ(error_of(with(R"("profile": ["go1.21"])")),
            "s.jsonc: profile: unknown key \"profile\"; did you mean \"profiles\"?");
  EXPECT_EQ(error_of(with(R"("profiles": ["go1.2"])")),
            "s.jsonc: profiles[0]: unknown profile \"go1.2\"; did you mean \"go1.21\"? (known: go1.21, go1.24, go1.25, "
            "go1.26, go1.27)");
  EXPECT_EQ(error_of(with("", R"([{"gte": "ab"}])")),
            "s.jsonc: steps[0].gte: unknown key \"gte\"; did you mean \"get\"?");
  EXPECT_EQ(error_of(with("", R"([{"get": "ab", "put": {"action": "cd"}}])")),
            "s.jsonc: steps[0]: want exactly one of get, put, close, parallel, wait_event");
  EXPECT_EQ(error_of(with("", R"([{"get": "abc"}])")),
            "s.jsonc: steps[0].get: want 2 to 64 hex digits (an even number), got \"abc\"");
  EXPECT_EQ(error_of(with("", R"([{"put": {"action": "ab", "bdy": "x"}}])")),
            "s.jsonc: steps[0].put.bdy: unknown key \"bdy\"; did you mean \"body\"?");
  EXPECT_EQ(error_of(with("", R"([{"get": "ab", "cancel_after": "soon"}])")),
            "s.jsonc: steps[0].cancel_after: bad duration: \"soon\" is not a duration (want e.g. \"250ms\", \"2s\", "
            "\"5m\")");
  EXPECT_EQ(error_of(with("", R"([{"parallel": [{"get": "ab"}, {"close": 1}]}])")),
            "s.jsonc: steps[0].parallel[1].close: want true");
  EXPECT_EQ(error_of(with("", R"([{"parallel": [{"get": "ab"}]}])")),
            "s.jsonc: steps[0].parallel: want at least two steps to run together");
  EXPECT_EQ(error_of(with("", R"([{"wait_event": "x", "expect": {}}])")),
            "s.jsonc: steps[0].expect: not allowed on a wait_event step");
  EXPECT_EQ(error_of(with(R"("expect": {"outcome": "ok", "message": "a", "message_regex": "b"})")),
            "s.jsonc: expect: give message or message_regex, not both");
  EXPECT_EQ(error_of(with(R"("expect": {"pending": [1, "2"]})")),
            "s.jsonc: expect.pending[1]: want an integer, got a string");
  EXPECT_EQ(error_of(with(R"("expect": {"message_regex": "("})"))
                .rfind("s.jsonc: expect.message_regex: bad regular expression: ", 0),
            0u);
  EXPECT_EQ(error_of(R"({"title": "t", "pins": "p", "steps": []})"), "s.jsonc: id: missing");
  EXPECT_EQ(error_of(R"({"id": "a b", "title": "t", "pins": "p", "steps": []})"),
            "s.jsonc: id: \"a b\" is not a case ID: '/'-separated segments without spaces, '*', '?', '#'");
  EXPECT_EQ(error_of(R"({"id": "a", "title": "t", "pins": "p"})"),
            "s.jsonc: steps: missing (a list of get, put, close, parallel, wait_event steps)");
  EXPECT_EQ(error_of("[1]"), "s.jsonc: want a JSON object with \"id\", \"steps\", ...");
  EXPECT_EQ(error_of(with(R"("fake": "nope.json")"), "dir/s.jsonc"),
            "dir/s.jsonc: fake: no such script file dir/nope.json");
}

TEST(ScenarioFile, GoBlockSaysWhatGoBuildDoes) {
  Scenario exits = parse_scenario(with(R"("go": {"exit": 1, "stderr": "^GOCACHEPROG exited pre-Close"})"), "s.jsonc");
  ASSERT_TRUE(exits.go.has_value());
  EXPECT_FALSE(exits.go->hang);
  EXPECT_EQ(exits.go->exit_code, 1);
  EXPECT_EQ(exits.go->describe(), "exit status 1, stderr ~ /^GOCACHEPROG exited pre-Close/");
  Scenario hangs = parse_scenario(with(R"("go": {"hang": true})"), "s.jsonc");
  ASSERT_TRUE(hangs.go.has_value());
  EXPECT_TRUE(hangs.go->hang);
  EXPECT_FALSE(parse_scenario(with(""), "s.jsonc").go.has_value());

  EXPECT_EQ(error_of(with(R"("go": {"hang": true, "exit": 0})")), "s.jsonc: go: a hang has no exit status or stderr");
  EXPECT_EQ(error_of(with(R"("go": {"stderr": "x"})")), "s.jsonc: go.exit: want go's exit status, a number");
  EXPECT_EQ(error_of(with(R"("go": {"exit": 0, "stdrr": "x"})")),
            "s.jsonc: go.stdrr: unknown key \"stdrr\"; did you mean \"stderr\"?");
  EXPECT_EQ(
      error_of(with(R"("go": {"exit": 1, "stderr": "("})")).rfind("s.jsonc: go.stderr: bad regular expression: ", 0),
      0u);
}

// The go block per condition: the plain form holds wherever no key
// matches; the key with the most matching words wins.
TEST(ScenarioFile, GoBlockPerCondition) {
  Scenario s = parse_scenario(with(R"("go": {"exit": 0, "old-module": {"exit": 1, "stderr": "quota"},
                                           "cold": {"exit": 1, "stderr": "quota"},
                                           "old-module+list": {"exit": 2},
                                           "warm+test-again": {"hang": true}})"),
                              "s.jsonc");
  ASSERT_TRUE(s.go.has_value());
  auto at = [&](const char* name) {
    std::string why;
    auto c = parse_go_condition(name, why);
    EXPECT_TRUE(c.has_value()) << why;
    return s.go->at(*c).describe();
  };
  EXPECT_EQ(at("build"), "exit status 0");
  EXPECT_EQ(at("vet"), "exit status 0");
  EXPECT_EQ(at("old-module"), "exit status 1, stderr ~ /quota/");
  EXPECT_EQ(at("old-module+vet"), "exit status 1, stderr ~ /quota/");
  EXPECT_EQ(at("cold+test"), "exit status 1, stderr ~ /quota/");
  EXPECT_EQ(at("old-module+cold+list"), "exit status 2");  // two words beat one
  EXPECT_EQ(at("test-again"), "hang");
  EXPECT_EQ(s.go->overrides.size(), 4u);

  // old-module and cold both match old-module+cold+build and disagree.
  EXPECT_EQ(error_of(with(R"("go": {"exit": 0, "old-module": {"exit": 1}, "cold": {"exit": 2}})")),
            "s.jsonc: go: \"cold\" and \"old-module\" both match the condition old-module+cold and disagree: "
            "add a key for it (e.g. \"cold+old-module\")");
  // ... unless a key with more words settles it.
  EXPECT_NO_THROW(parse_scenario(
      with(R"("go": {"exit": 0, "old-module": {"exit": 1}, "cold": {"exit": 2}, "old-module+cold": {"exit": 3}})"),
      "s.jsonc"));
  EXPECT_EQ(error_of(with(R"("go": {"exit": 0, "cld": {"exit": 1}})"))
                .rfind("s.jsonc: go.cld: unknown condition \"cld\"; did you mean \"cold\"?", 0),
            0u);
  EXPECT_EQ(error_of(with(R"("go": {"exit": 0, "cold+warm": {"exit": 1}})")),
            "s.jsonc: go.cold+warm: \"cold+warm\" names two values of one axis (module age, store, command)");
  EXPECT_EQ(error_of(with(R"("go": {"exit": 0, "vet": {"exit": "1"}})")),
            "s.jsonc: go.vet.exit: want go's exit status, a number");
  EXPECT_EQ(error_of(with(R"("go": {"exit": 0, "vet": 1})")),
            "s.jsonc: go.vet: want {\"exit\": N, \"stderr\": \"regex\"} or {\"hang\": true}, got a number");
}

TEST(GoCondition, NamesRoundTrip) {
  const auto& all = all_go_conditions();
  ASSERT_EQ(all.size(), 20u);
  EXPECT_EQ(all.front().name(), "build");
  EXPECT_EQ(all.back().name(), "old-module+cold+list");
  for (const auto& c : all) {
    std::string why;
    auto back = parse_go_condition(c.name(), why);
    ASSERT_TRUE(back.has_value()) << c.name() << ": " << why;
    EXPECT_EQ(*back, c) << c.name();
  }
  EXPECT_EQ((GoCondition{GoModuleAge::fresh, GoStore::warm, GoCommand::test_again}.go_args()),
            (std::vector<std::string>{"test", "./..."}));
}

TEST(ScenarioFile, DirectoryLoadsRecursivelySkipsFakeScriptsAndResolvesFakePaths) {
  TempDir dir;
  dir.write("fake-scripts/crash.json", R"({"rules": []})");
  dir.write("close/a.jsonc", R"({"id": "close/a", "title": "t", "pins": "p", "fake": "../fake-scripts/crash.json",
                                 "steps": [{"close": true}]})");
  dir.write("get/b.json", with("").replace(8, 3, "get/b"));
  dir.write("notes.txt", "not a scenario");
  auto all = load_scenario_dir(dir.path.string());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, "close/a");
  EXPECT_EQ(all[0].fake_file, (dir.path / "fake-scripts/crash.json").string());
  EXPECT_EQ(all[1].id, "get/b");

  dir.write("get/c.json", with("").replace(8, 3, "get/b"));
  try {
    load_scenario_dir(dir.path.string());
    FAIL() << "duplicate accepted";
  } catch (const ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), (dir.path / "get/c.json").string() + ": id: \"get/b\" is also the ID of " +
                                         (dir.path / "get/b.json").string());
  }
}
