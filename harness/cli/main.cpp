// `cph`: the command-line tool. Subcommands live one per file (cmd_*.cpp) and
// register themselves; this file only parses and dispatches, and turns a
// misspelt flag or subcommand into a "did you mean" hint.
#include <algorithm>
#include <exception>
#include <iostream>
#include <map>
#include <string_view>

#include "cli/about.hpp"
#include "cli/command.hpp"
#include "input/suggest.hpp"
#include "proc/descendants.hpp"
#include "proc/exit_cleanup.hpp"
#include "proc/quoted_split.hpp"
#include "report/escape.hpp"

namespace cph::cli {

std::vector<RegisteredCommand>& registered_commands() {
  static std::vector<RegisteredCommand> commands;
  return commands;
}

std::vector<std::string>& args_after_dashdash() {
  static std::vector<std::string> args;
  return args;
}

std::vector<std::string> helper_command(const std::vector<std::string>& positional) {
  std::vector<std::string> argv = positional;
  argv.insert(argv.end(), args_after_dashdash().begin(), args_after_dashdash().end());
  return argv;
}

bool resolve_helper(const std::string& name, const std::string& helper_flag, const std::vector<std::string>& positional,
                    std::vector<std::string>& argv) {
  argv = helper_command(positional);
  if (helper_flag.empty()) return true;
  if (!argv.empty()) {
    std::cerr << "cph " << name << ": give the helper either after -- or with --helper, not both\n";
    return false;
  }
  auto split = proc::quoted_split(helper_flag);
  if (!split.ok()) {
    std::cerr << "cph " << name << ": --helper: " << split.error << "\n";
    return false;
  }
  argv = split.fields;
  return true;
}

CommandRegistration::CommandRegistration(std::string name, std::string description, Setup setup) {
  registered_commands().push_back({std::move(name), std::move(description), std::move(setup)});
}

namespace {

// The subcommand named on the command line (the first argument that names
// one), or nullptr.
CLI::App* named_subcommand(CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    for (CLI::App* sub : app.get_subcommands({})) {
      if (sub->get_name() == arg) return sub;
    }
  }
  return nullptr;
}

// Every "--long" and "-s" name of `app`'s options.
std::vector<std::string> option_names(CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* opt : app.get_options()) {
    for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
    for (const auto& s : opt->get_snames()) names.push_back("-" + s);
  }
  return names;
}

// CLI11 says "The following argument(s) was/were not expected: A B"; this
// suggests the closest option of the subcommand for the first flag among them.
std::string unexpected_flag_hint(const std::string& message, CLI::App& scope) {
  auto colon = message.find(": ");
  if (colon == std::string::npos) return "";
  std::string_view rest = std::string_view(message).substr(colon + 2);
  while (!rest.empty()) {
    auto space = rest.find(' ');
    std::string_view word = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    if (word.size() < 2 || word[0] != '-' || word == "--") continue;
    word = word.substr(0, word.find('='));  // --seeed=3
    return input::did_you_mean(word, option_names(scope));
  }
  return "";
}

// The help convention shows every option's default: an option that takes a
// value, captures no default and names none in its description has none
// (CLI11 leaves its variable as it was: unset), and says so.
void show_missing_defaults(CLI::App& sub) {
  for (CLI::Option* opt : sub.get_options()) {
    if (opt->get_positional() || opt->get_type_name().empty() || !opt->get_default_str().empty()) continue;
    if (opt->get_description().find("default") != std::string::npos) continue;
    opt->description(opt->get_description() + " (default: none)");
  }
}

std::vector<std::string> subcommand_names(CLI::App& app) {
  std::vector<std::string> names;
  for (CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  return names;
}

}  // namespace

}  // namespace cph::cli

int main(int argc, char** argv) {
  using namespace cph::cli;
  // Before any thread starts: Ctrl-C or kill ends cph without leaving
  // helpers or temp directories behind (proc/exit_cleanup.hpp).
  cph::proc::clean_up_on_exit_signals();
  // What a helper starts in a session of its own is re-parented to cph, to
  // be killed when its case ends (proc/descendants.hpp).
  cph::proc::become_subreaper();
  CLI::App app{"cph: a fault-injection test harness for Go's GOCACHEPROG protocol", "cph"};
  app.set_version_flag("--version", version_text, "Print the version, the Go releases modelled and the data in use");
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  cph check -- build/default/fakes/cph-fake --dir {dir}\n"
      "  cph scenarios --only 'close/*' --profile go1.26\n"
      "  cph check --help\n\n"
      "Docs: README.md and docs/ (exit codes: docs/exit-codes.md).");
  auto& commands = registered_commands();
  std::sort(commands.begin(), commands.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::map<CLI::App*, Runner> runners;
  for (auto& c : commands) {
    CLI::App* sub = app.add_subcommand(c.name, c.description);
    runners[sub] = c.setup(*sub);
    show_missing_defaults(*sub);
  }
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) != "--") continue;
    args_after_dashdash().assign(argv + i + 1, argv + argc);
    argc = i;
    break;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ExtrasError& e) {
    CLI::App* sub = named_subcommand(app, argc, argv);
    std::string prefix = sub ? "cph " + sub->get_name() + ": " : "cph: ";
    std::string hint;
    if (sub) {
      hint = unexpected_flag_hint(e.what(), *sub);
    } else if (argc > 1) {
      hint = cph::input::did_you_mean(argv[1], subcommand_names(app));
    }
    std::cerr << prefix << cph::report::printable(e.what()) << hint << "\nRun with --help for more information.\n";
    return kExitUsage;
  } catch (const CLI::ParseError& e) {
    // "cph chek": CLI11 only says a subcommand is required.
    if (argc > 1 && argv[1][0] != '-' && named_subcommand(app, argc, argv) == nullptr) {
      std::cerr << "cph: unknown command \"" << cph::report::printable(argv[1]) << "\""
                << cph::input::did_you_mean(argv[1], subcommand_names(app))
                << "\nRun with --help for more information.\n";
      return kExitUsage;
    }
    app.exit(e);
    return kExitUsage;
  }
  for (auto& [sub, run] : runners) {
    if (!sub->parsed()) continue;
    // Whatever escapes a subcommand (a missing TMPDIR, an unwritable file, a
    // failed allocation) is a configuration error with one line naming it,
    // never an abort: docs/exit-codes.md.
    int code = kExitUsage;
    try {
      code = run();
    } catch (const std::exception& e) {
      std::cerr << "cph " << sub->get_name() << ": " << cph::report::printable(e.what()) << "\n";
    } catch (...) {
      std::cerr << "cph " << sub->get_name() << ": an unexpected error\n";
    }
    // Abandoned cases' helpers, what they left, their temp directories.
    cph::proc::clean_up_at_exit();
    return code;
  }
  return kExitUsage;
}
