// cph-fake's default store directory, $TMPDIR/cph-fake-XXXXXX: a fake that
// dies by SIGKILL leaves it behind, and the next fake to exit sweeps it; a
// live fake's directory and a --keep directory are never swept.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "fake_peer_test.hpp"

namespace cph::fake::testing {
namespace {

namespace fs = std::filesystem;

// A fake with TMPDIR=tmp and no --dir, past its handshake (its directory exists).
std::unique_ptr<proc::Child> start_fake(const std::string& tmp, std::vector<std::string> args = {}) {
  proc::SpawnOptions opts;
  opts.argv = {CPH_FAKE_BIN};
  opts.argv.insert(opts.argv.end(), args.begin(), args.end());
  opts.env_extra = {"TMPDIR=" + tmp};
  std::string err;
  auto child = proc::Child::spawn(opts, err);
  if (!child) throw std::runtime_error("spawn cph-fake: " + err);
  std::string out;
  char buf[256];
  auto deadline = proc::deadline_in(10s);
  while (out.find('\n') == std::string::npos) {
    auto res = child->read_stdout(buf, sizeof buf, deadline);
    if (res.status != proc::IoStatus::ok) throw std::runtime_error("no handshake from cph-fake");
    out.append(buf, res.bytes);
  }
  return child;
}

// Closes its stdin and waits for the exit (the sweep runs before it).
std::string finish(proc::Child& c) {
  c.close_stdin();
  auto st = c.wait_until(proc::deadline_in(10s));
  return st ? st->describe() : "no exit within 10 s";
}

std::set<std::string> entries(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

TEST(FakeTempDir, AKilledFakesDirectoryIsSweptByTheNextFakeToExit) {
  TempDir tmp;
  auto killed = start_fake(tmp.path());
  const auto left = entries(tmp.path());
  ASSERT_EQ(left.size(), 1u);
  const std::string dir = tmp.path() + "/" + *left.begin();
  EXPECT_TRUE(fs::exists(dir + "/cph-fake.lock"));
  killed->kill_group(SIGKILL);
  ASSERT_TRUE(killed->wait_until(proc::deadline_in(10s)));
  ASSERT_TRUE(fs::exists(dir)) << "SIGKILL leaves the directory";

  auto next = start_fake(tmp.path());
  EXPECT_EQ(entries(tmp.path()).size(), 2u) << "a starting fake sweeps nothing";
  EXPECT_EQ(finish(*next), "exit status 0");
  EXPECT_EQ(entries(tmp.path()), std::set<std::string>{});
}

TEST(FakeTempDir, ALiveFakesAndAKeptDirectoryAreNotSwept) {
  TempDir tmp;
  auto kept = start_fake(tmp.path(), {"--keep"});
  ASSERT_EQ(finish(*kept), "exit status 0");
  const auto kept_dir = entries(tmp.path());
  ASSERT_EQ(kept_dir.size(), 1u);
  EXPECT_FALSE(fs::exists(tmp.path() + "/" + *kept_dir.begin() + "/cph-fake.lock")) << "a kept directory has no lock";

  auto live = start_fake(tmp.path());
  auto both = entries(tmp.path());
  ASSERT_EQ(both.size(), 2u);
  auto exiting = start_fake(tmp.path());
  EXPECT_EQ(finish(*exiting), "exit status 0");
  EXPECT_EQ(entries(tmp.path()), both) << "the live fake's and the kept directory stay";
  EXPECT_EQ(finish(*live), "exit status 0");
  EXPECT_EQ(entries(tmp.path()), kept_dir);
}

TEST(FakeTempDir, ASymlinkOrAnotherNameIsNeverFollowedOrRemoved) {
  TempDir tmp;
  TempDir elsewhere;
  // Looks abandoned (an unlocked lock file) but is reached through a symlink.
  fs::create_directory(elsewhere.path() + "/victim");
  std::ofstream(elsewhere.path() + "/victim/cph-fake.lock") << "";
  fs::create_directory_symlink(elsewhere.path() + "/victim", tmp.path() + "/cph-fake-planted");
  // Not a fake's name.
  fs::create_directory(tmp.path() + "/other-XXXX");
  std::ofstream(tmp.path() + "/other-XXXX/cph-fake.lock") << "";
  auto exiting = start_fake(tmp.path());
  EXPECT_EQ(finish(*exiting), "exit status 0");
  EXPECT_EQ(entries(tmp.path()), (std::set<std::string>{"cph-fake-planted", "other-XXXX"}));
  EXPECT_TRUE(fs::exists(elsewhere.path() + "/victim/cph-fake.lock"));
}

}  // namespace
}  // namespace cph::fake::testing
