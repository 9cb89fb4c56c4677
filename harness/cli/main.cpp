// `cph`: the command-line tool. Subcommands live one per file (cmd_*.cpp) and
// register themselves; this file only parses and dispatches.
#include <algorithm>
#include <iostream>
#include <map>

#include "cli/command.hpp"

namespace cph::cli {

std::vector<RegisteredCommand>& registered_commands() {
  static std::vector<RegisteredCommand> commands;
  return commands;
}

CommandRegistration::CommandRegistration(std::string name, std::string description, Setup setup) {
  registered_commands().push_back({std::move(name), std::move(description), std::move(setup)});
}

}  // namespace cph::cli

int main(int argc, char** argv) {
  using namespace cph::cli;
  CLI::App app{"cph: a fault-injection test harness for Go's GOCACHEPROG protocol", "cph"};
  app.set_version_flag("--version", std::string("cph ") + CPH_VERSION);
  app.require_subcommand(1);
  auto& commands = registered_commands();
  std::sort(commands.begin(), commands.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  std::map<CLI::App*, Runner> runners;
  for (auto& c : commands) {
    CLI::App* sub = app.add_subcommand(c.name, c.description);
    runners[sub] = c.setup(*sub);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  for (auto& [sub, run] : runners) {
    if (sub->parsed()) return run();
  }
  return kExitUsage;
}
