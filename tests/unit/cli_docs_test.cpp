// docs/cli.md, the man-style reference of `cph`, is its --help texts: `cph
// --help`, then each subcommand's (as `cph --help` lists them), each in a
// text block under its own heading. The test renders it from the built cph
// and compares; CPH_UPDATE_DOCS=1 rewrites the file.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "run_program.hpp"

namespace {

std::string help_of(const std::vector<std::string>& args) {
  std::vector<std::string> argv{CPH_CLI_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  cph::test::RunOptions o;
  o.deadline = std::chrono::seconds(30);
  auto r = cph::test::run_program(argv, o);
  EXPECT_EQ(r.code, 0) << r.out;
  return r.stdout_text;
}

// The names under "Subcommands:" of `cph --help`.
std::vector<std::string> subcommands(const std::string& help) {
  std::vector<std::string> names;
  std::istringstream in(help);
  bool within = false;
  for (std::string l; std::getline(in, l);) {
    if (l == "Subcommands:") {
      within = true;
    } else if (within && l.size() > 2 && l.rfind("  ", 0) == 0 && l[2] != ' ') {
      names.push_back(l.substr(2, l.find(' ', 2) - 2));
    } else if (within && l.empty()) {
      break;
    }
  }
  return names;
}

std::string block(const std::string& text) {
  std::string t = text;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  return "```text\n" + t + "\n```\n";
}

std::string render_cli_markdown() {
  const std::string top = help_of({"--help"});
  std::ostringstream md;
  md << "# `cph` command-line reference\n\n"
     << "Generated from `cph --help` and each `cph SUBCOMMAND --help` by tests/unit/cli_docs_test.cpp "
        "(CliDocs): edit the help texts in harness/cli/, then rerun that test with CPH_UPDATE_DOCS=1.\n"
     << "Exit codes: [exit-codes.md](exit-codes.md). `cph --version` prints the version, the Go releases "
        "modelled and the scenario catalogue in use.\n\n";
  auto names = subcommands(top);
  md << "Subcommands:";
  for (const auto& n : names) md << " [`" << n << "`](#cph-" << n << ")";
  md << "\n\n## cph\n\n" << block(top);
  for (const auto& n : names) md << "\n## cph " << n << "\n\n" << block(help_of({n, "--help"}));
  return md.str();
}

TEST(CliDocs, CliMarkdownIsTheHelpTexts) {
  const std::string path = std::string(CPH_SOURCE_DIR) + "/docs/cli.md";
  const std::string want = render_cli_markdown();
  ASSERT_NE(want.find("## cph check"), std::string::npos) << want;
  if (const char* u = std::getenv("CPH_UPDATE_DOCS"); u && std::string(u) == "1") {
    std::ofstream(path, std::ios::trunc) << want;
  }
  std::ifstream f(path);
  std::stringstream have;
  have << f.rdbuf();
  EXPECT_EQ(have.str(), want) << path << " is stale: rerun with CPH_UPDATE_DOCS=1";
  // No machine path: the help texts say build/default/..., never this checkout's.
  EXPECT_EQ(want.find(CPH_SOURCE_DIR), std::string::npos);
}

}  // namespace
