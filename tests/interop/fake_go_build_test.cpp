// The real `go build` with GOCACHEPROG pointing at cph-fake: it succeeds, and
// a second build (new fake process, same store, fresh GOCACHE) is served
// from the fake. Skipped, with the reason, without Go >= 1.24 on PATH.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "proc/look_path.hpp"
#include "run_program.hpp"

namespace cph::fake {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

using test::Ran;
using test::run_program;

// The go on PATH and its minor version, or why there is none usable.
std::optional<std::string> usable_go(std::string& why) {
  const char* path_env = std::getenv("PATH");
  auto found = proc::look_path("go", path_env ? path_env : "");
  if (!found.ok()) {
    why = "go is not on PATH (" + found.error + ")";
    return std::nullopt;
  }
  Ran v = run_program({found.path, "env", "GOVERSION"}, {"", {"GOTOOLCHAIN=local"}, 30s});
  std::smatch m;
  static const std::regex re(R"(^go1\.(\d+))");
  if (!v.status || !v.status->success() || !std::regex_search(v.stdout_text, m, re)) {
    why = "`go env GOVERSION` failed: " + v.stderr_text;
    return std::nullopt;
  }
  if (std::stoi(m.str(1)) < 24) {
    why = m.str(0) + " is older than go1.24";
    return std::nullopt;
  }
  return found.path;
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return nlohmann::json::parse(s.str());
}

TEST(FakeGoBuild, BuildsTwiceAndTheSecondIsServedFromTheFake) {
  std::string why;
  auto go = usable_go(why);
  if (!go) GTEST_SKIP() << "needs Go >= 1.24 on PATH: " << why;

  std::string tmpl = (fs::temp_directory_path() / "cph-fake-go-build-XXXXXX").string();
  ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
  const fs::path tmp = tmpl;
  struct Cleanup {
    fs::path p;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(p, ec);
    }
  } cleanup{tmp};
  const std::string sample = std::string(CPH_SOURCE_DIR) + "/tests/interop/testdata/sample";
  const std::string store = (tmp / "store").string();

  auto build = [&](int n) {
    std::string stats = (tmp / ("stats" + std::to_string(n) + ".json")).string();
    std::vector<std::string> env = {
        "GOCACHEPROG=" + std::string(CPH_FAKE_BIN) + " --dir " + store + " --stats " + stats,
        "GOCACHE=" + (tmp / ("gocache" + std::to_string(n))).string(),  // fresh each time
        "GOFLAGS=-mod=mod",
        "GOTOOLCHAIN=local",
        "GOPATH=" + (tmp / "gopath").string(),
    };
    Ran r = run_program({*go, "build", "-o", (tmp / "sample").string(), "."}, {sample, env, 420s});
    EXPECT_TRUE(r.status) << "go build " << n << " hung past its deadline; stderr:\n" << r.stderr_text;
    if (r.status) {
      EXPECT_TRUE(r.status->success()) << "go build " << n << ": " << r.status->describe() << "\n" << r.stderr_text;
    }
    return read_json(stats);
  };

  nlohmann::json first = build(1);
  EXPECT_GT(first["requests"].value("put", 0), 0) << first.dump();
  EXPECT_EQ(first["put_errors"], 0) << first.dump();
  Ran ran = run_program({(tmp / "sample").string()}, {"", {}, 30s});
  EXPECT_EQ(ran.stdout_text, "hello, CACHE 14\n");

  nlohmann::json second = build(2);
  EXPECT_GT(second["hits"].get<int64_t>(), 0) << second.dump();
  EXPECT_GT(second["hits"].get<int64_t>(), second["misses"].get<int64_t>()) << second.dump();
  EXPECT_EQ(second["requests"].value("close", 0), 1) << second.dump();
  ran = run_program({(tmp / "sample").string()}, {"", {}, 30s});
  EXPECT_EQ(ran.stdout_text, "hello, CACHE 14\n");
}

}  // namespace
}  // namespace cph::fake
