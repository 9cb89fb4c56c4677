// The check catalogue as data: stable, valid IDs, a requirement, a source and
// a grade for every case, the options that change it, and docs/checks.md in
// step with it.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "check/catalogue.hpp"
#include "check/catalogue_doc.hpp"
#include "proc/temp_dir.hpp"
#include "runner/runner.hpp"
#include "session/disk_check.hpp"
#include "session/helper_argv.hpp"
#include "session/pattern_body.hpp"
#include "wire/sha256.hpp"

namespace cph::check {
namespace {

using namespace session;
using proc::TempDir;

CheckConfig config() {
  CheckConfig c;
  c.helper = {"helper", "--dir={dir}"};
  return c;
}

TEST(CheckCatalogue, EveryCaseIsComplete) {
  Catalogue cat = check_catalogue(config());
  EXPECT_NO_THROW(runner::validate_catalogue(cat));
  std::set<std::string> groups;
  for (const auto& c : cat) {
    SCOPED_TRACE(c.info.id);
    EXPECT_FALSE(c.info.title.empty());
    EXPECT_FALSE(c.info.requirement.empty());
    EXPECT_FALSE(c.info.source.empty());
    EXPECT_TRUE(c.run);
    groups.insert(c.info.id.substr(0, c.info.id.find('/')));
  }
  for (const char* g : {"handshake", "get", "put", "bodies", "concurrency", "dialects", "sharing", "close", "eof",
                        "persistence", "crash", "hostile"}) {
    EXPECT_TRUE(groups.count(g)) << g;
  }
}

TEST(CheckCatalogue, GradesFollowTheIssue) {
  auto grade = [](const CheckConfig& cfg, const std::string& id) {
    for (const auto& c : check_catalogue(cfg)) {
      if (c.info.id == id) return c.info.grade;
    }
    ADD_FAILURE() << "no case " << id;
    return runner::Grade::info;
  };
  EXPECT_EQ(grade(config(), "handshake/id0-first"), runner::Grade::must);
  EXPECT_EQ(grade(config(), "handshake/known-commands-close"), runner::Grade::info);
  EXPECT_EQ(grade(config(), "close/exit-after-reply"), runner::Grade::must);
  EXPECT_EQ(grade(config(), "dialects/go1.21-objectid"), runner::Grade::info);
  EXPECT_EQ(grade(config(), "hostile/malformed-json"), runner::Grade::should);
  EXPECT_EQ(grade(config(), "crash/sigkill-during-puts"), runner::Grade::must);
  EXPECT_EQ(grade(config(), "persistence/restart-serves"), runner::Grade::should);
  CheckConfig nothing = config();
  nothing.keeps_nothing = true;
  EXPECT_EQ(grade(nothing, "persistence/restart-serves"), runner::Grade::info);
}

// --go: the grades that depend on the release, each as Go's source says.
TEST(CheckCatalogue, GradesDependOnTheTargetGoRelease) {
  auto for_go = [](const char* name) {
    CheckConfig c = config();
    c.profile = *client::Profile::parse(name);
    c.dialect = c.profile.dialect();
    return c;
  };
  auto find = [](const CheckConfig& cfg, const std::string& id) {
    for (const auto& c : check_catalogue(cfg)) {
      if (c.info.id == id) return c.info;
    }
    ADD_FAILURE() << "no case " << id;
    return runner::CaseInfo{};
  };
  // close/reply: go1.21-go1.23 hang without the reply (golang/go#70848);
  // from go1.24 on Close accepts an exit instead (errCacheprogClosed).
  EXPECT_EQ(find(for_go("go1.21"), "close/reply").grade, runner::Grade::must);
  EXPECT_EQ(find(for_go("go1.23"), "close/reply").grade, runner::Grade::must);
  for (const char* go : {"go1.24", "go1.25", "go1.26", "go1.27", "go1.30"}) {
    SCOPED_TRACE(go);
    EXPECT_EQ(find(for_go(go), "close/reply").grade, runner::Grade::should);
    EXPECT_NE(find(for_go(go), "close/reply").source.find("errCacheprogClosed"), std::string::npos);
    EXPECT_EQ(find(for_go(go), "dialects/go1.21-objectid").grade, runner::Grade::info);
  }
  EXPECT_EQ(find(for_go("go1.21"), "dialects/go1.21-objectid").grade, runner::Grade::must);
  // close not declared: INFO everywhere, with the reason for that release.
  EXPECT_EQ(find(for_go("go1.21"), "handshake/known-commands-close").grade, runner::Grade::info);
  EXPECT_NE(find(for_go("go1.21"), "handshake/known-commands-close").requirement.find("70848"), std::string::npos);
  EXPECT_NE(find(for_go("go1.25"), "handshake/known-commands-close").requirement.find("cmd.Cancel = in.Close"),
            std::string::npos);
  // The harness's own policies say so.
  EXPECT_NE(find(config(), "handshake/within-1s").requirement.find("policy, not Go's"), std::string::npos);
  EXPECT_NE(find(config(), "hostile/outputid-mismatch").requirement.find("hardening policy"), std::string::npos);
  // The default is the newest release.
  EXPECT_EQ(config().profile.name(), client::Profile::newest().name());
  EXPECT_EQ(client::Profile::newest().name(), client::Profile::all().back().name());
}

TEST(CheckCatalogue, DirPlaceholder) {
  EXPECT_EQ(expand_dir({"h", "--cache-dir={dir}", "{dir}/{dir}"}, "/t"),
            (std::vector<std::string>{"h", "--cache-dir=/t", "/t//t"}));
  EXPECT_TRUE(mentions_dir({"h", "-d", "{dir}"}));
  EXPECT_FALSE(mentions_dir({"h", "-d", "{di}"}));
  std::string path;
  {
    TempDir dir;
    path = dir.path();
    std::ofstream(path + "/f") << "x";
    EXPECT_TRUE(std::filesystem::exists(path + "/f"));
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(CheckCatalogue, PatternBodyIsDeterministicAndSliceable) {
  PatternBody b(42, 100000);
  const std::string whole = b.whole();
  ASSERT_EQ(whole.size(), 100000u);
  EXPECT_EQ(b.slice(12345, 999), whole.substr(12345, 999));
  EXPECT_EQ(b.slice(99990, 100), whole.substr(99990));
  EXPECT_EQ(b.sha256(), wire::sha256(whole));
  EXPECT_NE(PatternBody(43, 100000).whole(), whole);
}

TEST(CheckCatalogue, DiskPathProblems) {
  TempDir dir;
  const std::string f = dir.path() + "/obj";
  std::ofstream(f) << "body";
  EXPECT_EQ(disk_path_problem(f, 4, wire::sha256("body")), "");
  EXPECT_NE(disk_path_problem(f, 5, wire::sha256("body")).find("size 4, want 5"), std::string::npos);
  EXPECT_NE(disk_path_problem(f, 4, wire::sha256("bodx")).find("SHA-256"), std::string::npos);
  EXPECT_NE(disk_path_problem("obj", 4, wire::sha256("body")).find("not absolute"), std::string::npos);
  EXPECT_NE(disk_path_problem(dir.path(), 4, wire::sha256("body")).find("not a regular file"), std::string::npos);
  EXPECT_NE(disk_path_problem(f + "x", 4, wire::sha256("body")).find("No such file"), std::string::npos);
  // A hostile helper's FIFO must not block the harness (nobody writes to it).
  ASSERT_EQ(::mkfifo((dir.path() + "/fifo").c_str(), 0600), 0);
  EXPECT_NE(disk_path_problem(dir.path() + "/fifo", 4, wire::sha256("body")).find("not a regular file"),
            std::string::npos);
  EXPECT_TRUE(has_extension("/a/b.o"));
  EXPECT_FALSE(has_extension("/a.d/b"));
  EXPECT_FALSE(has_extension("/a/0123abcd"));
}

TEST(CheckDocs, ChecksMarkdownIsUpToDate) {
  const std::string path = std::string(CPH_SOURCE_DIR) + "/docs/checks.md";
  const std::string want = render_checks_markdown(config());
  if (const char* u = std::getenv("CPH_UPDATE_DOCS"); u && std::string(u) == "1") {
    std::ofstream(path, std::ios::trunc) << want;
  }
  std::ifstream f(path);
  std::stringstream have;
  have << f.rdbuf();
  EXPECT_EQ(have.str(), want) << path << " is stale: rerun with CPH_UPDATE_DOCS=1";
}

}  // namespace
}  // namespace cph::check
