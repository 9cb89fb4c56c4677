// `cph check -- cph-fake` against the fake's misbehaviours: the correct fake
// passes every MUST and SHOULD case, and each scripted misbehaviour fails
// exactly the cases that should catch it (within the row's --only scope).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "proc/child.hpp"
#include "sanitized_build.hpp"
#include "test_scale.hpp"
#include "wire/sha256.hpp"

namespace {

struct CphRun {
  int exit_code = -1;
  std::string output;     // stdout and stderr
  nlohmann::json report;  // the --json report
};

// Runs `cph check` with `args`, bounded by a deadline; the JSON report is
// written to a temp file.
CphRun run_check(const std::vector<std::string>& args, std::chrono::seconds limit = std::chrono::seconds(120)) {
  auto json_path = std::filesystem::temp_directory_path() /
                   ("cph-check-table-" + std::to_string(::getpid()) + "-" +
                    std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + ".json");
  cph::proc::SpawnOptions opts;
  // The go/ cases (the real go building through the fake: minutes on a busy
  // machine) have their own tests: tests/interop/check_go_test.cpp.
  opts.argv = {CPH_CLI_BIN, "check", "--json", json_path.string(), "--skip", "go/*"};
  opts.argv.insert(opts.argv.end(), args.begin(), args.end());
  std::string error;
  auto child = cph::proc::Child::spawn(opts, error);
  CphRun run;
  if (!child) {
    run.output = error;
    return run;
  }
  child->close_stdin();
  // `limit` is an idle machine's; the rows' deadlines stretch with the load
  // (load_factor()), so this one does too.
  const auto deadline = cph::proc::deadline_in(cph::test::load_scaled(limit));
  char buf[4096];
  for (;;) {
    auto r = child->read_stdout(buf, sizeof buf, deadline);
    run.output.append(buf, r.bytes);
    if (r.status != cph::proc::IoStatus::ok) break;
  }
  for (;;) {
    auto r = child->read_stderr(buf, sizeof buf, cph::proc::deadline_in(std::chrono::seconds(1)));
    run.output.append(buf, r.bytes);
    if (r.status != cph::proc::IoStatus::ok) break;
  }
  auto st = child->wait_until(deadline);
  if (!st) {
    child->terminate();
    run.output += "\n(cph check did not finish in time)";
    return run;
  }
  run.exit_code = st->exit_code();
  std::ifstream f(json_path);
  if (f) run.report = nlohmann::json::parse(f, nullptr, false);
  std::filesystem::remove(json_path);
  return run;
}

std::set<std::string> failing(const nlohmann::json& report, bool with_info = true) {
  std::set<std::string> out;
  if (!report.is_object() || !report.contains("cases")) return out;
  for (const auto& c : report["cases"]) {
    const std::string status = c.value("status", "");
    if ((status == "fail" || status == "error") && (with_info || c.value("grade", "") != "INFO")) {
      out.insert(c.value("id", ""));
    }
  }
  return out;
}

std::string join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : " ") + x;
  return out.empty() ? "(none)" : out;
}

std::vector<std::string> fake_command(const std::string& script, const std::vector<std::string>& fake_args = {}) {
  std::vector<std::string> argv = {"--", CPH_FAKE_BIN, "--dir", "{dir}"};
  argv.insert(argv.end(), fake_args.begin(), fake_args.end());
  if (!script.empty()) {
    argv.push_back("--script");
    argv.push_back(script);
  }
  return argv;
}

// How much this machine, now, stretches the rows' deadlines: the test scale
// (test_scale.hpp), and enough that handshake/within-1s's one second (times
// the scale) is four times the fake's measured start-up, since with --jobs 4
// four fakes start at once. Measured once per test process.
double load_factor() {
  static const double factor = [] {
    const double startup_s = std::chrono::duration<double>(cph::test::measured_fake_startup()).count();
    const double f = std::max(cph::test::timeout_scale(), 4 * startup_s);
    std::printf("load factor %.2f (fake start-up %.0f ms)\n", f, startup_s * 1000);
    return f;
  }();
  return factor;
}

TEST(CheckFake, CorrectFakePassesEveryMustAndShouldCase) {
  const auto start = std::chrono::steady_clock::now();
  // A loaded CI machine may take over 1 s to start the fake
  // (handshake/within-1s): at least 2, more on a machine measured slower.
  std::vector<std::string> args = {"--timeout-scale", std::to_string(std::max(2.0, load_factor()))};
  if (cph::testing::kSanitizedBuild) {
    // bodies/streaming grades peak RSS growth, which a sanitizer inflates.
    std::printf("skipping bodies/streaming: %s\n", cph::testing::kRssUnderSanitizer);
    args.insert(args.end(), {"--skip", "bodies/streaming"});
  }
  auto cmd = fake_command("");
  args.insert(args.end(), cmd.begin(), cmd.end());
  CphRun run = run_check(args);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(run.report.is_object()) << run.output;
  EXPECT_EQ(failing(run.report, /*with_info=*/false), std::set<std::string>{}) << run.output;
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_GE(run.report["cases"].size(), 45u);
  // Its time is measured by `make bench` (the 30 s budget for the default
  // suite), not asserted here: a loaded or sanitized run takes longer.
  std::printf("cph check -- cph-fake: %.2f s\n", seconds);
}

struct Row {
  const char* name;               // the gtest parameter name
  std::string script;             // inline JSON
  std::vector<std::string> only;  // --only scope
  std::set<std::string> fails;    // exactly these fail (status fail or error)
  // --timeout-scale, times load_factor() unless `pinned` (a row whose
  // failure is a deadline the fake misses by a fixed margin).
  double timeout_scale = 1.0;
  std::string go = {};  // --go (default: none given, the newest)
  // Case ID -> text its observed value must contain.
  std::vector<std::pair<std::string, std::string>> says = {};
  int exit = -1;  // the exit status wanted; -1: 1 exactly when a listed case is MUST in the report
  bool pinned = false;
  std::vector<std::string> fake_args = {};  // more cph-fake flags
};

// The hex prefix of the ActionID a check case derives from `name`
// (CaseRig::action), for a rule that fires on that request alone.
std::string action_prefix(const std::string& case_id, const std::string& name) {
  return cph::wire::to_hex(cph::wire::sha256("cph-check " + case_id + " " + name)).substr(0, 12);
}

// Err on this case's hostile put (request 1), then, at the next request (the
// harness's good entry, or its honest put), an exit with a message:
// acceptable. (A fresh helper on the directory does not exit: its request 2
// is another.)
std::string err_then_exit(const std::string& case_id, const std::string& next) {
  return R"({"when":{"action":")" + action_prefix(case_id, "hostile") + R"("},"do":{"set":{"Err":"bad request"}}},)" +
         R"({"when":{"command":"put","request":2,"action":")" + action_prefix(case_id, next) +
         R"("},"do":[{"stderr":"helper: bad request, giving up\n"},{"exit":1}]})";
}

// What a Go helper prints when it panics (runtime/panic.go), then exit 2.
const std::string kGoPanic =
    R"({"stderr":"panic: runtime error: index out of range [0] with length 0\n\ngoroutine 7 [running]:\n)"
    R"(main.handle({0x0, 0x0, 0x0})\n\t/src/helper/main.go:42 +0x1d\n"},{"exit":2})";

std::ostream& operator<<(std::ostream& os, const Row& r) { return os << r.name; }

const std::vector<Row>& rows() {
  static const std::vector<Row> table = {
      // The handshake.
      {"known_commands_empty",
       R"({"rules":[{"when":{"handshake":true},"do":{"set":{"KnownCommands":[]}}}]})",
       {"handshake"},
       {"handshake/known-commands-nonempty", "handshake/known-commands-get", "handshake/known-commands-put",
        "handshake/known-commands-close", "handshake/json-only-stdout"}},
      {"known_commands_missing",
       R"({"rules":[{"when":{"handshake":true},"do":{"omit":["KnownCommands"]}}]})",
       {"handshake"},
       {"handshake/known-commands-nonempty", "handshake/known-commands-get", "handshake/known-commands-put",
        "handshake/known-commands-close", "handshake/json-only-stdout"}},
      {"known_commands_no_close",
       R"({"rules":[{"when":{"handshake":true},"do":{"set":{"KnownCommands":["get","put"]}}}]})",
       {"handshake"},
       {"handshake/known-commands-close"}},
      {"known_commands_get_only",
       R"({"rules":[{"when":{"handshake":true},"do":{"set":{"KnownCommands":["get"]}}}]})",
       {"handshake"},
       {"handshake/known-commands-put", "handshake/known-commands-close"}},
      {"handshake_wrong_id",
       R"({"rules":[{"when":{"handshake":true},"do":{"id":7}}]})",
       {"handshake"},
       {"handshake/id0-first", "handshake/known-commands-nonempty", "handshake/known-commands-get",
        "handshake/known-commands-put", "handshake/known-commands-close", "handshake/within-1s",
        "handshake/json-only-stdout"}},
      {"handshake_garbage_first",
       R"({"rules":[{"when":{"handshake":true},"do":{"prefix":"hello\n"}}]})",
       {"handshake"},
       {"handshake/id0-first", "handshake/known-commands-nonempty", "handshake/known-commands-get",
        "handshake/known-commands-put", "handshake/known-commands-close", "handshake/within-1s",
        "handshake/json-only-stdout"}},
      // Pinned at scale 1: the 1 s limit against a 1.5 s delay (a slower machine only misses it by more).
      {"handshake_slow",
       R"({"rules":[{"when":{"handshake":true},"do":{"delay":"1500ms"}}]})",
       {"handshake/within-1s", "handshake/id0-first"},
       {"handshake/within-1s"},
       1.0,
       "",
       {},
       -1,
       true},
      {"handshake_never",
       R"({"rules":[{"when":{"handshake":true},"do":{"drop":true}}]})",
       {"handshake/within-1s"},
       {"handshake/within-1s"}},
      {"handshake_twice",
       R"({"rules":[{"when":{"handshake":true},"do":{"duplicate":1}}]})",
       {"handshake/json-only-stdout", "get/miss-unknown", "close/reply"},
       {"handshake/json-only-stdout", "get/miss-unknown", "close/reply"}},
      // Gets.
      {"get_err",
       R"({"rules":[{"when":{"command":"get"},"do":{"set":{"Err":"boom"}}}]})",
       {"get", "put"},
       {"get/miss-no-err", "get/hit-after-put", "get/time-plausible"}},
      {"get_always_miss",
       R"({"rules":[{"when":{"command":"get"},"do":{"set":{"Miss":true}}}]})",
       {"get", "put", "sharing", "dialects"},
       {"get/hit-after-put", "get/time-plausible", "sharing/same-put-twice", "sharing/one-output-many-actions",
        "sharing/two-helpers-one-dir", "dialects/go1.21-objectid", "dialects/go1.24-both", "dialects/go1.25-outputid"}},
      {"get_wrong_content",
       R"({"rules":[{"when":{"command":"get"},"do":{"set":{"DiskPath":"wrong-content"}}}]})",
       {"get", "put"},
       {"get/hit-after-put"}},
      {"get_missing_file",
       R"({"rules":[{"when":{"command":"get"},"do":{"set":{"DiskPath":"missing"}}}]})",
       {"get", "put"},
       {"get/hit-after-put"}},
      {"get_directory",
       R"({"rules":[{"when":{"command":"get"},"do":{"set":{"DiskPath":"directory"}}}]})",
       {"get", "put"},
       {"get/hit-after-put"}},
      {"get_no_diskpath",
       R"({"rules":[{"when":{"command":"get"},"do":{"omit":["DiskPath"]}}]})",
       {"get", "put"},
       {"get/hit-after-put"}},
      {"get_short_outputid",
       R"({"rules":[{"when":{"command":"get"},"do":{"set":{"OutputID":16}}}]})",
       {"get", "put"},
       {"get/hit-after-put"}},
      {"get_wrong_size",
       R"({"rules":[{"when":{"command":"get"},"do":{"set":{"Size":7}}}]})",
       {"get", "put"},
       {"get/hit-after-put"}},
      {"get_no_time",
       R"({"rules":[{"when":{"command":"get"},"do":{"omit":["Time"]}}]})",
       {"get", "put"},
       {"get/time-plausible"}},
      {"get_old_time",
       R"({"rules":[{"when":{"command":"get"},"do":{"set":{"Time":"2001-02-03T04:05:06Z"}}}]})",
       {"get", "put"},
       {"get/time-plausible"}},
      {"get_duplicate_reply",
       R"({"rules":[{"when":{"command":"get"},"do":{"duplicate":1}}]})",
       {"get", "put"},
       {"get/miss-unknown", "get/miss-no-err", "get/hit-after-put", "get/time-plausible", "put/reply",
        "put/diskpath-valid", "put/no-extension"}},
      {"get_malformed",
       R"({"rules":[{"when":{"command":"get"},"do":{"raw":"malformed"}}]})",
       {"get"},
       {"get/miss-unknown", "get/miss-no-err", "get/hit-after-put", "get/time-plausible"}},
      {"get_hang",
       R"({"rules":[{"when":{"command":"get"},"do":{"hang":true}}]})",
       {"get/miss-unknown", "get/miss-no-err"},
       {"get/miss-unknown", "get/miss-no-err"},
       0.4},
      // Puts.
      {"put_err",
       R"({"rules":[{"when":{"command":"put"},"do":{"set":{"Err":"disk full"}}}]})",
       {"put", "get/hit-after-put", "bodies/size-?", "bodies/size-64k"},
       {"put/reply", "put/diskpath-valid", "get/hit-after-put", "bodies/size-0", "bodies/size-1", "bodies/size-2",
        "bodies/size-3", "bodies/size-4", "bodies/size-64k"}},
      {"put_no_diskpath",
       R"({"rules":[{"when":{"command":"put"},"do":{"omit":["DiskPath"]}}]})",
       {"put", "get/hit-after-put"},
       {"put/reply", "put/diskpath-valid", "get/hit-after-put"}},
      {"put_extension",
       R"({"rules":[{"when":{"command":"put"},"do":{"set":{"DiskPath":"extension"}}}]})",
       {"put", "get"},
       {"put/no-extension"}},
      {"put_unknown_id",
       R"({"rules":[{"when":{"command":"put"},"do":{"id":"unknown"}}]})",
       {"put"},
       {"put/reply", "put/diskpath-valid", "put/no-extension"}},
      {"put_crash",
       R"({"rules":[{"when":{"command":"put"},"do":{"kill":"SIGSEGV"}}]})",
       {"put", "get/hit-after-put"},
       {"put/reply", "put/diskpath-valid", "put/no-extension", "get/hit-after-put"}},
      // Close and EOF.
      // No close reply: go1.21-go1.23 hang (golang/go#70848), go1.24+ accept an
      // exit (a SHOULD: exit status 0), and a helper that neither replies nor
      // exits hangs every release (close/exit-after-reply). One failure each,
      // json-only-stdout none.
      {"close_no_reply",
       R"({"rules":[{"when":{"close":true},"do":{"drop":true}}]})",
       {"close", "handshake/json-only-stdout"},
       {"close/exit-after-reply"},
       0.4},
      {"close_no_reply_go121",
       R"({"rules":[{"when":{"close":true},"do":{"drop":true}}]})",
       {"close", "handshake/json-only-stdout"},
       {"close/reply"},
       0.4,
       "go1.21",
       {},
       1},
      {"close_exit_before_reply",
       R"({"rules":[{"when":{"close":true},"do":{"exit":0}}]})",
       {"close", "handshake/json-only-stdout"},
       {"close/reply"},
       1.0,
       "",
       {},
       0},
      {"close_exit_before_reply_go125",
       R"({"rules":[{"when":{"close":true},"do":{"exit":0}}]})",
       {"close", "handshake/json-only-stdout"},
       {"close/reply"},
       1.0,
       "go1.25",
       {},
       0},
      {"close_exit_before_reply_go121",
       R"({"rules":[{"when":{"close":true},"do":{"exit":0}}]})",
       {"close", "handshake/json-only-stdout"},
       {"close/reply"},
       1.0,
       "go1.21",
       {},
       1},
      {"close_exit_3",
       R"({"rules":[{"when":{"close":true},"do":{"exit":3}}]})",
       {"close"},
       {"close/reply", "close/exit-after-reply"}},
      // Close not declared: INFO, whatever the release.
      {"known_commands_no_close_go121",
       R"({"rules":[{"when":{"handshake":true},"do":{"set":{"KnownCommands":["get","put"]}}}]})",
       {"handshake"},
       {"handshake/known-commands-close"},
       1.0,
       "go1.21"},
      {"close_keep_stdout",
       R"({"rules":[{"when":{"close":true},"do":{"keep_stdout":true}}]})",
       {"close"},
       {"close/exit-after-reply"},
       0.4},
      {"close_never_exit",
       R"({"rules":[{"when":{"close":true},"do":{"never_exit":true}}]})",
       {"close"},
       {"close/exit-after-reply"},
       0.4},
      // Crashes are crashes: a Go panic (exit status 2) on the hostile get and
      // on an ordinary one.
      {"go_panic_on_empty_actionid",
       R"({"rules":[{"when":{"command":"get","nth":1},"do":[)" + kGoPanic + "]}]}",
       {"hostile/empty-actionid", "get/miss-unknown"},
       {"hostile/empty-actionid", "get/miss-unknown"},
       1.0,
       "",
       {{"hostile/empty-actionid", "a crash: a Go runtime panic (exit status 2): panic: runtime error"},
        {"get/miss-unknown", "a crash: a Go runtime panic (exit status 2)"}}},
      // Say what the helper did: the bytes go could not decode, and go's words.
      {"get_malformed_says_what",
       R"({"rules":[{"when":{"command":"get"},"do":{"raw":"malformed"}}]})",
       {"get/miss-unknown"},
       {"get/miss-unknown"},
       1.0,
       "",
       {{"get/miss-unknown", "error reading JSON from GOCACHEPROG: "}, {"get/miss-unknown", "the helper wrote \"{"}}},
      // An Err reply to a hostile put, then an exit with a message: acceptable.
      {"err_then_exit_hostile_puts",
       R"({"rules":[)" + err_then_exit("hostile/bad-base64", "good-1") + "," +
           err_then_exit("hostile/bodysize-shorter", "good-1") + "," +
           err_then_exit("hostile/outputid-mismatch", "honest") + "]}",
       {"hostile/bad-base64", "hostile/bodysize-shorter", "hostile/outputid-mismatch"},
       {},
       1.0,
       "",
       {{"hostile/bodysize-shorter",
         "an Err reply: bad request, then an exit (exit status 1; its stderr: \"helper: bad request"},
        {"hostile/outputid-mismatch", "an Err reply, then an exit (exit status 1"}}},
      // A miss carrying an Err fails get/miss-no-err alone.
      // (In two-helpers-one-dir, each helper's first 24 gets come while objects
      // are missing; its last 24 must hit.)
      {"miss_with_err",
       R"({"rules":[{"when":{"command":"get"},"do":{"set":{"Miss":true,"Err":"not found"}},"times":24}]})",
       {"get/miss-no-err", "sharing/two-helpers-one-dir"},
       {"get/miss-no-err"}},
      // Re-puts (issue 22): each case fails on the fake that breaks it, and only that one.
      {"reput_keeps_old_get",
       R"({"rules":[{"when":{"command":"put"},"do":{"reput_keeps_old":"get"}}]})",
       {"reput"},
       {"reput/get-serves-latest"}},
      {"reput_keeps_old_put",
       R"({"rules":[{"when":{"command":"put"},"do":{"reput_keeps_old":"put"}}]})",
       {"reput"},
       {"reput/diskpath-holds-new-body"}},
      // Not reput/concurrent: overlapping overwrites of one file may tear it, which that case would rightly catch.
      {"reput_overwrites",
       R"({"rules":[{"when":{"command":"put"},"do":{"reput_overwrites":true}}]})",
       {"reput/diskpath-holds-new-body", "reput/get-serves-latest", "reput/old-diskpath-kept"},
       {"reput/old-diskpath-kept"}},
      {"reput_get_wrong_content",
       R"({"rules":[{"when":{"command":"get"},"do":{"set":{"DiskPath":"wrong-content"}}}]})",
       {"reput"},
       {"reput/get-serves-latest", "reput/concurrent"}},
      // Storage faults: writes fail for real (RLIMIT_FSIZE); the fake then goes silent, or never exits at EOF.
      {"store_error_silence",
       R"({"rules":[{"when":{"handshake":true},"do":{"on_store_error":"silence"}}]})",
       {"storage"},
       {"storage/fails-from-start", "storage/fails-mid-session"},
       0.4},
      {"store_error_no_exit",
       R"({"rules":[{"when":{"handshake":true},"do":{"on_store_error":"no_exit"}}]})",
       {"storage"},
       {"storage/fails-from-start", "storage/fails-mid-session"},
       0.4},
      // Data acknowledged before stdin EOF, lost by a helper that treats EOF as an error.
      {"forget_at_eof",
       R"({"rules":[{"when":{"handshake":true},"do":{"forget_at_eof":true}}]})",
       {"persistence", "eof"},
       {"persistence/eof-without-close"}},
      // Framing go never varies (INFO): a strict reader wants the blank line.
      {"strict_framing", "", {"framing"}, {"framing/no-blank-line"}, 1.0, "", {}, -1, false, {"--strict-framing"}},
      // What a correct helper may do: none of these is a failure.
      {"replies_shuffled", R"({"rules":[{"do":{"hold":{"count":8,"order":"shuffled"}}}]})", {"concurrency"}, {}},
      {"replies_pretty", R"({"rules":[{"when":{"command":"get"},"do":{"raw":"pretty"}}]})", {"get", "put"}, {}},
      {"stderr_noise", R"({"rules":[{"do":{"stderr":"helper: working\n"}}]})", {"get", "put", "close"}, {}},
      {"invalid_utf8_extra_field",
       R"({"rules":[{"when":{"command":"get"},"do":{"raw":"invalid-utf8"}}]})",
       {"get", "put"},
       {}},
  };
  return table;
}

class CheckFakeTable : public ::testing::TestWithParam<Row> {};

TEST_P(CheckFakeTable, FailsExactlyTheExpectedCases) {
  const Row& row = GetParam();
  const double scale = row.pinned ? row.timeout_scale : row.timeout_scale * load_factor();
  std::vector<std::string> args = {"--jobs", "4", "--timeout-scale", std::to_string(scale)};
  if (!row.go.empty()) args.insert(args.end(), {"--go", row.go});
  for (const auto& o : row.only) {
    args.push_back("--only");
    args.push_back(o);
  }
  auto cmd = fake_command(row.script, row.fake_args);
  args.insert(args.end(), cmd.begin(), cmd.end());
  CphRun run = run_check(args);
  ASSERT_TRUE(run.report.is_object()) << run.output;
  EXPECT_EQ(join(failing(run.report)), join(row.fails)) << "script: " << row.script << "\n" << run.output;
  // Exit 1 exactly when a MUST case failed (no --strict).
  bool must = false;
  for (const auto& c : run.report["cases"]) {
    if (row.fails.count(c.value("id", "")) && c.value("grade", "") == "MUST") must = true;
  }
  EXPECT_EQ(run.exit_code, must ? 1 : 0) << run.output;
  if (row.exit >= 0) {
    EXPECT_EQ(run.exit_code, row.exit) << run.output;
  }
  // The report names the release graded for.
  EXPECT_EQ(run.report.value("go", ""), row.go.empty() ? "go1.27" : row.go) << run.output;
  for (const auto& [id, text] : row.says) {
    std::string observed = "(no such case)";
    for (const auto& c : run.report["cases"]) {
      if (c.value("id", "") == id) observed = c.value("observed", "");
    }
    EXPECT_NE(observed.find(text), std::string::npos) << id << " observed: " << observed << "\n" << run.output;
  }
}

// A correct helper that takes 3 s to say hello (go waits without limit)
// fails handshake/within-1s alone, the case that owns a slow start: every
// other case waits as go does, and a deadline covering helper starts (the
// 13 starts of crash/sigkill-during-puts) grows by the time they took.
// --timeout-scale 0.5 halves every case deadline (the crash case's 40 s
// to 20 s), which its 13 starts of 3 s overrun unless starts extend it.
// Slow: about 13 x 3 s for the crash case.
TEST(CheckFakeSlow, ThreeSecondHandshakeFailsOnlyWithin1s) {
  std::vector<std::string> args = {"--jobs",          "4",
                                   "--timeout-scale", "0.5",
                                   "--only",          "handshake",
                                   "--only",          "crash",
                                   "--only",          "close",
                                   "--only",          "hostile/bad-base64",
                                   "--only",          "sharing/two-helpers-one-dir",
                                   "--only",          "persistence"};
  auto cmd = fake_command(R"({"rules":[{"when":{"handshake":true},"do":{"delay":"3s"}}]})");
  args.insert(args.end(), cmd.begin(), cmd.end());
  CphRun run = run_check(args, std::chrono::seconds(300));
  ASSERT_TRUE(run.report.is_object()) << run.output;
  EXPECT_EQ(join(failing(run.report)), "handshake/within-1s") << run.output;
  EXPECT_EQ(run.exit_code, 0) << run.output;
}

INSTANTIATE_TEST_SUITE_P(Scripts, CheckFakeTable, ::testing::ValuesIn(rows()),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
