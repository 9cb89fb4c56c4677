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

// Exit codes shared by every subcommand.
constexpr int kExitOk = 0;
constexpr int kExitFindings = 1;
constexpr int kExitUsage = 2;

}  // namespace cph::cli
