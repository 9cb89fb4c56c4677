// `cph check`'s go/ cases (issue 21): the real go builds and tests the
// catalogue's sample module through the helper, with cph-fake's scripts as
// the helpers under test. Skipped, with the reason, without Go >= 1.24.
//
// The fast tests need no go test of package testing (a failing put stops go
// at once; a missing go skips). The Slow ones run the whole sequence: a cold
// go test compiles package testing's dependencies through the helper, 20 s on
// an idle 2-core machine, minutes on a busy one.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "gocmd/go_bench.hpp"
#include "run_program.hpp"
#include "test_scale.hpp"

namespace cph::interop {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::Ran;
using test::run_program;

struct Report {
  int code = -1;
  std::string output;
  std::map<std::string, nlohmann::json> cases;  // by ID
};

// cph check --only 'go/*' against cph-fake with `script` (a file under
// scenarios/fake-scripts, or none), run from the source tree so the relative
// script path is the helper's own: go starts the helper, the case's wrapper
// puts it back in cph's directory.
Report check_go(const std::string& script, std::vector<std::string> extra = {}, std::chrono::seconds limit = 1800s) {
  const fs::path json = fs::temp_directory_path() /
                        ("cph-check-go-" + std::to_string(::getpid()) + "-" + std::to_string(std::rand()) + ".json");
  std::vector<std::string> argv{
      CPH_CLI_BIN, "check",       "--only",          "go/*",
      "--json",    json.string(), "--timeout-scale", std::to_string(test::load_timeout_scale())};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.insert(argv.end(), {"--", CPH_FAKE_BIN, "--dir", "{dir}"});
  if (!script.empty()) argv.insert(argv.end(), {"--script", "scenarios/fake-scripts/" + script});
  Ran r = run_program(argv, {CPH_SOURCE_DIR, {}, limit});
  Report out;
  out.code = r.code;
  out.output = r.out;
  std::ifstream in(json);
  auto report = nlohmann::json::parse(in, nullptr, false);
  fs::remove(json);
  if (report.is_object()) {
    for (const auto& c : report["cases"]) out.cases[c.value("id", "")] = c;
  }
  return out;
}

std::string status(const Report& r, const std::string& id) {
  auto it = r.cases.find(id);
  return it == r.cases.end() ? "(absent)" : it->second.value("status", "");
}

// No machine path in any case's evidence: the store is {dir}, the rest $WORK
// and $GOROOT, the helper as the user wrote it.
void expect_no_machine_paths(const Report& r) {
  const std::string tmp = fs::temp_directory_path().string() + "/";
  for (const auto& [id, c] : r.cases) {
    for (const char* field : {"expected", "observed", "details"}) {
      const std::string text = c.value(field, "");
      EXPECT_EQ(text.find("cph-check-"), std::string::npos) << id << " " << field << ": " << text;
      EXPECT_EQ(text.find(tmp), std::string::npos) << id << " " << field << ": " << text;
      EXPECT_EQ(text.find("helper.sh"), std::string::npos) << id << " " << field << ": " << text;
    }
  }
}

bool have_go(std::string& why) { return gocmd::find_go("go", "local", why).has_value(); }

TEST(CheckGo, WithoutGoEveryGoCaseIsSkippedWithTheReason) {
  Report r = check_go("", {"--go-command", "/nonexistent/bin/go"}, 120s);
  EXPECT_EQ(r.code, 0) << r.output;
  ASSERT_EQ(r.cases.size(), 3u) << r.output;
  for (const auto& [id, c] : r.cases) {
    EXPECT_EQ(c.value("status", ""), "skip") << id;
    EXPECT_NE(c.value("details", "").find("no go command to judge with: `/nonexistent/bin/go env GOROOT GOVERSION`"),
              std::string::npos)
        << id << ": " << c.dump();
  }
  EXPECT_NE(r.output.find("no go command to judge with"), std::string::npos) << r.output;  // the text report too
}

// Puts that fail with Err: go fails as soon as it indexes a package (the
// module is old), so the MUST case fails with go's stderr, and the cases
// that need a successful build or test say why they cannot judge.
TEST(CheckGo, PutsThatFailFailTheMustCaseWithGoStderr) {
  std::string why;
  if (!have_go(why)) GTEST_SKIP() << "needs Go >= 1.24 on PATH: " << why;
  Report r = check_go("put-err.json", {}, 900s);
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_EQ(status(r, "go/build-and-test"), "fail") << r.output;
  EXPECT_EQ(status(r, "go/second-build-served"), "skip") << r.output;
  EXPECT_EQ(status(r, "go/test-cache-honours-clean"), "skip") << r.output;
  const auto& c = r.cases["go/build-and-test"];
  EXPECT_NE(c.value("observed", "").find("the first go build"), std::string::npos) << c.dump();
  EXPECT_NE(c.value("observed", "").find("exit status 1"), std::string::npos) << c.dump();
  EXPECT_NE(c.value("observed", "").find(" ran"), std::string::npos) << c.dump();  // "go1.26.8 ran"
  EXPECT_NE(c.value("details", "").find("quota exceeded"), std::string::npos) << c.dump();
  expect_no_machine_paths(r);
}

TEST(CheckGoSlow, CphFakePassesEveryGoCase) {
  std::string why;
  if (!have_go(why)) GTEST_SKIP() << "needs Go >= 1.24 on PATH: " << why;
  Report r = check_go("");
  EXPECT_EQ(r.code, 0) << r.output;
  for (const char* id : {"go/build-and-test", "go/second-build-served", "go/test-cache-honours-clean"}) {
    EXPECT_EQ(status(r, id), "pass") << id << "\n" << r.output;
  }
  expect_no_machine_paths(r);
}

TEST(CheckGoSlow, GetsThatMissFailOnlyTheServedCase) {
  std::string why;
  if (!have_go(why)) GTEST_SKIP() << "needs Go >= 1.24 on PATH: " << why;
  Report r = check_go("gets-miss.json");
  EXPECT_EQ(r.code, 0) << r.output;  // a SHOULD
  EXPECT_EQ(status(r, "go/build-and-test"), "pass") << r.output;
  EXPECT_EQ(status(r, "go/second-build-served"), "fail") << r.output;
  EXPECT_EQ(status(r, "go/test-cache-honours-clean"), "skip") << r.output;
  const std::string observed = r.cases["go/second-build-served"].value("observed", "");
  EXPECT_NE(observed.find("example.com/cph-go-module/lib"), std::string::npos) << observed;
  expect_no_machine_paths(r);
}

TEST(CheckGoSlow, GetsWithoutTimeFailTheTestCacheCase) {
  std::string why;
  if (!have_go(why)) GTEST_SKIP() << "needs Go >= 1.24 on PATH: " << why;
  Report r = check_go("get-no-time.json");
  EXPECT_EQ(r.code, 0) << r.output;  // a SHOULD
  EXPECT_EQ(status(r, "go/build-and-test"), "pass") << r.output;
  EXPECT_EQ(status(r, "go/second-build-served"), "pass") << r.output;
  EXPECT_EQ(status(r, "go/test-cache-honours-clean"), "fail") << r.output;
  const std::string observed = r.cases["go/test-cache-honours-clean"].value("observed", "");
  EXPECT_NE(observed.find("go test answered (cached)"), std::string::npos) << observed;
  expect_no_machine_paths(r);
}

}  // namespace
}  // namespace cph::interop
