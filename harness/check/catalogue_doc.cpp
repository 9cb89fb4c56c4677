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

}  // namespace

std::string render_checks_markdown(const Catalogue& catalogue) {
  std::string out =
      "# The checks of `cph check`\n\n"
      "Generated from the catalogue (harness/check/cases_*.cpp); a unit test keeps this file in step\n"
      "(`CPH_UPDATE_DOCS=1 cph-unit-tests --gtest_filter='CheckDocs.*'` rewrites it).\n\n"
      "`cph check [options] -- HELPER ARGS...` starts the helper afresh for each case in a new temporary\n"
      "cache directory (`{dir}` in its arguments). Grades: MUST (a failure fails the run), SHOULD (fails\n"
      "it with `--strict`), INFO (reported only). Exit status: 0 ok, 1 a counted failure or a stale\n"
      "baseline, 2 usage or configuration. Options: `--list`, `--only`/`--skip GLOB`, `--strict`, `--dialect\n"
      "go1.21|go1.24|go1.25`, `--timeout-scale`, `--max-reply-bytes`, `--large`, `--jobs`, `--keeps-nothing`,\n"
      "`--seed`, `--json`/`--junit`/`--html FILE`, `--baseline FILE`, `--update-baseline`, `--verbose`.\n"
      "What cph bounds whatever the helper does (reply length, stderr, transcripts, memory, the processes\n"
      "it leaves): [bounds.md](bounds.md).\n\n"
      "Hostile inputs: acceptable is an Err reply (a Miss for a get), or an exit with a message on\n"
      "stderr (or, for bytes with no usable ID, skipping them and serving on); not acceptable is a hang, a\n"
      "crash by signal, non-JSON on stdout, or a store that then serves corrupt data (checked with a good\n"
      "entry afterwards, and in a fresh helper on the same directory).\n\n"
      "| ID | Grade | Requirement | Source |\n|---|---|---|---|\n";
  for (const auto& c : catalogue) {
    out += "| `" + c.info.id + "` | " + runner::grade_name(c.info.grade) + " | " + cell(c.info.requirement) + " | " +
           cell(c.info.source) + " |\n";
  }
  return out;
}

}  // namespace cph::check
