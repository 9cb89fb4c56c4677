// `cph scenarios --go [GO]` (issue 21): each scenario's fake under the real
// go, per condition, against the scenario's go block. A few scenarios on the
// catalogue's sample module, go build and go list only (no warm-up of
// package testing), so a run takes seconds.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "gocmd/go_bench.hpp"
#include "run_program.hpp"

namespace cph::interop {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::Ran;
using test::run_program;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "cph-scenarios-go-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// err/put's fake with a go block that is right in the conditions asked for,
// and one that claims go survives failing puts on an old module.
const char* kPutErr = R"({
  "id": "%ID%", "title": "A put reply carries Err", "pins": "p",
  "fake": {"rules": [{"when": {"command": "put"}, "do": {"set": {"Err": "quota exceeded"}}}]},
  "go": %GO%,
  "steps": [{"close": true}]
})";

void write_scenario(const fs::path& dir, const std::string& id, const std::string& go) {
  std::string text = kPutErr;
  text.replace(text.find("%ID%"), 4, id);
  text.replace(text.find("%GO%"), 4, go);
  fs::create_directories((dir / id).parent_path());
  std::ofstream(dir / (id + ".json")) << text;
}

bool have_go(std::string& why) { return gocmd::find_go("go", "local", why).has_value(); }

TEST(ScenariosGoCli, MissingGoIsAClearUsageError) {
  Ran r = run_program({CPH_CLI_BIN, "scenarios", "--go=/nonexistent/bin/go", "--only", "err/put"}, {"", {}, 60s});
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.stderr_text.find("cph scenarios: --go: `/nonexistent/bin/go env GOROOT GOVERSION`"), std::string::npos)
      << r.stderr_text;
  EXPECT_NE(r.stderr_text.find("no such file or directory"), std::string::npos) << r.stderr_text;

  r = run_program({CPH_CLI_BIN, "scenarios", "--go", "--only", "err/put"}, {"", {"PATH=/nonexistent"}, 60s});
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.stderr_text.find("cph scenarios: --go: go is not on PATH"), std::string::npos) << r.stderr_text;

  r = run_program({CPH_CLI_BIN, "scenarios", "--go", "--condition", "cld", "--only", "err/put"}, {"", {}, 60s});
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.stderr_text.find("--condition cld: unknown condition \"cld\"; did you mean \"cold\"?"), std::string::npos)
      << r.stderr_text;
}

TEST(ScenariosGoCli, ListsOneCasePerScenarioAndCondition) {
  Ran r = run_program({CPH_CLI_BIN, "scenarios", "--go", "--list", "--only", "err/put*", "--condition", "build",
                       "--condition", "old-module+cold+list"},
                      {"", {}, 60s});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.stdout_text.find("err/put@go:build"), std::string::npos) << r.stdout_text;
  EXPECT_NE(r.stdout_text.find("err/put@go:old-module+cold+list"), std::string::npos) << r.stdout_text;
}

// The right block passes, the wrong one fails in the one condition where it
// is wrong, with go's stderr in the report.
TEST(ScenariosGoCli, ReportsWhatGoDidPerConditionAndFailsOnADisagreement) {
  std::string why;
  if (!have_go(why)) GTEST_SKIP() << "needs Go >= 1.24 on PATH: " << why;
  TempDir tmp;
  const fs::path dir = tmp.path / "scenarios";
  write_scenario(dir, "mine/right", R"({"exit": 0, "old-module": {"exit": 1, "stderr": "quota exceeded$"},
                                         "cold": {"exit": 1, "stderr": "quota exceeded$"}})");
  write_scenario(dir, "mine/wrong", R"({"exit": 0})");
  const fs::path json = tmp.path / "report.json";
  Ran r = run_program({CPH_CLI_BIN, "scenarios", "--go", "--condition", "build", "--condition", "old-module",
                       "--condition", "list", "--json", json.string(), dir.string()},
                      {tmp.path.string(), {}, 300s});
  EXPECT_EQ(r.code, 1) << r.out;
  std::ifstream in(json);
  nlohmann::json report = nlohmann::json::parse(in, nullptr, false);
  ASSERT_TRUE(report.is_object()) << r.out;
  std::map<std::string, std::string> status;
  std::string wrong_observed;
  for (const auto& c : report["cases"]) {
    status[c["id"]] = c["status"];
    if (c["id"] == "mine/wrong@go:old-module") wrong_observed = c.value("observed", "");
  }
  EXPECT_EQ(status["mine/right@go:build"], "pass") << r.out;
  EXPECT_EQ(status["mine/right@go:old-module"], "pass") << r.out;
  EXPECT_EQ(status["mine/right@go:list"], "pass") << r.out;
  EXPECT_EQ(status["mine/wrong@go:build"], "pass") << r.out;
  EXPECT_EQ(status["mine/wrong@go:list"], "pass") << r.out;
  EXPECT_EQ(status["mine/wrong@go:old-module"], "fail") << r.out;
  EXPECT_NE(wrong_observed.find("exit status 1, stderr: pattern ./...: quota exceeded"), std::string::npos)
      << wrong_observed;
}

}  // namespace
}  // namespace cph::interop
