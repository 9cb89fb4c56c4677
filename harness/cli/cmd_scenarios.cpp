// `cph scenarios [options] [PATH...]`: the client scenario catalogue. cph-fake
// misbehaves as each scenario's script says, our client drives it, and the
// outcomes must be Go's. A thin wrapper: scenarios from scenario/scenario_file,
// execution from scenario/scenario_exec, running and reports from
// cli/report_options (the same options as `cph check`).
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/command.hpp"
#include "proc/look_path.hpp"
#include "cli/report_options.hpp"
#include "scenario/scenario_exec.hpp"
#include "scenario/scenario_file.hpp"
#include "input/suggest.hpp"

namespace cph::cli {

namespace {

namespace fs = std::filesystem;

struct ScenariosOptions {
  cli::ReportOptions report;
  std::vector<std::string> paths;
  std::vector<std::string> profiles;
  std::string fake;
};

// The catalogue of a build tree, else the installed one.
std::string default_catalogue() {
  std::error_code ec;
  if (fs::is_directory(CPH_SOURCE_SCENARIOS, ec)) return CPH_SOURCE_SCENARIOS;
  return CPH_INSTALLED_SCENARIOS;
}

bool executable(const fs::path& p) { return !p.empty() && access(p.c_str(), X_OK) == 0 && !fs::is_directory(p); }

// --fake, $CPH_FAKE, beside this cph (installed), the build tree's fakes/,
// then $PATH.
std::string find_fake(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("CPH_FAKE"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (fs::path p : {self.parent_path() / "cph-fake", self.parent_path().parent_path() / "fakes" / "cph-fake"}) {
      if (executable(p)) return p.string();
    }
  }
  const char* path = std::getenv("PATH");
  auto found = proc::look_path("cph-fake", path ? path : "");
  return found.ok() ? found.path : "";
}

int run_scenarios(const ScenariosOptions& o) {
  for (const auto& p : o.profiles) {
    const auto& known = scenario::known_profiles();
    if (std::find(known.begin(), known.end(), p) == known.end()) {
      std::cerr << "cph scenarios: --profile " << p << ": unknown profile" << input::did_you_mean(p, known)
                << " (known: go1.21, go1.24, go1.25, go1.26, go1.27)\n";
      return kExitUsage;
    }
  }
  std::vector<scenario::Scenario> scenarios;
  try {
    auto paths = o.paths.empty() ? std::vector<std::string>{default_catalogue()} : o.paths;
    for (const auto& p : paths) {
      std::error_code ec;
      if (fs::is_directory(p, ec)) {
        for (auto& s : scenario::load_scenario_dir(p)) scenarios.push_back(std::move(s));
      } else {
        scenarios.push_back(scenario::load_scenario(p));
      }
    }
  } catch (const scenario::ScenarioError& e) {
    std::cerr << "cph scenarios: " << e.what() << "\n";
    return kExitUsage;
  }
  scenario::ScenarioEnv env;
  env.fake_bin = find_fake(o.fake);
  if (env.fake_bin.empty() && !o.report.list) {
    std::cerr << "cph scenarios: cannot find cph-fake (beside cph, in $PATH or $CPH_FAKE); give --fake PATH\n";
    return kExitUsage;
  }
  return cli::run_and_report("scenarios", scenario::scenario_cases(scenarios, env, o.profiles), o.report);
}

Runner setup(CLI::App& sub) {
  auto o = std::make_shared<ScenariosOptions>();
  sub.footer(
      "Examples:\n"
      "  cph scenarios --only 'early-exit/*' --profile go1.21\n"
      "  cph scenarios --junit junit.xml scenarios/close\n"
      "  cph scenarios --list --profile go1.26\n\n"
      "Each scenario runs once per client profile, as the case ID@PROFILE. The format: scenarios/README.md;\n"
      "what the real go command does in each: docs/go-behaviour.md.\n"
      "Exit status: 0 all as Go behaves, 1 a mismatch or a stale baseline, 2 usage.");
  // Scenarios mostly wait on timers and pipes, not the CPU: 4 at once keeps
  // the catalogue under 15 s on a 2-core machine.
  o->report.jobs = 4;
  cli::add_report_options(sub, o->report);
  sub.add_option("--profile", o->profiles, "Only these client profiles: go1.21, go1.24, go1.25, go1.26, go1.27 (default: all)")
      ->type_name("PROFILE");
  sub.add_option("--fake", o->fake, "The cph-fake executable (default: $CPH_FAKE, beside cph, or in $PATH)")
      ->type_name("PATH");
  sub.add_option("paths", o->paths, "Scenario files or directories (default: the catalogue)")->type_name("PATH");
  return [o] { return run_scenarios(*o); };
}

CommandRegistration registration("scenarios", "Run the client scenarios: does our client react as Go does?", setup);

}  // namespace

}  // namespace cph::cli
