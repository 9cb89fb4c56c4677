// The fake's store answers a get from what is on disk now, although it keeps
// index entries and object sizes between gets: every change made behind its
// back (here by a second Store on the same directory, as another cph-fake
// would, and by plain file operations) shows in the next get.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "fake_peer_test.hpp"
#include "store.hpp"
#include "wire/sha256.hpp"

namespace cph::fake {
namespace {

using testing::TempDir;

std::string action(char c) { return std::string(32, c); }

// Puts `body` under `action_id` and returns the object's path.
std::string put(const Store& store, const std::string& action_id, const std::string& body) {
  auto p = store.begin_put();
  p->write(body);
  auto r = p->commit(action_id, wire::sha256(body), static_cast<int64_t>(body.size()));
  EXPECT_TRUE(r.entry) << r.err;
  return r.entry ? r.entry->disk_path : "";
}

TEST(FakeStore, AGetSeesARewriteByAnotherStore) {
  TempDir dir;
  Store mine(dir.path()), other(dir.path());
  put(mine, action('a'), "first");
  for (int i = 0; i < 2; ++i) {  // the second from what the first kept
    auto e = mine.get(action('a'));
    ASSERT_TRUE(e);
    EXPECT_EQ(e->output_id, wire::sha256("first"));
  }
  put(other, action('a'), "second body");
  auto e = mine.get(action('a'));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->output_id, wire::sha256("second body"));
  EXPECT_EQ(e->size, 11);
}

TEST(FakeStore, AGetMissesAnObjectRemovedOrTruncatedBehindItsBack) {
  TempDir dir;
  Store mine(dir.path());
  const std::string removed = put(mine, action('r'), "to be removed");
  const std::string truncated = put(mine, action('t'), "to be truncated");
  ASSERT_TRUE(mine.get(action('r')));
  ASSERT_TRUE(mine.get(action('t')));
  std::filesystem::remove(removed);
  std::filesystem::resize_file(truncated, 2);
  EXPECT_FALSE(mine.get(action('r')));
  EXPECT_FALSE(mine.get(action('t')));
  put(mine, action('t'), "to be truncated");  // the object is whole again
  EXPECT_TRUE(mine.get(action('t')));
}

TEST(FakeStore, AGetMissesAnIndexEntryRemovedBehindItsBack) {
  TempDir dir;
  Store mine(dir.path());
  put(mine, action('i'), "indexed");
  ASSERT_TRUE(mine.get(action('i')));
  std::filesystem::remove(dir.path() + "/actions/" + wire::to_hex(action('i')));
  EXPECT_FALSE(mine.get(action('i')));
}

}  // namespace
}  // namespace cph::fake
