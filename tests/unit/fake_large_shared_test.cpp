// cph-fake under load: a 1 GiB put in flat memory, and two fakes sharing one
// directory that never show each other's partial files.
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "fake_peer_test.hpp"
#include "sanitized_build.hpp"
#include "wire/base64.hpp"

namespace cph::fake::testing {
namespace {

TEST(FakeLarge, OneGiBPutStreamsWithPeakRssUnder64MiB) {
  if (cph::testing::kSanitizedBuild) GTEST_SKIP() << cph::testing::kRssUnderSanitizer;
  // The body is one pseudo-random block repeated, then a short tail; its
  // base64 is the block's base64 repeated (the block is a multiple of 3).
  constexpr int64_t kTotal = int64_t{1} << 30;
  constexpr size_t kBlock = 3 << 18;  // 768 KiB
  std::string block(kBlock, '\0');
  std::mt19937_64 rng(1);
  for (auto& c : block) c = static_cast<char>(rng());
  const int64_t blocks = kTotal / static_cast<int64_t>(kBlock);
  const std::string tail = block.substr(0, static_cast<size_t>(kTotal - blocks * static_cast<int64_t>(kBlock)));
  wire::Sha256 hash;
  for (int64_t i = 0; i < blocks; ++i) hash.update(block);
  hash.update(tail);

  wire::Request r;
  r.id = 1;
  r.command = "put";
  r.action_id = action(0x42);
  r.output_id = hash.digest();
  r.body_size = kTotal;

  FakeProc f({});
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(f.send(wire::encode_request(r, wire::Dialect::output_id) + "\""));
  const std::string block64 = base64::encode(block);
  for (int64_t i = 0; i < blocks; ++i) {
    ASSERT_TRUE(f.send(block64, 20s)) << "block " << i;
    if (i % 64 == 0) f.child().sample_rss();
  }
  ASSERT_TRUE(f.send(base64::encode(tail) + "\"\n"));
  ASSERT_TRUE(f.read_lines(2, 30s));
  f.child().sample_rss();
  std::string obj = f.store() + "/objects/" + wire::to_hex(r.output_id);
  EXPECT_EQ(f.after_handshake(), "{\"ID\":1,\"DiskPath\":" + wire::go_quote(obj) + "}\n");
  EXPECT_EQ(std::filesystem::file_size(obj), static_cast<uintmax_t>(kTotal));
  auto st = f.finish(30s);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->describe(), "exit status 0");
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int64_t peak = f.child().peak_rss_kib();
  std::printf("1 GiB put: %.1f s, fake peak RSS %lld KiB\n", secs, static_cast<long long>(peak));
  EXPECT_GT(peak, 0);
  EXPECT_LT(peak, 64 * 1024);
}

TEST(FakeShared, TwoFakesOnOneDirectoryNeverServePartialFiles) {
  TempDir dir;
  const std::string store = dir.path() + "/shared";
  std::vector<std::string> bodies;
  std::mt19937_64 rng(7);
  for (int k = 0; k < 8; ++k) {
    std::string b(static_cast<size_t>(256 * 1024 * (k + 1)), '\0');
    for (auto& c : b) c = static_cast<char>(rng());
    bodies.push_back(std::move(b));
  }
  FakeProc a({}, store), b({}, store);
  std::atomic<bool> stop{false};
  std::atomic<int64_t> hits{0}, checked{0};

  // Every get hit is read back at once: size and SHA-256 must match.
  auto drive = [&](FakeProc& f, int rounds) {
    int64_t id = 0;
    size_t lines = 1;
    for (int round = 0; round < rounds; ++round) {
      for (size_t k = 0; k < bodies.size(); ++k) {
        // The same ActionID and object from both fakes, so their renames race.
        ASSERT_TRUE(f.send(put_req(++id, action(static_cast<unsigned char>(k)), bodies[k]), bodies[k]));
        ASSERT_TRUE(f.send(get_req(++id, action(static_cast<unsigned char>((k + 3) % bodies.size())))));
        lines += 2;
      }
      ASSERT_TRUE(f.read_lines(lines, 30s));
    }
    for (const auto& res : f.responses()) {
      ASSERT_TRUE(res.err.empty()) << res.err;
      if (res.id > 0 && res.id % 2 == 0 && !res.miss) {
        ++hits;
        std::string got = read_file(res.disk_path);
        EXPECT_EQ(static_cast<int64_t>(got.size()), res.size);
        EXPECT_EQ(wire::sha256(got), res.output_id);
      }
    }
  };
  // Meanwhile, every file that is visible under objects/ is whole.
  std::thread watcher([&] {
    while (!stop) {
      std::error_code ec;
      for (const auto& e : std::filesystem::directory_iterator(store + "/objects", ec)) {
        std::string got = read_file(e.path().string());
        EXPECT_EQ(wire::to_hex(wire::sha256(got)), e.path().filename().string()) << "partial object visible";
        ++checked;
      }
    }
  });
  std::thread ta([&] { drive(a, 6); });
  std::thread tb([&] { drive(b, 6); });
  ta.join();
  tb.join();
  stop = true;
  watcher.join();
  EXPECT_GT(hits.load(), 0);
  EXPECT_GT(checked.load(), 0);
  ASSERT_TRUE(a.finish());
  ASSERT_TRUE(b.finish());
  EXPECT_TRUE(std::filesystem::is_empty(store + "/tmp"));
}

}  // namespace
}  // namespace cph::fake::testing
