// The CLI's first-hour promises: every `cph` subcommand's --help has a usage
// line, shows every option's default and ends with an "Examples:" footer of
// at least two `  cph <name> ...` lines; the examples of the documentation
// owner's commands really run from the repository root; `cph --version`
// answers; a misspelt flag or subcommand gets a "did you mean".
#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "docs_shell_test.hpp"

namespace {

using cph::docs_test::RepoSandbox;
using cph::docs_test::ShellRun;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

ShellRun run(const RepoSandbox& box, const std::string& script) { return box.run(script, std::chrono::seconds(30)); }

// The subcommand names listed under "Subcommands:" in `cph --help`.
std::vector<std::string> subcommands(const RepoSandbox& box) {
  ShellRun r = run(box, "cph --help");
  EXPECT_EQ(r.code, 0) << r.output;
  std::vector<std::string> names;
  bool in = false;
  for (const auto& l : lines_of(r.output)) {
    if (l == "Subcommands:") {
      in = true;
    } else if (in && starts_with(l, "  ") && l.size() > 2 && l[2] != ' ') {
      names.push_back(l.substr(2, l.find(' ', 2) - 2));
    } else if (in && l.empty()) {
      break;
    }
  }
  return names;
}

// The lines under "Examples:" (two-space indented, up to a blank line).
std::vector<std::string> examples(const std::string& help) {
  std::vector<std::string> out;
  bool in = false;
  for (const auto& l : lines_of(help)) {
    if (l == "Examples:") {
      in = true;
    } else if (in && starts_with(l, "  ")) {
      out.push_back(l.substr(2));
    } else if (in) {
      break;
    }
  }
  return out;
}

// Options (under "Options:") that take a value but show no default: neither
// "=VALUE" after the type nor "default" in the description.
std::vector<std::string> options_without_default(const std::string& help) {
  std::vector<std::string> missing;
  auto lines = lines_of(help);
  bool in = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto& l = lines[i];
    if (l == "Options:") {
      in = true;
      continue;
    }
    if (!in) continue;
    if (l.empty()) break;
    if (!starts_with(l, "  -")) continue;
    auto gap = l.find("  ", 2);
    std::string names = l.substr(2, gap == std::string::npos ? std::string::npos : gap - 2);
    std::string description = gap == std::string::npos ? "" : l.substr(gap);
    if (description.find_first_not_of(' ') == std::string::npos && i + 1 < lines.size()) description = lines[i + 1];
    const bool takes_value = names.find(' ') != std::string::npos;
    if (takes_value && names.find('=') == std::string::npos && description.find("default") == std::string::npos) {
      missing.push_back(names);
    }
  }
  return missing;
}

void expect_help_convention(const std::string& program, const std::string& help) {
  EXPECT_NE(help.find("Usage: " + program), std::string::npos) << help;
  auto ex = examples(help);
  int ours = 0;
  for (const auto& e : ex) ours += starts_with(e, program + " ");
  EXPECT_GE(ours, 2) << program << ": want an \"Examples:\" footer with >= 2 \"  " << program << " ...\" lines:\n"
                     << help;
  EXPECT_EQ(options_without_default(help), std::vector<std::string>{}) << program << ":\n" << help;
}

TEST(CliHelp, VersionNamesTheProgramAndVersion) {
  RepoSandbox box;
  ShellRun r = run(box, "cph --version");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(starts_with(r.output, "cph 0.")) << r.output;
  ShellRun f = run(box, "cph-fake --version");
  EXPECT_EQ(f.code, 0) << f.output;
  EXPECT_TRUE(starts_with(f.output, "0.") || starts_with(f.output, "cph-fake 0.")) << f.output;
}

TEST(CliHelp, EverySubcommandHasUsageDefaultsAndExamples) {
  RepoSandbox box;
  auto names = subcommands(box);
  for (const char* expected : {"check", "decode", "scenarios"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
  }
  for (const auto& name : names) {
    SCOPED_TRACE("cph " + name);
    ShellRun r = run(box, "cph " + name + " --help");
    EXPECT_EQ(r.code, 0) << r.output;
    expect_help_convention("cph " + name, r.output);
  }
}

TEST(CliHelp, FakeHasUsageDefaultsAndExamples) {
  RepoSandbox box;
  ShellRun r = run(box, "cph-fake --help");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("Usage: cph-fake"), std::string::npos) << r.output;
  EXPECT_GE(examples(r.output).size(), 2u) << r.output;
  EXPECT_EQ(options_without_default(r.output), std::vector<std::string>{}) << r.output;
}

// Each example must run as printed from the repository root: 0 (all as
// expected) or 1 (findings: some examples show a failing helper), never 2
// (usage) or a hang. Lines that run `go` skip when it is missing.
void expect_examples_run(const RepoSandbox& box, const std::string& help_command) {
  ShellRun help = run(box, help_command);
  ASSERT_EQ(help.code, 0) << help.output;
  auto ex = examples(help.output);
  ASSERT_FALSE(ex.empty()) << help.output;
  for (const auto& e : ex) {
    if (e.find(" go ") != std::string::npos && !cph::docs_test::go_available()) {
      std::cout << "[  NOTE    ] go not on PATH; not run: " << e << "\n";
      continue;
    }
    ShellRun r = box.run(e, std::chrono::seconds(180));
    EXPECT_FALSE(r.timed_out) << help_command << " example timed out: " << e << "\n" << r.output;
    EXPECT_TRUE(r.code == 0 || r.code == 1) << help_command << " example exited " << r.code << ": " << e << "\n"
                                            << r.output;
    // Findings, yes; a helper that never worked (it cannot start, cannot
    // read its script), no: then not one case passes.
    if (r.output.find(" cases in ") != std::string::npos) {
      EXPECT_TRUE(std::regex_search(r.output, std::regex(": [1-9][0-9]* passed")))
          << help_command << " example: no case passed: " << e << "\n"
          << r.output;
    }
  }
}

TEST(CliHelp, ExamplesOfCheckRun) { expect_examples_run(RepoSandbox(), "cph check --help"); }
TEST(CliHelp, ExamplesOfDecodeRun) { expect_examples_run(RepoSandbox(), "cph decode --help"); }
TEST(CliHelp, ExamplesOfScenariosRun) { expect_examples_run(RepoSandbox(), "cph scenarios --help"); }
// Slow: its `go build` example compiles the runtime through a cold cph-fake.
TEST(CliHelp, ExamplesOfFakeRunSlow) { expect_examples_run(RepoSandbox(), "cph-fake --help"); }

TEST(CliHelp, MisspeltFlagGetsTheClosestOptionOfItsSubcommand) {
  RepoSandbox box;
  struct Case {
    std::string command, hint;
  };
  for (const Case& c : std::vector<Case>{
           {"cph check --seeed 3 -- cph-fake", "did you mean \"--seed\"?"},
           {"cph check --stirct -- cph-fake", "did you mean \"--strict\"?"},
           {"cph scenarios --profle=go1.21", "did you mean \"--profile\"?"},
           {"cph decode --strcit request", "did you mean \"--strict\"?"},
           {"cph chek", "did you mean \"check\"?"},
           {"cph-fake --seeed 3", "did you mean \"--seed\"?"},
       }) {
    ShellRun r = run(box, c.command + " </dev/null");
    EXPECT_EQ(r.code, 2) << c.command << "\n" << r.output;
    EXPECT_NE(r.output.find(c.hint), std::string::npos) << c.command << "\n" << r.output;
    EXPECT_NE(r.output.find("Run with --help"), std::string::npos) << c.command << "\n" << r.output;
  }
  // Nothing close: the error alone, no wild guess.
  ShellRun r = run(box, "cph check --zzzzzzzz -- cph-fake");
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("not expected: --zzzzzzzz\n"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("did you mean"), std::string::npos) << r.output;
}

}  // namespace
