// The fuzzer's model of what a get may serve (issue 22): a re-put that was
// answered replaces the earlier bodies for every later get; puts in flight,
// refused puts and puts answered before a kill replace nothing.
#include <gtest/gtest.h>

#include "fuzzer/model.hpp"
#include "wire/sha256.hpp"

namespace cph::fuzzer {
namespace {

StoredObject obj(const std::string& body) { return {wire::sha256(body), static_cast<int64_t>(body.size())}; }

TEST(FuzzerModel, AnsweredReputReplacesTheOldBody) {
  Model m;
  const size_t a = m.put(1, obj("b1"));
  m.put_answered(a, true);
  const Model::Time before = m.now();  // a get sent between the two puts
  const size_t b = m.put(1, obj("b2"));
  m.put_answered(b, true);
  EXPECT_EQ(m.candidates(1, m.now()), std::vector<StoredObject>{obj("b2")});
  // A get sent before the re-put's reply may see either.
  EXPECT_EQ(m.candidates(1, before).size(), 2u);
  EXPECT_EQ(m.ever_put(1).size(), 2u);
  EXPECT_TRUE(m.candidates(2, m.now()).empty());
}

TEST(FuzzerModel, InFlightAndRefusedPutsReplaceNothing) {
  Model m;
  m.put_answered(m.put(1, obj("b1")), true);
  const size_t flight = m.put(1, obj("b2"));
  EXPECT_EQ(m.candidates(1, m.now()).size(), 2u);  // b2 in flight: either
  m.put_answered(flight, false);                   // refused (an Err)
  EXPECT_EQ(m.candidates(1, m.now()).size(), 2u);  // b1 stays; b2 may have been kept anyway
  // Two re-puts in one burst: both answered, either may be the last stored.
  const size_t x = m.put(2, obj("x")), y = m.put(2, obj("y"));
  m.put_answered(x, true);
  m.put_answered(y, true);
  EXPECT_EQ(m.candidates(2, m.now()).size(), 2u);
}

TEST(FuzzerModel, AKillMayLoseWhatWasAcknowledged) {
  Model m;
  m.put_answered(m.put(1, obj("b1")), true);
  m.put_answered(m.put(1, obj("b2")), true);
  EXPECT_EQ(m.candidates(1, m.now()).size(), 1u);
  m.killed();
  EXPECT_EQ(m.candidates(1, m.now()).size(), 2u);
  m.put_answered(m.put(1, obj("b3")), true);  // after the kill: replaces both again
  EXPECT_EQ(m.candidates(1, m.now()), std::vector<StoredObject>{obj("b3")});
}

}  // namespace
}  // namespace cph::fuzzer
