// dialects/*: the request fields that carry the output ID differ by Go
// version: ObjectID (Go 1.21-1.23), OutputID and ObjectID (Go 1.24 with
// GOEXPERIMENT=cacheprog), OutputID only (Go 1.24 default, 1.25+).
#include "check/case_kit.hpp"
#include "wire/sha256.hpp"

namespace cph::check {

namespace {

using runner::CaseOutcome;
using runner::Grade;

runner::CaseDescriptor dialect_case(const std::string& id, wire::Dialect dialect, Grade grade,
                                    const std::string& requirement, const CheckConfig& config) {
  runner::CaseInfo info{id, std::string("a round trip in the ") + wire::dialect_name(dialect) + " dialect", requirement,
                        "cmd/go/internal/cacheprog/cacheprog.go; prog.go.seed (Go 1.21)", grade};
  return make_case(info, config, [dialect](runner::CaseContext& ctx, const CheckConfig& cfg) {
    CheckConfig mine = cfg;
    mine.dialect = dialect;
    CaseRig rig(ctx, mine);
    std::string failure;
    Session* s = rig.start(failure);
    if (!s) return CaseOutcome::error(failure);
    const std::string body = std::string("dialect ") + wire::dialect_name(dialect);
    Reply put = s->put(rig.action("a"), body, rig.reply_timeout());
    std::string p = put_problem(put);
    if (!p.empty()) return CaseOutcome::fail("the put accepted", p);
    Reply get = s->get(rig.action("a"), rig.reply_timeout());
    p = hit_problem(get, wire::sha256(body), static_cast<int64_t>(body.size()));
    if (!p.empty()) return CaseOutcome::fail("a hit with the OutputID that was sent", p);
    return rig.finish(CaseOutcome::pass(describe(get)));
  });
}

}  // namespace

void add_dialect_cases(Catalogue& out, const CheckConfig& config) {
  // Go 1.21-1.23 name the output in ObjectID only (prog.go.seed): a MUST
  // when grading for them, INFO for later releases, which never send it alone.
  const bool objectid = config.profile.dialect() == wire::Dialect::object_id;
  out.push_back(dialect_case("dialects/go1.21-objectid", wire::Dialect::object_id, objectid ? Grade::must : Grade::info,
                             "A put that names the output in ObjectID only (Go 1.21-1.23) is served back with it as "
                             "the OutputID." +
                                 std::string(objectid ? "" : " INFO: Go 1.24 and later never send it alone."),
                             config));
  out.push_back(dialect_case("dialects/go1.24-both", wire::Dialect::output_and_object_id, Grade::must,
                             "A put carrying both OutputID and ObjectID (Go 1.24, GOEXPERIMENT=cacheprog) is served "
                             "back with that OutputID.",
                             config));
  out.push_back(dialect_case("dialects/go1.25-outputid", wire::Dialect::output_id, Grade::must,
                             "A put carrying OutputID only (Go 1.24 default, Go 1.25+) is served back with that "
                             "OutputID.",
                             config));
}

}  // namespace cph::check
