// sharing/*: the same object put twice, one output under many actions, and
// two helpers on one directory at once (two `go build`s sharing a cache). An
// action re-put with new content: cases_reput.cpp.
#include <atomic>
#include <thread>

#include "check/case_kit.hpp"
#include "wire/sha256.hpp"

namespace cph::check {

namespace {

using runner::CaseOutcome;
using runner::Grade;

int64_t len(const std::string& s) { return static_cast<int64_t>(s.size()); }

}  // namespace

void add_sharing_cases(Catalogue& out, const CheckConfig& config) {
  out.push_back(make_session_case(
      {"sharing/same-put-twice", "the same put twice",
       "Putting the same ActionID and body twice succeeds both times and the object is served once more.",
       kCacheprogDoc, Grade::must},
      config, [](CaseRig& rig, Session* s) {
        const std::string body = "twice";
        for (int i = 1; i <= 2; ++i) {
          std::string p = put_problem(s->put(rig.action("a"), body, rig.reply_timeout()));
          if (!p.empty()) return CaseOutcome::fail("put " + std::to_string(i) + " accepted", p);
        }
        std::string p = hit_problem(s->get(rig.action("a"), rig.reply_timeout()), wire::sha256(body), len(body));
        if (!p.empty()) return CaseOutcome::fail("a valid hit", p);
        return rig.finish(CaseOutcome::pass());
      }));
  out.push_back(make_session_case(
      {"sharing/one-output-many-actions", "one OutputID under many ActionIDs",
       "Several ActionIDs may map to the same OutputID (identical outputs of different actions); each is served.",
       kCacheprogDoc, Grade::must},
      config, [](CaseRig& rig, Session* s) {
        const std::string body = "shared output";
        constexpr int kActions = 8;
        for (int i = 0; i < kActions; ++i) {
          std::string p = put_problem(s->put(rig.action(std::to_string(i)), body, rig.reply_timeout()));
          if (!p.empty()) return CaseOutcome::fail("put under action " + std::to_string(i) + " accepted", p);
        }
        for (int i = 0; i < kActions; ++i) {
          std::string p =
              hit_problem(s->get(rig.action(std::to_string(i)), rig.reply_timeout()), wire::sha256(body), len(body));
          if (!p.empty()) return CaseOutcome::fail("a valid hit for action " + std::to_string(i), p);
        }
        return rig.finish(CaseOutcome::pass(std::to_string(kActions) + " actions"));
      }));
  out.push_back(make_case(
      {"sharing/two-helpers-one-dir", "two helpers on one directory at once",
       "Two helpers started on the same directory, as two concurrent go builds run them, put and get the same and "
       "different objects: no error, no corrupt read.",
       kCacheprogDoc, Grade::must, std::chrono::seconds(30)},
      config, [](runner::CaseContext& ctx, const CheckConfig& cfg) {
        CaseRig rig(ctx, cfg);
        std::string failure;
        Session* a = rig.start(failure);
        Session* b = a ? rig.start(failure) : nullptr;
        if (!a || !b) return CaseOutcome::error(failure);
        constexpr int kObjects = 24;
        auto body_of = [](int k) { return "shared object " + std::to_string(k) + std::string(size_t(k) * 1000, 'x'); };
        std::string problems[2], err_gets[2];
        auto work = [&](Session* s, int who) {
          for (int round = 0; round < kObjects && problems[who].empty(); ++round) {
            // Both helpers put every object (in opposite orders), then get
            // one the other helper may have just written.
            const int k = who == 0 ? round : kObjects - 1 - round;
            const std::string body = body_of(k);
            std::string p = put_problem(s->put(rig.action(std::to_string(k)), body, rig.reply_timeout()));
            if (!p.empty()) {
              problems[who] = "put of object " + std::to_string(k) + ": " + p;
              break;
            }
            const int g = kObjects - 1 - k;
            Reply r = s->get(rig.action(std::to_string(g)), rig.reply_timeout());
            // Not there yet: fine. An Err on a get go treats as a miss (it
            // logs it): get/miss-no-err owns that, not this case.
            if (r && (r->miss || !r->err.empty())) {
              if (!r->err.empty()) err_gets[who] = "gets answered with an Err (" + r->err + "), see get/miss-no-err";
              continue;
            }
            p = hit_problem(r, wire::sha256(body_of(g)), len(body_of(g)));
            if (!p.empty()) problems[who] = "get of object " + std::to_string(g) + ": " + p;
          }
        };
        std::thread other([&] { work(b, 1); });
        work(a, 0);
        other.join();
        for (int who = 0; who < 2; ++who) {
          if (!problems[who].empty()) {
            return CaseOutcome::fail("no error and no corrupt read",
                                     "helper " + std::to_string(who + 1) + ": " + problems[who]);
          }
        }
        // Everything is there now, for both.
        for (Session* s : {a, b}) {
          for (int k = 0; k < kObjects; ++k) {
            std::string p = hit_problem(s->get(rig.action(std::to_string(k)), rig.reply_timeout()),
                                        wire::sha256(body_of(k)), len(body_of(k)));
            if (!p.empty()) return CaseOutcome::fail("every object served by both helpers", p);
          }
        }
        std::string note = !err_gets[0].empty() ? err_gets[0] : err_gets[1];
        return rig.finish(
            CaseOutcome::pass(std::to_string(kObjects) + " objects each way" + (note.empty() ? "" : "; " + note)));
      }));
}

}  // namespace cph::check
