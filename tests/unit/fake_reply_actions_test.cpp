// cph-fake's reply actions over real pipes, asserting the exact bytes.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <set>

#include "fake_peer_test.hpp"
#include "wire/base64.hpp"

namespace cph::fake::testing {
namespace {

// A fake with `script` that already holds one object (put as request 1, the
// handshake and the put reply read), so that gets can hit.
struct Primed {
  explicit Primed(const std::string& script, std::vector<std::string> extra = {}) : f(args(script, extra)) {
    EXPECT_TRUE(f.send(put_req(1, action(0xaa), body), body));
    EXPECT_TRUE(f.read_lines(2));
    base = f.out().size();
  }
  static std::vector<std::string> args(const std::string& script, std::vector<std::string> extra) {
    extra.insert(extra.begin(), {"--script", script});
    return extra;
  }
  std::string since() const { return f.out().substr(base); }
  std::string body = "object bytes";
  FakeProc f;
  size_t base = 0;
};

TEST(FakeReplyActions, DelayLetsLaterRepliesPass) {
  FakeProc f({"--script", R"([{"when": {"request": 1}, "do": {"delay": "300ms"}}])"});
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(f.send(get_req(1, action(1))));
  ASSERT_TRUE(f.send(get_req(2, action(2))));
  ASSERT_TRUE(f.read_lines(3));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 300ms);
  EXPECT_EQ(f.after_handshake(), "{\"ID\":2,\"Miss\":true}\n{\"ID\":1,\"Miss\":true}\n");
}

TEST(FakeReplyActions, HoldReleasesReversed) {
  FakeProc f({"--script", R"([{"when": {"command": "get"}, "do": {"hold": 3}}])"});
  for (int i = 1; i <= 2; ++i) ASSERT_TRUE(f.send(get_req(i, action(static_cast<unsigned char>(i)))));
  ASSERT_TRUE(f.read_lines(1));
  EXPECT_TRUE(f.quiet_for(200ms));  // two held, the group is not full
  ASSERT_TRUE(f.send(get_req(3, action(3))));
  ASSERT_TRUE(f.read_lines(4));
  EXPECT_EQ(f.after_handshake(), "{\"ID\":3,\"Miss\":true}\n{\"ID\":2,\"Miss\":true}\n{\"ID\":1,\"Miss\":true}\n");
}

TEST(FakeReplyActions, HoldShuffledReleasesAllAtOnceAndHeldRepliesGoOutAtClose) {
  FakeProc f({"--seed", "7", "--script",
              R"([{"when": {"command": "get"}, "do": {"hold": {"count": 5, "order": "shuffled"}}}])"});
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(f.send(get_req(i, action(static_cast<unsigned char>(i)))));
  ASSERT_TRUE(f.read_lines(6));
  std::set<int64_t> ids;
  for (auto& r : f.responses()) ids.insert(r.id);
  EXPECT_EQ(ids, (std::set<int64_t>{0, 1, 2, 3, 4, 5}));
  // A group that never fills is released before the close reply.
  ASSERT_TRUE(f.send(get_req(6, action(6))));
  EXPECT_TRUE(f.quiet_for(150ms));
  ASSERT_TRUE(f.send(close_req(7)));
  ASSERT_TRUE(f.read_to_eof());
  EXPECT_TRUE(f.out().ends_with("{\"ID\":6,\"Miss\":true}\n{\"ID\":7}\n")) << f.out();
}

TEST(FakeReplyActions, DropNeverReplies) {
  FakeProc f({"--script", R"([{"when": {"command": "get", "nth": 1}, "do": {"drop": true}}])"});
  ASSERT_TRUE(f.send(get_req(1, action(1))));
  ASSERT_TRUE(f.send(get_req(2, action(2))));
  ASSERT_TRUE(f.send(close_req(3)));
  ASSERT_TRUE(f.read_to_eof());
  EXPECT_EQ(f.after_handshake(), "{\"ID\":2,\"Miss\":true}\n{\"ID\":3}\n");
}

TEST(FakeReplyActions, DuplicateWritesTheReplyAgain) {
  FakeProc f({"--script", R"([{"when": {"command": "get"}, "do": {"duplicate": 2}}])"});
  ASSERT_TRUE(f.send(get_req(1, action(1))));
  ASSERT_TRUE(f.read_lines(4));
  EXPECT_EQ(f.after_handshake(), "{\"ID\":1,\"Miss\":true}\n{\"ID\":1,\"Miss\":true}\n{\"ID\":1,\"Miss\":true}\n");
}

TEST(FakeReplyActions, ReplyWithAnotherId) {
  FakeProc f({"--script", R"([{"when": {"request": 1}, "do": {"id": "unknown"}},
                              {"when": {"request": 2}, "do": {"id": "previous"}},
                              {"when": {"request": 3}, "do": {"id": "negative"}},
                              {"when": {"request": 4}, "do": {"id": 99}}])"});
  for (int i = 1; i <= 4; ++i) {
    ASSERT_TRUE(f.send(get_req(10 + i, action(static_cast<unsigned char>(i)))));
    ASSERT_TRUE(f.read_lines(static_cast<size_t>(i) + 1));  // one at a time: a fixed order
  }
  EXPECT_EQ(f.after_handshake(),
            "{\"ID\":1099511627787,\"Miss\":true}\n{\"ID\":11,\"Miss\":true}\n{\"ID\":-13,\"Miss\":true}\n"
            "{\"ID\":99,\"Miss\":true}\n");
}

TEST(FakeReplyActions, OmitFields) {
  Primed p(R"([{"when": {"command": "get"}, "do": {"omit": ["DiskPath", "Time", "Size"]}},
               {"when": {"command": "put"}, "do": {"omit": "DiskPath"}}])");
  ASSERT_TRUE(p.f.send(get_req(2, action(0xaa))));
  ASSERT_TRUE(p.f.read_lines(3));
  EXPECT_EQ(p.since(), "{\"ID\":2,\"OutputID\":\"" + base64::encode(wire::sha256(p.body)) + "\"}\n");
  ASSERT_TRUE(p.f.send(put_req(3, action(0xbb), "x"), "x"));
  ASSERT_TRUE(p.f.read_lines(4));
  EXPECT_EQ(p.f.out().substr(p.f.out().rfind("{\"ID\":3")), "{\"ID\":3}\n");
  // The prime put (request 1) already lost its DiskPath too.
  EXPECT_EQ(p.f.after_handshake().substr(0, 9), "{\"ID\":1}\n");
}

TEST(FakeReplyActions, SetMissErrSizeTimeAndOutputIdLength) {
  Primed p(R"([{"when": {"command": "get", "nth": 1}, "do": {"set": {"Err": "disk <on> fire", "Miss": true}}},
               {"when": {"command": "get", "nth": 2}, "do": {"set": {"Size": 5, "OutputID": 33, "Time": "yesterday"}}},
               {"when": {"command": "get", "nth": 3}, "do": {"set": {"OutputID": "0102", "Size": "ten"}}}])");
  for (int i = 2; i <= 4; ++i) {
    ASSERT_TRUE(p.f.send(get_req(i, action(i == 2 ? 0x01 : 0xaa))));
    ASSERT_TRUE(p.f.read_lines(static_cast<size_t>(i) + 1));
  }
  std::string id33 = wire::sha256(p.body) + std::string(1, '\0');
  std::string obj = wire::go_quote(p.f.object_path(p.body));
  std::string out = p.since();
  std::string line1 = "{\"ID\":2,\"Err\":\"disk \\u003con\\u003e fire\",\"Miss\":true}\n";
  std::string line2 = "{\"ID\":3,\"OutputID\":\"" + base64::encode(id33) +
                      "\",\"Size\":5,\"Time\":\"yesterday\",\"DiskPath\":" + obj + "}\n";
  ASSERT_EQ(out.substr(0, line1.size() + line2.size()), line1 + line2);
  std::string line3 = out.substr(line1.size() + line2.size());
  std::string head = "{\"ID\":4,\"OutputID\":\"AQI=\",\"Size\":\"ten\",\"Time\":\"";
  EXPECT_EQ(line3.substr(0, head.size()), head) << line3;
  std::string tail = "\",\"DiskPath\":" + obj + "}\n";
  ASSERT_GT(line3.size(), tail.size());
  EXPECT_EQ(line3.substr(line3.size() - tail.size()), tail) << line3;
}

TEST(FakeReplyActions, SetDiskPathToBadFiles) {
  Primed p(R"([{"when": {"request": 2}, "do": {"set": {"DiskPath": "missing"}}},
               {"when": {"request": 3}, "do": {"set": {"DiskPath": "directory"}}},
               {"when": {"request": 4}, "do": {"set": {"DiskPath": "wrong-content"}}},
               {"when": {"request": 5}, "do": {"set": {"DiskPath": "extension"}}},
               {"when": {"request": 6}, "do": {"set": {"DiskPath": "/literal/path"}}}])");
  for (int i = 2; i <= 6; ++i) ASSERT_TRUE(p.f.send(get_req(i, action(0xaa))));
  ASSERT_TRUE(p.f.read_lines(7));
  std::map<int64_t, wire::Response> by_id;
  for (auto& r : p.f.responses()) by_id[r.id] = r;
  ASSERT_EQ(by_id.size(), 7u);
  for (int i = 2; i <= 6; ++i) EXPECT_FALSE(by_id[i].miss);
  EXPECT_FALSE(std::filesystem::exists(by_id[2].disk_path)) << by_id[2].disk_path;
  EXPECT_TRUE(std::filesystem::is_directory(by_id[3].disk_path));
  std::string wrong = read_file(by_id[4].disk_path);
  EXPECT_EQ(wrong.size(), p.body.size());
  EXPECT_NE(wrong, p.body);
  EXPECT_EQ(std::filesystem::path(by_id[5].disk_path).extension(), ".o");
  EXPECT_EQ(read_file(by_id[5].disk_path), p.body);
  EXPECT_EQ(by_id[6].disk_path, "/literal/path");
}

TEST(FakeReplyActions, RawKeywords) {
  Primed p(R"([{"when": {"request": 2}, "do": {"raw": "malformed"}},
               {"when": {"request": 3}, "do": {"raw": "truncated"}},
               {"when": {"request": 4}, "do": {"raw": "pretty"}},
               {"when": {"request": 5}, "do": {"raw": "invalid-utf8"}},
               {"when": {"request": 6}, "do": {"raw": {"text": "{\"ID\":$ID,\"Miss\":true} $ID\n"}}},
               {"when": {"request": 7}, "do": {"raw": {"hex": "7b7d0a"}}}])");
  auto one = [&](int64_t id) {
    size_t before = p.f.out().size();
    EXPECT_TRUE(p.f.send(get_req(id, action(id == 4 ? 0xaa : 0x01))));
    EXPECT_TRUE(p.f.read_until([&](const std::string& s) {
      return s.size() > before && s.back() == '\n' && (id != 4 || s.substr(before).find("}\n") != std::string::npos);
    }));
    return p.f.out().substr(before);
  };
  EXPECT_EQ(one(2), "{\"ID\":2,\"Miss\":true,}\n");
  EXPECT_EQ(one(3), std::string("{\"ID\":3,\"Miss\":true}").substr(0, 10) + "\n");
  std::string pretty = one(4);
  std::string head = "{\n  \"ID\": 4,\n  \"OutputID\": \"" + base64::encode(wire::sha256(p.body)) +
                     "\",\n  \"Size\": 12,\n  \"Time\": \"";
  EXPECT_EQ(pretty.substr(0, head.size()), head) << pretty;
  EXPECT_EQ(std::count(pretty.begin(), pretty.end(), '\n'), 7) << pretty;
  std::string tail = "\",\n  \"DiskPath\": " + wire::go_quote(p.f.object_path(p.body)) + "\n}\n";
  EXPECT_EQ(pretty.substr(pretty.size() - tail.size()), tail) << pretty;
  EXPECT_EQ(one(5), "{\"ID\":5,\"Note\":\"\xff\xfe\",\"Miss\":true}\n");
  EXPECT_EQ(one(6), "{\"ID\":6,\"Miss\":true} 6\n");
  EXPECT_EQ(one(7), "{}\n");
}

TEST(FakeReplyActions, JoinedPutsTwoRepliesOnOneLine) {
  FakeProc f({"--script", R"([{"when": {"request": 1}, "do": {"raw": "joined"}}])"});
  ASSERT_TRUE(f.read_lines(1));
  ASSERT_TRUE(f.send(get_req(1, action(1))));
  EXPECT_TRUE(f.quiet_for(150ms));
  ASSERT_TRUE(f.send(get_req(2, action(2))));
  ASSERT_TRUE(f.read_lines(2));
  EXPECT_EQ(f.after_handshake(), "{\"ID\":1,\"Miss\":true}{\"ID\":2,\"Miss\":true}\n");
}

TEST(FakeReplyActions, PrefixWritesBytesBeforeTheReply) {
  FakeProc f({"--script", R"([{"when": {"command": "get"}, "do": {"prefix": "junk "}}])"});
  ASSERT_TRUE(f.send(get_req(1, action(1))));
  ASSERT_TRUE(f.read_lines(2));
  EXPECT_EQ(f.after_handshake(), "junk {\"ID\":1,\"Miss\":true}\n");
}

}  // namespace
}  // namespace cph::fake::testing
