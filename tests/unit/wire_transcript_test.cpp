// Transcripts: what is recorded comes back from parse() byte for byte, the
// file is written as it happens, and bad lines are named by line:col.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "wire/transcript.hpp"

namespace {

using cph::wire::Direction;
using cph::wire::Transcript;

TEST(WireTranscript, RoundTripsTextBinaryAndEvents) {
  Transcript t;
  t.bytes(Direction::to_helper, "{\"ID\":1,\"Command\":\"get\"}\n\n");
  t.bytes(Direction::from_helper, std::string("\xff\x00\x01", 3));
  t.bytes(Direction::helper_stderr, "warning\n");
  t.event("rule-fired", {{"rule", "drop"}, {"count", 1}});
  std::string jsonl;
  for (const auto& r : t.records()) jsonl += Transcript::to_json(r).dump() + "\n";
  const auto back = Transcript::parse(jsonl);
  const auto orig = t.records();
  ASSERT_EQ(back.size(), 4u);
  for (size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].dir, orig[i].dir);
    EXPECT_EQ(back[i].data, orig[i].data);
    EXPECT_DOUBLE_EQ(back[i].t, orig[i].t);
  }
  EXPECT_EQ(back[3].detail["rule"], "drop");
  EXPECT_TRUE(jsonl.find("\"b64\":\"/wAB\"") != std::string::npos) << jsonl;
  EXPECT_LE(orig[0].t, orig[3].t);
  const std::string tail = t.tail_text(2);
  EXPECT_NE(tail.find("2 earlier records"), std::string::npos) << tail;
  EXPECT_NE(tail.find("rule-fired"), std::string::npos) << tail;
}

TEST(WireTranscript, StreamsToTheFileAsItHappens) {
  char path[] = "/tmp/cph-transcript-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    Transcript t(path);
    t.bytes(Direction::to_helper, "abc");
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    const auto recs = Transcript::parse(ss.str(), path);  // readable before the transcript ends
    ASSERT_EQ(recs.size(), 1u);
    EXPECT_EQ(recs[0].data, "abc");
  }
  std::remove(path);
  EXPECT_THROW(Transcript("/nonexistent-dir/x.jsonl"), std::runtime_error);
}

TEST(WireTranscript, IsThreadSafe) {
  Transcript t;
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&t] {
      for (int i = 0; i < 500; ++i) t.bytes(Direction::from_helper, "x");
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(t.records().size(), 2000u);
}

std::string parse_error(const std::string& jsonl) {
  try {
    Transcript::parse(jsonl, "run.jsonl");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(WireTranscript, BadLinesAreNamedByLineAndColumn) {
  const std::string good = "{\"t\":0.5,\"dir\":\"to-helper\",\"data\":\"x\"}\n";
  EXPECT_EQ(parse_error(good + "\n" + "{\"t\":1,\"dir\":\"sideways\",\"data\":\"x\"}\n"),
            "run.jsonl:3:8: unknown direction \"sideways\"");
  EXPECT_EQ(parse_error(good + "{\"t\":\"soon\",\"dir\":\"event\",\"event\":\"e\"}\n"),
            "run.jsonl:2:2: \"t\" must be a number");
  EXPECT_EQ(parse_error(good + "{\"t\":1,\"dir\":\"from-helper\",\"b64\":\"A\"}\n"),
            "run.jsonl:2:28: \"b64\": illegal base64 data at input byte 0");
  EXPECT_EQ(parse_error("[1]\n"), "run.jsonl:1:1: a transcript record must be a JSON object");
  const std::string syntax = parse_error(good + "{\"t\":1,\n");
  EXPECT_EQ(syntax.rfind("run.jsonl:2:", 0), 0u) << syntax;
  EXPECT_EQ(parse_error(good), "");
}

}  // namespace
