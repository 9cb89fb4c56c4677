// The case model shared by `cph scenarios`, `cph check` and `cph fuzz`: a case
// is a small value (ID, title, the requirement it tests, where that comes from,
// a grade) plus one run function; running it gives a CaseResult.
#pragma once
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runner/cancel.hpp"
#include "wire/response_decoder.hpp"
#include "wire/transcript.hpp"

namespace cph::runner {

// How much a failure matters (Autobahn style). Scenarios are all MUST.
enum class Grade { must, should, info };
// pass: the requirement holds. fail: it does not. skip: not applicable here
// (say why in details). error: the case could not be evaluated (the harness
// failed, the case threw, or it hung past its deadline).
enum class Status { pass, fail, skip, error };

const char* grade_name(Grade g);    // "MUST", "SHOULD", "INFO"
const char* status_name(Status s);  // "pass", "fail", "skip", "error"
std::optional<Grade> parse_grade(std::string_view s);
std::optional<Status> parse_status(std::string_view s);

struct CaseInfo {
  std::string id;           // hierarchical, stable: "close/exit-after-reply"
  std::string title;        // one line
  std::string requirement;  // the sentence the case checks
  std::string source;       // a file, "golang/go#70848", a spec section
  Grade grade = Grade::must;
  // Time the case may take before it is cancelled (times --timeout-scale).
  std::chrono::milliseconds timeout{10000};
};

// What a case function returns.
struct CaseOutcome {
  Status status = Status::pass;
  std::string expected;
  std::string observed;
  std::string details;

  static CaseOutcome pass(std::string observed = {});
  static CaseOutcome fail(std::string expected, std::string observed, std::string details = {});
  static CaseOutcome skip(std::string why);
  static CaseOutcome error(std::string what);
};

// Handed to a case function. The function must honour `cancel` (see
// cancel.hpp) and should record every byte it exchanges in `transcript`.
struct CaseContext {
  const CaseInfo& info;
  CancelToken& cancel;
  wire::Transcript& transcript;
  double timeout_scale = 1.0;
  // The longest reply a helper's session reads before giving up on it
  // (--max-reply-bytes; wire/response_decoder.hpp).
  size_t max_reply_bytes = wire::kDefaultMaxReplyBytes;
  // A duration scaled by --timeout-scale, for the case's own waits.
  template <class Rep, class Period>
  std::chrono::milliseconds scaled(std::chrono::duration<Rep, Period> d) const {
    return std::chrono::milliseconds(
        static_cast<int64_t>(std::chrono::duration<double, std::milli>(d).count() * timeout_scale));
  }
  // Machine paths the case's evidence names otherwise ({path, name}): the
  // runner writes `name` for every `path` in the outcome's expected, observed
  // and details ("{dir}" for a case's temporary cache directory), so reports
  // and the docs made from them carry no /tmp/cph-check-XXXXXX paths.
  std::vector<std::pair<std::string, std::string>> path_names = {};
  void name_path(std::string path, std::string name) { path_names.emplace_back(std::move(path), std::move(name)); }
};

// `outcome` with each path of `names` in its texts replaced by its name,
// longest path first.
void apply_path_names(CaseOutcome& outcome, std::vector<std::pair<std::string, std::string>> names);

using CaseFunction = std::function<CaseOutcome(CaseContext&)>;

struct CaseDescriptor {
  CaseInfo info;
  CaseFunction run;
};

struct CaseResult {
  CaseInfo info;
  Status status = Status::pass;
  std::string expected;
  std::string observed;
  std::string details;
  std::chrono::nanoseconds duration{0};
  std::vector<wire::TranscriptRecord> transcript;

  // The text a baseline's "# expected:" must be found in: the observed
  // value, or the details when nothing was observed.
  const std::string& message() const { return observed.empty() ? details : observed; }
  bool failed() const { return status == Status::fail || status == Status::error; }
};

}  // namespace cph::runner
