// How a subcommand plugs into `cph`: each cli/cmd_<name>.cpp defines one
// static CommandRegistration. Its setup function declares the subcommand's
// options on the CLI11 app it is given and returns the function that runs it
// (returning the process exit code: 0 ok, 1 findings, 2 usage/configuration).
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace cph::cli {

using Runner = std::function<int()>;
using Setup = std::function<Runner(CLI::App& sub)>;

struct CommandRegistration {
  CommandRegistration(std::string name, std::string description, Setup setup);
};

struct RegisteredCommand {
  std::string name;
  std::string description;
  Setup setup;
};
std::vector<RegisteredCommand>& registered_commands();

// The helper's command line: `positional` (a helper named without "--"),
// then every argument after the first "--". main() takes those out before
// CLI11 parses, so they reach the helper exactly as written (CLI11 2.1 would
// split an argument like "[...]" at its commas, and keeps the "--" itself in
// some positional lists).
std::vector<std::string> helper_command(const std::vector<std::string>& positional);
std::vector<std::string>& args_after_dashdash();
// The helper from --helper "CMD ARGS" (split as go splits GOCACHEPROG) or
// else helper_command(positional). False, with "cph NAME: why" on stderr,
// when both are given or --helper does not split.
bool resolve_helper(const std::string& name, const std::string& helper_flag, const std::vector<std::string>& positional,
                    std::vector<std::string>& argv);

// Exit codes shared by every subcommand.
constexpr int kExitOk = 0;
constexpr int kExitFindings = 1;
constexpr int kExitUsage = 2;

}  // namespace cph::cli
