// The shared options block and run_and_report: exit codes, selection
// errors, the baseline round trip, report files.
#include "cli/report_options.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace cph::runner;
using namespace cph::cli;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "cph-opts-XXXXXX").string();
    path = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
  fs::path path;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A small catalogue whose one failing case can be switched to pass.
struct Catalogue {
  std::shared_ptr<std::atomic<bool>> close_fails = std::make_shared<std::atomic<bool>>(true);
  std::vector<CaseDescriptor> cases;
  Catalogue() {
    auto add = [&](std::string id, Grade g, CaseFunction f) {
      CaseDescriptor d;
      d.info.id = std::move(id);
      d.info.title = "t";
      d.info.grade = g;
      d.run = std::move(f);
      cases.push_back(std::move(d));
    };
    add("get/hit", Grade::must, [](CaseContext&) { return CaseOutcome::pass(); });
    auto flag = close_fails;
    add("close/eof", Grade::must, [flag](CaseContext&) {
      return *flag ? CaseOutcome::fail("fatal", "exited pre-Close with 1 pending requests") : CaseOutcome::pass();
    });
    add("style/should", Grade::should, [](CaseContext&) { return CaseOutcome::fail("x", "y"); });
  }
};

struct Run {
  int code;
  std::string out, err;
};

Run run(const Catalogue& cat, std::vector<std::string> args) {
  CLI::App app{"test"};
  ReportOptions o;
  add_report_options(app, o);
  std::vector<const char*> argv{"test"};
  for (auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), const_cast<char**>(argv.data()));
  } catch (const CLI::ParseError& e) {
    return {2, "", e.what()};
  }
  std::ostringstream out, err;
  int code = run_and_report("check", cat.cases, o, out, err);
  return {code, out.str(), err.str()};
}

}  // namespace

TEST(ReportOptions, ExitCodesFollowGradesAndStrict) {
  Catalogue cat;
  auto r = run(cat, {});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("FAIL  close/eof [MUST]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("WARN  style/should [SHOULD]"), std::string::npos) << r.out;
  *cat.close_fails = false;
  EXPECT_EQ(run(cat, {}).code, 0);
  EXPECT_EQ(run(cat, {"--strict"}).code, 1);
  EXPECT_EQ(run(cat, {"--strict", "--skip", "style"}).code, 0);
}

TEST(ReportOptions, UsageErrorsExitTwo) {
  Catalogue cat;
  auto typo = run(cat, {"--only", "clsoe"});
  EXPECT_EQ(typo.code, 2);
  EXPECT_EQ(typo.err, "cph check: --only clsoe: matches no case (see --list)\n");
  EXPECT_EQ(run(cat, {"--jobs", "0"}).code, 2);
  EXPECT_EQ(run(cat, {"--update-baseline"}).code, 2);
  EXPECT_EQ(run(cat, {"--json", "-", "--html", "-"}).code, 2);
  auto missing = run(cat, {"--baseline", "/nonexistent/b.txt"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_EQ(missing.err, "cph check: /nonexistent/b.txt: cannot read baseline file\n");

  TempDir dir;
  std::ofstream(dir.file("bad.txt")) << "# c\nclose/eof extra words\n";
  auto bad = run(cat, {"--baseline", dir.file("bad.txt")});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find(dir.file("bad.txt") + ":2: unexpected text"), std::string::npos) << bad.err;

  Catalogue dup;
  dup.cases.push_back(dup.cases[0]);
  auto d = run(dup, {});
  EXPECT_EQ(d.code, 2);
  EXPECT_EQ(d.err, "cph check: duplicate case ID \"get/hit\"\n");
}

TEST(ReportOptions, ListPrintsTheSelection) {
  Catalogue cat;
  auto r = run(cat, {"--list", "--skip", "get"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "close/eof  [MUST]  t\nstyle/should  [SHOULD]  t\n");
}

TEST(ReportOptions, BaselineRoundTripNeverGoesStaleSilently) {
  Catalogue cat;
  TempDir dir;
  std::string base = dir.file("known.txt");
  auto up = run(cat, {"--baseline", base, "--update-baseline"});
  EXPECT_EQ(up.code, 0) << up.err;
  EXPECT_NE(slurp(base).find("close/eof # expected: exited pre-Close with\n"), std::string::npos) << slurp(base);
  EXPECT_NE(slurp(base).find("style/should # expected: y\n"), std::string::npos);

  auto known = run(cat, {"--baseline", base});
  EXPECT_EQ(known.code, 0) << known.out;
  EXPECT_NE(known.out.find("KNOWN close/eof"), std::string::npos) << known.out;

  *cat.close_fails = false;  // fixed: the baseline entry is now stale
  auto stale = run(cat, {"--baseline", base});
  EXPECT_EQ(stale.code, 1);
  EXPECT_NE(stale.out.find("STALE close/eof"), std::string::npos) << stale.out;
  EXPECT_NE(stale.out.find("but passed; remove it from the baseline"), std::string::npos);

  // Updating with a selection keeps the entries of cases it did not run.
  EXPECT_EQ(run(cat, {"--baseline", base, "--update-baseline", "--only", "close"}).code, 0);
  std::string text = slurp(base);
  EXPECT_EQ(text.find("close/eof"), std::string::npos) << text;
  EXPECT_NE(text.find("style/should # expected: y\n"), std::string::npos) << text;
  EXPECT_EQ(run(cat, {"--baseline", base, "--strict"}).code, 0);
}

TEST(ReportOptions, WritesEveryRequestedReport) {
  Catalogue cat;
  TempDir dir;
  auto r = run(
      cat, {"--json", dir.file("r.json"), "--junit", dir.file("r.xml"), "--html", dir.file("r.html"), "--jobs", "3"});
  EXPECT_EQ(r.code, 1);
  auto j = nlohmann::json::parse(slurp(dir.file("r.json")));
  EXPECT_EQ(j["exit_code"], 1);
  EXPECT_EQ(j["cases"].size(), 3u);
  EXPECT_EQ(j["cases"][1]["id"], "close/eof");
  EXPECT_NE(slurp(dir.file("r.xml")).find("<testcase name=\"close/eof\" classname=\"close\""), std::string::npos);
  EXPECT_NE(slurp(dir.file("r.html")).find("close/eof"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir.file("r.json.tmp")));

  auto unwritable = run(cat, {"--json", "/nonexistent/dir/r.json"});
  EXPECT_EQ(unwritable.code, 2);
  EXPECT_EQ(unwritable.err, "cph check: /nonexistent/dir/r.json: cannot create file\n");
}
