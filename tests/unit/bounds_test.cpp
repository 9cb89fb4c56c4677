// The bounds on what a helper controls (docs/bounds.md), unit by unit: one
// reply's length, the transcript's memory, a stderr's head and tail; and the
// configuration errors that exit 2 with one line instead of an abort.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "proc/capped_text.hpp"
#include "proc/temp_dir.hpp"
#include "run_program.hpp"
#include "wire/response_decoder.hpp"
#include "wire/transcript.hpp"

namespace {

using cph::wire::ResponseStreamDecoder;

TEST(Bounds, OneReplyLongerThanTheLimitIsAnError) {
  ResponseStreamDecoder d;
  d.set_max_value_bytes(1024);
  d.feed("{\"ID\":1,\"Err\":\"" + std::string(1000, 'x'));
  cph::wire::Response r;
  std::string err;
  EXPECT_EQ(d.next(r, err), ResponseStreamDecoder::Status::need_more);  // 1015 bytes: not yet
  d.feed(std::string(100, 'x'));
  EXPECT_EQ(d.next(r, err), ResponseStreamDecoder::Status::error);
  EXPECT_EQ(err, "reply line longer than 1024 bytes");
  EXPECT_EQ(d.next(r, err), ResponseStreamDecoder::Status::error) << "sticky, as a decode error";
}

TEST(Bounds, ManyShortRepliesPastTheLimitInAllAreFine) {
  ResponseStreamDecoder d;
  d.set_max_value_bytes(1024);
  std::string all;
  for (int i = 1; i <= 200; ++i) all += "{\"ID\":" + std::to_string(i) + ",\"Miss\":true}\n";
  int values = 0;
  for (size_t at = 0; at < all.size(); at += 100) {
    d.feed(std::string_view(all).substr(at, 100));
    cph::wire::Response r;
    std::string err;
    while (d.next(r, err) == ResponseStreamDecoder::Status::value) ++values;
    ASSERT_TRUE(err.empty()) << err;
  }
  EXPECT_EQ(values, 200);
}

TEST(Bounds, TranscriptKeepsItsHeadAndTailInBoundedMemory) {
  cph::wire::Transcript t;
  t.set_memory_limit(64 << 10);
  const std::string chunk(1000, 'y');
  for (int i = 0; i < 10000; ++i) t.bytes(cph::wire::Direction::helper_stderr, std::to_string(i) + ":" + chunk);
  const auto records = t.records();
  size_t bytes = 0;
  for (const auto& r : records) bytes += r.data.size();
  EXPECT_LT(bytes, 64u << 10);
  ASSERT_GT(records.size(), 3u);
  EXPECT_EQ(records.front().data.substr(0, 2), "0:");
  EXPECT_EQ(records.back().data.substr(0, 5), "9999:");
  size_t gaps = 0;
  for (const auto& r : records) {
    if (r.dir != cph::wire::Direction::event) continue;
    ASSERT_EQ(r.data, "transcript-truncated");
    EXPECT_EQ(r.detail["records"].get<uint64_t>() + records.size() - 1, 10000u);
    ++gaps;
  }
  EXPECT_EQ(gaps, 1u);
  EXPECT_NE(t.tail_text(5).find("9999:"), std::string::npos);
}

TEST(Bounds, CappedTextKeepsHeadAndTail) {
  cph::proc::CappedText small(4, 4);
  small.append("abc");
  EXPECT_EQ(small.text(), "abc");
  cph::proc::CappedText c(4, 4);
  for (int i = 0; i < 1000; ++i) c.append("0123456789");
  EXPECT_EQ(c.total_bytes(), 10000u);
  EXPECT_EQ(c.text(), "0123\n[... 9992 bytes not kept ...]\n6789");
  cph::proc::CappedText big(4, 4);
  big.append(std::string(1 << 20, 'z') + "end!");
  EXPECT_EQ(big.text(), "zzzz\n[... 1048572 bytes not kept ...]\nend!");
}

cph::test::Ran cph_run(std::vector<std::string> args, std::vector<std::string> env = {}) {
  std::vector<std::string> argv{CPH_CLI_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  cph::test::RunOptions o;
  o.env = std::move(env);
  return cph::test::run_program(argv, o);
}

// A TMPDIR that does not exist aborted `cph fuzz` (SIGABRT, exit 134) and
// made every `cph check` case an error (exit 1): a configuration error, 2.
TEST(Bounds, AnUnusableTmpdirExits2WithOneLine) {
  const std::vector<std::string> fake = {"--", CPH_FAKE_BIN, "--dir", "{dir}"};
  for (std::vector<std::string> args : {std::vector<std::string>{"check"}, std::vector<std::string>{"fuzz", "-n", "5"},
                                        std::vector<std::string>{"scenarios", "--only", "close/*"}}) {
    if (args[0] != "scenarios") args.insert(args.end(), fake.begin(), fake.end());
    const auto r = cph_run(args, {"TMPDIR=/nonexistent/tmp"});
    EXPECT_EQ(r.code, 2) << args[0] << ": " << r.out;
    EXPECT_NE(r.stderr_text.find("cph " + args[0] + ": cannot create a directory /nonexistent/tmp/cph-check-"),
              std::string::npos)
        << r.stderr_text;
    EXPECT_EQ(r.stderr_text.find("terminate"), std::string::npos) << r.stderr_text;
  }
}

TEST(Bounds, ArgvThatIsNotUtf8IsWrittenEscaped) {
  const auto r = cph_run({"ch\xff"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.stderr_text.find("cph: unknown command \"ch\\xff\""), std::string::npos) << r.stderr_text;
  const auto flag = cph_run({"check", "--\xff", "--", CPH_FAKE_BIN});
  EXPECT_EQ(flag.code, 2);
  EXPECT_NE(flag.stderr_text.find("--\\xff"), std::string::npos) << flag.stderr_text;
}

TEST(Bounds, DurationFlagsNeedAUnit) {
  const auto r = cph_run({"fuzz", "--duration", "250", "--", CPH_FAKE_BIN});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.stderr_text.find("cph fuzz: --duration 250: \"250\" has no unit: write \"250ms\" or \"250s\""),
            std::string::npos)
      << r.stderr_text;
  const auto big = cph_run({"fuzz", "--duration", "10000000000s", "--", CPH_FAKE_BIN});
  EXPECT_EQ(big.code, 2);
  EXPECT_NE(big.stderr_text.find("longer than the longest duration, 1000h"), std::string::npos) << big.stderr_text;
}

TEST(Bounds, FakeWithAnUnusableDirExits2) {
  cph::test::RunOptions o;
  const auto r = cph::test::run_program({CPH_FAKE_BIN, "--dir", "/proc/no-such-dir/store"}, o);
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_EQ(r.stderr_text.rfind("cph-fake: ", 0), 0u) << r.stderr_text;
  EXPECT_EQ(std::count(r.stderr_text.begin(), r.stderr_text.end(), '\n'), 1) << r.stderr_text;
  // A script duration past int64 nanoseconds is refused, not wrapped.
  const auto d = cph::test::run_program({CPH_FAKE_BIN, "--script", R"([{"do":{"delay":"10000000000s"}}])"}, o);
  EXPECT_EQ(d.code, 2) << d.out;
  EXPECT_NE(d.stderr_text.find("longer than the longest duration"), std::string::npos) << d.stderr_text;
}

}  // namespace
