#include "check/catalogue_doc.hpp"

namespace cph::check {

namespace {

// Table cells must not break the Markdown table.
std::string cell(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// Consecutive releases that agree on `key`, labelled "go1.21-go1.23",
// "go1.25", "go1.24+" (to the newest).
template <class Key>
std::vector<std::pair<std::string, size_t>> groups(const std::vector<client::Profile>& releases, Key key) {
  std::vector<std::pair<std::string, size_t>> out;  // label, index of a member
  for (size_t i = 0; i < releases.size();) {
    size_t j = i;
    while (j + 1 < releases.size() && key(j + 1) == key(i)) ++j;
    std::string label = i == j                     ? releases[i].releases()
                        : j + 1 == releases.size() ? releases[i].name() + "+"
                                                   : releases[i].name() + "-" + releases[j].name();
    out.emplace_back(label, i);
    i = j + 1;
  }
  return out;
}

}  // namespace

std::string render_checks_markdown(const CheckConfig& config) {
  const std::vector<client::Profile> releases = client::Profile::all();
  std::vector<Catalogue> per_release;
  for (const auto& p : releases) {
    CheckConfig c = config;
    c.profile = p;
    c.dialect = p.dialect();
    per_release.push_back(check_catalogue(c));
  }
  const Catalogue& catalogue = per_release.back();
  std::string out =
      "# The checks of `cph check`\n\n"
      "Generated from the catalogue (harness/check/cases_*.cpp); a unit test keeps this file in step\n"
      "(`CPH_UPDATE_DOCS=1 cph-unit-tests --gtest_filter='CheckDocs.*'` rewrites it).\n\n"
      "`cph check [options] -- HELPER ARGS...` starts the helper afresh for each case in a new temporary\n"
      "cache directory (`{dir}` in its arguments). Grades: MUST (a failure fails the run), SHOULD (fails\n"
      "it with `--strict`), INFO (reported only). Exit status: 0 ok, 1 a counted failure or a stale\n"
      "baseline, 2 usage or configuration. Options: `--go go1.21|...|go1.27` (the Go release graded for; default the\n"
      "newest), `--dialect` (request fields of another release), `--list`, `--only`/`--skip GLOB`,\n"
      "`--strict`, `--timeout-scale`, `--max-reply-bytes`, `--large`, `--jobs`, `--keeps-nothing`, `--seed`,\n"
      "`--go-command` (the go/ cases), `--json`/`--junit`/`--html FILE`, `--baseline FILE`, `--update-baseline`,\n"
      "`--verbose`.\n"
      "What cph bounds whatever the helper does (reply length, stderr, transcripts, memory, the processes\n"
      "it leaves): [bounds.md](bounds.md).\n\n"
      "Some grades and requirements depend on the release (`--go`); the table shows each release's where\n"
      "they differ. Reports name the release graded for. A baseline lists case IDs whatever the release:\n"
      "keep one per release if you grade for several.\n\n"
      "A helper that ends in a crash fails the case it was in, whatever its exit status: death by a\n"
      "signal, a Go runtime panic or `fatal error:` (with its goroutine dump, exit status 2), a sanitizer\n"
      "report, or another stack dump on stderr; the report quotes the stderr excerpt.\n\n"
      "Hostile inputs (the harness's hardening policy: go never sends them, so SHOULD at most):\n"
      "acceptable is an Err reply (a Miss for a get), possibly followed by an exit, or an exit with a\n"
      "message on stderr (or, for bytes with no usable ID, skipping them and serving on); not acceptable\n"
      "is a hang, a crash, stdout go cannot decode, or a store that then serves corrupt data (checked with\n"
      "a good entry afterwards, and in a fresh helper on the same directory). `hostile/outputid-mismatch`\n"
      "is judged by its consequence alone.\n\n"
      "The go/ cases have the real `go` judge: with GOCACHEPROG naming the helper (started in cph's working\n"
      "directory, `{dir}` expanded, afresh by each go command), go builds and tests the catalogue's sample\n"
      "module (`scenarios/go-module`, its files older than go's 2 s index cutoff) twice, each time in a fresh\n"
      "GOCACHE on one store, and once with its default cache for reference. They need `go` on PATH (or\n"
      "`--go-command GO`; GOTOOLCHAIN picks another release, and the reports say which `go version` ran,\n"
      "whatever `--go` grades for) and are skipped, with that reason, without one. A cold `go test` compiles\n"
      "package testing's dependencies through the helper: 20 s or more; `--skip 'go/*'` leaves them out.\n"
      "Evidence names the case's cache directory `{dir}`, never its temporary path.\n\n"
      "| ID | Grade | Requirement | Source |\n|---|---|---|---|\n";
  for (size_t k = 0; k < catalogue.size(); ++k) {
    auto info = [&](size_t r) -> const runner::CaseInfo& { return per_release[r][k].info; };
    std::string grade, requirement, source;
    auto by_grade = groups(releases, [&](size_t r) { return info(r).grade; });
    for (const auto& [label, r] : by_grade) {
      grade += (grade.empty() ? "" : "; ") + (by_grade.size() > 1 ? label + ": " : std::string()) +
               runner::grade_name(info(r).grade);
    }
    auto by_text = groups(releases, [&](size_t r) { return info(r).requirement + "\n" + info(r).source; });
    for (const auto& [label, r] : by_text) {
      const std::string tag = by_text.size() > 1 ? "**" + label + ":** " : "";
      requirement += (requirement.empty() ? "" : " ") + tag + info(r).requirement;
      if (source.find(info(r).source) == std::string::npos) source += (source.empty() ? "" : "; ") + info(r).source;
    }
    out += "| `" + catalogue[k].info.id + "` | " + grade + " | " + cell(requirement) + " | " + cell(source) + " |\n";
  }
  return out;
}

}  // namespace cph::check
