// cph-fake without a script, over real pipes: the exact bytes of a correct
// helper, the store on disk, stats, dialects, close and EOF.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include "fake_peer_test.hpp"
#include "wire/base64.hpp"
#include "wire/transcript.hpp"

namespace cph::fake::testing {
namespace {

TEST(FakeDefault, HandshakeAtOnceThenPutGetMissClose) {
  FakeProc f({});
  ASSERT_TRUE(f.read_lines(1));
  EXPECT_EQ(f.out(), handshake_line());

  std::string body = "hello, cache\n";
  ASSERT_TRUE(f.send(put_req(1, action(0xab), body), body));
  ASSERT_TRUE(f.read_lines(2));
  std::string obj = f.object_path(body);
  EXPECT_EQ(f.after_handshake(), "{\"ID\":1,\"DiskPath\":" + wire::go_quote(obj) + "}\n");
  EXPECT_EQ(read_file(obj), body);

  ASSERT_TRUE(f.send(get_req(2, action(0xab))));
  ASSERT_TRUE(f.read_lines(3));
  auto rs = f.responses();
  ASSERT_EQ(rs.size(), 3u);
  EXPECT_EQ(rs[2].id, 2);
  EXPECT_FALSE(rs[2].miss);
  EXPECT_EQ(rs[2].output_id, wire::sha256(body));
  EXPECT_EQ(rs[2].size, static_cast<int64_t>(body.size()));
  EXPECT_EQ(rs[2].disk_path, obj);
  ASSERT_TRUE(rs[2].time.has_value());
  EXPECT_LE(std::abs(rs[2].time->unix_seconds - wire::Time::now().unix_seconds), 60);
  // Field order and encoding exactly as a Go helper's json.Encoder.
  EXPECT_EQ(f.after_handshake().substr(f.after_handshake().find('\n') + 1), wire::encode_response(rs[2]));

  ASSERT_TRUE(f.send(get_req(3, action(0xcd))));
  ASSERT_TRUE(f.read_lines(4));
  ASSERT_TRUE(f.send(close_req(4)));
  ASSERT_TRUE(f.read_to_eof());
  EXPECT_TRUE(f.out().ends_with("{\"ID\":3,\"Miss\":true}\n{\"ID\":4}\n")) << f.out();
  auto st = f.wait();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->describe(), "exit status 0");
}

TEST(FakeDefault, PutWithTheWrongOutputIdIsAnErrAndStoresNothing) {
  FakeProc f({});
  wire::Request r = put_req(1, action(1), "abc");
  r.output_id = wire::sha256("abd");
  ASSERT_TRUE(f.send(r, "abc"));
  ASSERT_TRUE(f.read_lines(2));
  EXPECT_EQ(f.after_handshake(), "{\"ID\":1,\"Err\":\"cph-fake: put body SHA-256 " + wire::to_hex(wire::sha256("abc")) +
                                     " does not match OutputID " + wire::to_hex(wire::sha256("abd")) + "\"}\n");
  EXPECT_FALSE(std::filesystem::exists(f.object_path("abd")));
  EXPECT_FALSE(std::filesystem::exists(f.object_path("abc")));
  ASSERT_TRUE(f.send(get_req(2, action(1))));
  ASSERT_TRUE(f.read_lines(3));
  EXPECT_EQ(f.out().substr(f.out().rfind("{\"ID\":2")), "{\"ID\":2,\"Miss\":true}\n");
}

TEST(FakeDefault, EmptyBodyPutAndTheOldObjectIdDialect) {
  FakeProc f({});
  ASSERT_TRUE(f.send(put_req(1, action(2), ""), ""));  // BodySize omitted, no body line
  std::string body(100000, 'z');
  ASSERT_TRUE(f.send(put_req(2, action(3), body), body, wire::Dialect::object_id));
  ASSERT_TRUE(f.send(put_req(3, action(4), "both"), "both", wire::Dialect::output_and_object_id));
  // The puts' replies first: a get racing its own put in the workers may
  // legitimately miss.
  ASSERT_TRUE(f.read_lines(4));
  ASSERT_TRUE(f.send(get_req(4, action(3))));
  ASSERT_TRUE(f.read_lines(5));
  auto rs = f.responses();
  ASSERT_EQ(rs.size(), 5u);
  for (size_t i = 1; i < 4; ++i) EXPECT_TRUE(rs[i].err.empty()) << rs[i].err;
  std::map<int64_t, wire::Response> by_id;
  for (auto& r : rs) by_id[r.id] = r;
  EXPECT_EQ(by_id[1].disk_path, f.object_path(""));
  EXPECT_EQ(std::filesystem::file_size(f.object_path("")), 0u);
  EXPECT_EQ(by_id[4].size, 100000);
  EXPECT_EQ(read_file(by_id[4].disk_path), body);
}

TEST(FakeDefault, RequestsRunConcurrently) {
  // A 64 MiB put is in the workers while a get behind it is answered: the get
  // needs no disk write, so with a pool its reply may come first; what must
  // hold is that every reply arrives and matches its request.
  FakeProc f({});
  std::vector<std::string> bodies;
  for (int i = 0; i < 20; ++i) bodies.push_back(std::string(1000 + i, static_cast<char>('a' + i)));
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(f.send(put_req(i + 1, action(static_cast<unsigned char>(i)), bodies[i]), bodies[i]));
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(f.send(get_req(100 + i, action(static_cast<unsigned char>(i)))));
  ASSERT_TRUE(f.read_lines(41));
  auto rs = f.responses();
  ASSERT_EQ(rs.size(), 41u);
  std::set<int64_t> ids;
  for (auto& r : rs) {
    ids.insert(r.id);
    EXPECT_TRUE(r.err.empty()) << r.err;
    if (r.id >= 100 && !r.miss) {
      EXPECT_EQ(read_file(r.disk_path), bodies[r.id - 100]);
    }
  }
  EXPECT_EQ(ids.size(), 41u);
}

TEST(FakeDefault, AClientNotReadingRepliesDoesNotStopTheFakeReadingRequests) {
  // Gets answered inline are written by the reading thread only while the
  // pipe takes them at once; a client that does not read its stdout must
  // still be able to send every request (about 6 MiB of replies here, far
  // more than the stdout pipe holds), then read every reply, in order.
  FakeProc f({});
  std::string body = "hit";
  ASSERT_TRUE(f.send(put_req(1, action(1), body), body));
  ASSERT_TRUE(f.read_lines(2));  // the put is stored: the gets below are inline hits
  constexpr int kGets = 30000;
  std::string gets;
  for (int i = 0; i < kGets; ++i) gets += wire::encode_request(get_req(2 + i, action(1)), wire::Dialect::output_id);
  ASSERT_TRUE(f.send(gets));  // would stall if the fake blocked on its stdout
  ASSERT_TRUE(f.read_lines(2 + kGets));
  auto rs = f.responses();
  ASSERT_EQ(rs.size(), static_cast<size_t>(2 + kGets));
  for (int i = 0; i < kGets; ++i) {
    ASSERT_EQ(rs[2 + i].id, 2 + i);
    ASSERT_FALSE(rs[2 + i].miss);
  }
}

TEST(FakeDefault, StdinEofFinishesInFlightWorkAndExitsZero) {
  FakeProc f({});
  std::string body(1 << 20, 'q');
  ASSERT_TRUE(f.send(put_req(7, action(9), body), body));
  auto st = f.finish();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->describe(), "exit status 0");
  ASSERT_TRUE(f.read_to_eof());
  EXPECT_EQ(f.after_handshake(), "{\"ID\":7,\"DiskPath\":" + wire::go_quote(f.object_path(body)) + "}\n");
}

TEST(FakeDefault, ARestartOnTheSameDirectoryServesWhatWasPut) {
  TempDir dir;
  std::string store = dir.path() + "/shared";
  {
    FakeProc f({}, store);
    ASSERT_TRUE(f.send(put_req(1, action(5), "persist me"), "persist me"));
    ASSERT_TRUE(f.read_lines(2));
    ASSERT_TRUE(f.finish());
  }
  FakeProc g({}, store);
  ASSERT_TRUE(g.send(get_req(1, action(5))));
  ASSERT_TRUE(g.read_lines(2));
  auto rs = g.responses();
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_FALSE(rs[1].miss);
  EXPECT_EQ(read_file(rs[1].disk_path), "persist me");
  // The index is one small file per action; nothing is left in tmp/.
  EXPECT_TRUE(std::filesystem::exists(store + "/actions/" + wire::to_hex(action(5))));
  EXPECT_TRUE(std::filesystem::is_empty(store + "/tmp"));
}

TEST(FakeDefault, TheDefaultDirectoryIsRemovedAtExitUnlessKept) {
  for (bool keep : {false, true}) {
    TempDir tmp;
    std::vector<std::string> argv = {CPH_FAKE_BIN};
    if (keep) argv.push_back("--keep");
    proc::SpawnOptions opts;
    opts.argv = argv;
    opts.env_extra = {"TMPDIR=" + tmp.path()};
    std::string err;
    auto child = proc::Child::spawn(opts, err);
    ASSERT_TRUE(child) << err;
    std::string body = "temporary";
    wire::Request r = put_req(1, action(1), body);
    ASSERT_EQ(child
                  ->write_stdin(wire::encode_request(r, wire::Dialect::output_id) + wire::encode_body_line(body),
                                proc::deadline_in(5s))
                  .status,
              proc::IoStatus::ok);
    std::string out;
    char buf[4096];
    auto deadline = proc::deadline_in(10s);
    while (std::count(out.begin(), out.end(), '\n') < 2) {
      auto res = child->read_stdout(buf, sizeof buf, deadline);
      ASSERT_EQ(res.status, proc::IoStatus::ok);
      out.append(buf, res.bytes);
    }
    auto rs = wire::decode_responses(out).values;
    ASSERT_EQ(rs.size(), 2u);
    EXPECT_TRUE(std::filesystem::exists(rs[1].disk_path));
    EXPECT_EQ(rs[1].disk_path.rfind(tmp.path() + "/cph-fake-", 0), 0u) << rs[1].disk_path;
    child->close_stdin();
    auto st = child->wait_until(proc::deadline_in(10s));
    ASSERT_TRUE(st);
    EXPECT_EQ(st->describe(), "exit status 0");
    EXPECT_EQ(std::filesystem::exists(rs[1].disk_path), keep);
  }
}

TEST(FakeDefault, StatsCountRequestsHitsMissesBytesAndRules) {
  TempDir tmp;
  std::string stats = tmp.path() + "/stats.json";
  FakeProc f(
      {"--stats", stats, "--script",
       R"([{"when": {"command": "get"}, "do": {"delay": 1}}, {"when": {"command": "nope"}, "do": {"drop": true}}])"});
  ASSERT_TRUE(f.send(put_req(1, action(1), "abc"), "abc"));
  ASSERT_TRUE(f.read_lines(2));
  ASSERT_TRUE(f.send(get_req(2, action(1))));
  ASSERT_TRUE(f.send(get_req(3, action(2))));
  ASSERT_TRUE(f.send(close_req(4)));
  ASSERT_TRUE(f.read_to_eof());
  // Read before the exit: Go's Close returns at stdout EOF, and whoever ran
  // go reads the stats then, while the fake may still be tearing down.
  auto j = nlohmann::json::parse(read_file(stats));
  ASSERT_TRUE(f.wait());
  EXPECT_EQ(j["requests"], nlohmann::json({{"get", 2}, {"put", 1}, {"close", 1}}));
  EXPECT_EQ(j["hits"], 1);
  EXPECT_EQ(j["misses"], 1);
  EXPECT_EQ(j["puts_stored"], 1);
  EXPECT_EQ(j["body_bytes_in"], 3);
  EXPECT_EQ(j["hit_bytes"], 3);
  EXPECT_EQ(j["bytes_out"], static_cast<int64_t>(f.out().size()));
  EXPECT_GT(j["bytes_in"].get<int64_t>(), 100);
  EXPECT_EQ(j["rules_fired"], nlohmann::json({2, 0}));
}

// A warm go build is the handshake, gets and close: the fake answers all of
// them on its reading thread, and starts no other (each start and join was on
// the go command's critical path).
TEST(FakeDefault, AnsweringOnlyGetsStartsNoThread) {
  FakeProc f({});
  auto threads = [&] {
    const std::filesystem::path tasks = "/proc/" + std::to_string(f.child().pid()) + "/task";
    return std::distance(std::filesystem::directory_iterator(tasks), std::filesystem::directory_iterator{});
  };
  ASSERT_TRUE(f.send(get_req(1, action(1))));
  ASSERT_TRUE(f.send(get_req(2, action(2))));
  ASSERT_TRUE(f.read_lines(3));
  EXPECT_EQ(threads(), 1);
  // The first put starts the workers.
  ASSERT_TRUE(f.send(put_req(3, action(3), "abc"), "abc"));
  ASSERT_TRUE(f.read_lines(4));
  EXPECT_GT(threads(), 1);
}

TEST(FakeDefault, TranscriptRecordsBothDirectionsAndFiredRules) {
  TempDir tmp;
  std::string path = tmp.path() + "/t.jsonl";
  FakeProc f({"--transcript", path, "--script", R"([{"when": {"command": "put"}, "do": {"drop": true}},
                                                    {"when": {"command": "get"}, "do": {"set": {"Err": "no"}}}])"});
  ASSERT_TRUE(f.send(put_req(1, action(1), "abc"), "abc"));
  ASSERT_TRUE(f.send(get_req(2, action(1))));
  ASSERT_TRUE(f.read_lines(2));
  ASSERT_TRUE(f.send(close_req(3)));
  ASSERT_TRUE(f.read_to_eof());
  ASSERT_TRUE(f.wait());
  auto records = wire::Transcript::parse(read_file(path), path);
  std::string from, to;
  std::vector<nlohmann::json> fired;
  for (auto& r : records) {
    if (r.dir == wire::Direction::from_helper) from += r.data;
    if (r.dir == wire::Direction::to_helper) to += r.data;
    if (r.dir == wire::Direction::event && r.data == "rule-fired") fired.push_back(r.detail);
  }
  EXPECT_EQ(from, f.out());
  EXPECT_NE(to.find("\"Command\":\"put\""), std::string::npos);
  ASSERT_EQ(fired.size(), 2u);
  EXPECT_EQ(fired[0]["rule"], 0);
  EXPECT_EQ(fired[0]["request"], 1);
  EXPECT_EQ(fired[0]["actions"], nlohmann::json({"drop"}));
  EXPECT_EQ(fired[1]["rule"], 1);
  EXPECT_EQ(fired[1]["path"], "rules[1]");
}

TEST(FakeDefault, StrictFramingRefusesWhatTolerantAccepts) {
  // One space before the request: a json.Decoder helper accepts it, the exact
  // framing of go does not.
  std::string req = " " + wire::encode_request(get_req(1, action(1)), wire::Dialect::output_id);
  {
    FakeProc f({});
    ASSERT_TRUE(f.send(req));
    ASSERT_TRUE(f.read_lines(2));
    EXPECT_EQ(f.after_handshake(), "{\"ID\":1,\"Miss\":true}\n");
  }
  FakeProc f({"--strict-framing"});
  ASSERT_TRUE(f.send(req));
  auto st = f.wait();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->describe(), "exit status 1");
  EXPECT_TRUE(f.stderr_has("cph-fake: bad request stream: ")) << f.stderr_text();
}

TEST(FakeDefault, GarbageOnStdinIsAClearErrorNotACrash) {
  FakeProc f({});
  ASSERT_TRUE(f.send("{\"ID\":1,\"Command\":\"get\"}\n\nnot json\n"));
  auto st = f.wait();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->describe(), "exit status 1");
  std::string err = f.stderr_text();
  EXPECT_EQ(err.rfind("cph-fake: bad request stream: ", 0), 0u) << err;
  ASSERT_TRUE(f.read_to_eof());
  EXPECT_EQ(f.after_handshake(), "{\"ID\":1,\"Miss\":true}\n");  // in-flight work finished first
}

TEST(FakeDefault, EofInsideAPutBodyIsAnErrorNotAHang) {
  FakeProc f({});
  std::string body(300000, 'b');
  std::string bytes =
      wire::encode_request(put_req(1, action(1), body), wire::Dialect::output_id) + wire::encode_body_line(body);
  ASSERT_TRUE(f.send(std::string_view(bytes).substr(0, bytes.size() / 2)));
  auto st = f.finish();
  ASSERT_TRUE(st);
  EXPECT_EQ(st->describe(), "exit status 1");
  EXPECT_EQ(f.stderr_text().rfind("cph-fake: bad request stream: ", 0), 0u);
  EXPECT_FALSE(std::filesystem::exists(f.object_path(body)));
  EXPECT_TRUE(std::filesystem::is_empty(f.store() + "/tmp"));
}

TEST(FakeDefault, ARelativeNestedDirGivesAbsoluteDiskPaths) {
  TempDir tmp;
  proc::SpawnOptions opts;
  opts.argv = {CPH_FAKE_BIN, "--dir", "a/b/store"};
  opts.dir = tmp.path();
  std::string err;
  auto child = proc::Child::spawn(opts, err);
  ASSERT_TRUE(child) << err;
  ASSERT_EQ(child
                ->write_stdin(wire::encode_request(put_req(1, action(1), ""), wire::Dialect::output_id),
                              proc::deadline_in(5s))
                .status,
            proc::IoStatus::ok);
  child->close_stdin();
  std::string out;
  char buf[4096];
  auto deadline = proc::deadline_in(10s);
  for (;;) {
    auto res = child->read_stdout(buf, sizeof buf, deadline);
    if (res.status != proc::IoStatus::ok) break;
    out.append(buf, res.bytes);
  }
  auto st = child->wait_until(deadline);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->describe(), "exit status 0");
  auto rs = wire::decode_responses(out).values;
  ASSERT_EQ(rs.size(), 2u) << out;
  EXPECT_EQ(rs[1].disk_path, tmp.path() + "/a/b/store/objects/" + wire::to_hex(wire::sha256("")));
}

TEST(FakeDefault, SigtermRemovesTheTempDirectory) {
  TempDir tmp;
  proc::SpawnOptions opts;
  opts.argv = {CPH_FAKE_BIN};
  opts.env_extra = {"TMPDIR=" + tmp.path()};
  std::string err;
  auto child = proc::Child::spawn(opts, err);
  ASSERT_TRUE(child) << err;
  std::string out;
  char buf[4096];
  auto deadline = proc::deadline_in(10s);
  while (out.find('\n') == std::string::npos) {  // the handshake: the directory exists by now
    auto res = child->read_stdout(buf, sizeof buf, deadline);
    ASSERT_EQ(res.status, proc::IoStatus::ok);
    out.append(buf, res.bytes);
  }
  ASSERT_FALSE(std::filesystem::is_empty(tmp.path()));
  child->kill_group(SIGTERM);
  auto st = child->wait_until(proc::deadline_in(10s));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->describe(), "signal: terminated");
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path()));
}

TEST(FakeDefault, BadScriptExitsTwoNamingThePlace) {
  auto [st, err] = run_fake_cli({"--script", R"([{"do": [{"delay": 1}, {"dlay": "1s"}]}])"});
  ASSERT_TRUE(st);
  EXPECT_EQ(st->describe(), "exit status 2");
  EXPECT_EQ(err, "cph-fake: <inline script>: rules[0].do[1]: unknown action \"dlay\"; did you mean \"delay\"?\n");

  TempDir tmp;
  std::string file = tmp.path() + "/bad.jsonc";
  std::ofstream(file) << "// comment\n[{\"do\": {\"drop\": true}]\n";
  std::tie(st, err) = run_fake_cli({"--script", file});
  ASSERT_TRUE(st);
  EXPECT_EQ(st->describe(), "exit status 2");
  EXPECT_EQ(err.rfind("cph-fake: " + file + ":2:23: ", 0), 0u) << err;
}

TEST(FakeDefault, HelpListsTheFlags) {
  auto [st, text] = run_fake_cli({"--help"});
  ASSERT_TRUE(st);
  EXPECT_EQ(st->describe(), "exit status 0");
  for (const char* flag : {"--dir", "--keep", "--script", "--seed", "--stats", "--transcript", "--strict-framing"})
    EXPECT_NE(text.find(flag), std::string::npos) << flag;
  std::tie(st, text) = run_fake_cli({"--no-such-flag"});
  ASSERT_TRUE(st);
  EXPECT_EQ(st->describe(), "exit status 2");
}

}  // namespace
}  // namespace cph::fake::testing
