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
#include "cli/data_dir.hpp"
#include "cli/report_options.hpp"
#include "input/suggest.hpp"
#include "proc/look_path.hpp"
#include "proc/temp_dir.hpp"
#include "scenario/scenario_exec.hpp"
#include "scenario/scenario_file.hpp"
#include "scenario/scenario_go.hpp"

namespace cph::cli {

namespace {

namespace fs = std::filesystem;

struct ScenariosOptions {
  cli::ReportOptions report;
  std::vector<std::string> paths;
  std::vector<std::string> profiles;
  std::string fake;
  // --go [GO]: run the fakes under the real go instead of our client.
  std::string go;
  std::vector<std::string> conditions;
};

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

// --go: each scenario's fake under the real go, per condition, against the
// scenario's go block.
int run_under_go(const ScenariosOptions& o, const std::vector<scenario::Scenario>& scenarios,
                 const scenario::ScenarioEnv& env) {
  std::vector<gocmd::GoCondition> conditions;
  for (const auto& name : o.conditions) {
    if (name == "all") {
      conditions = gocmd::all_go_conditions();
      break;
    }
    std::string why;
    auto c = gocmd::parse_go_condition(name, why);
    if (!c) {
      std::cerr << "cph scenarios: --condition " << name << ": " << why << "\n";
      return kExitUsage;
    }
    conditions.push_back(*c);
  }
  if (conditions.empty()) conditions = scenario::default_go_conditions();
  if (!o.profiles.empty()) {
    std::cerr << "cph scenarios: --profile picks our client's profile; with --go the go command is the client\n";
    return kExitUsage;
  }
  // The sample module is the catalogue's, also when other scenario paths are given.
  const fs::path sample = fs::path(scenario_catalogue()) / "go-module";
  std::error_code ec;
  if (!fs::is_directory(sample, ec)) {
    std::cerr << "cph scenarios: no sample module at " << sample.string() << " (installed with the catalogue)\n";
    return kExitUsage;
  }
  if (o.report.list) {
    return cli::run_and_report("scenarios", scenario::scenario_go_cases(scenarios, conditions, nullptr), o.report);
  }
  const char* toolchain_env = std::getenv("GOTOOLCHAIN");
  const std::string toolchain = toolchain_env && *toolchain_env ? toolchain_env : "local";
  std::string why;
  auto go = gocmd::find_go(o.go, toolchain, why);
  if (!go) {
    std::cerr << "cph scenarios: --go: " << why << "\n";
    return kExitUsage;
  }
  gocmd::GoBench::Options bo;
  bo.go = *go;
  bo.fake_bin = env.fake_bin;
  bo.module_dir = sample.string();
  auto bench = std::make_shared<gocmd::GoBench>(bo);
  std::cerr << "cph scenarios: " << go->version << " (" << go->path << "); warming the fake's store...\n";
  if (auto failed = bench->warm_up(conditions)) {
    std::cerr << "cph scenarios: --go: go with the correct default fake failed, so no scenario can be judged: "
              << failed->describe() << "\n";
    return kExitUsage;
  }
  cli::ReportOptions report = o.report;
  report.jobs = 1;  // one module directory: one go at a time
  return cli::run_and_report("scenarios", scenario::scenario_go_cases(scenarios, conditions, bench), report);
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
    auto paths = o.paths.empty() ? std::vector<std::string>{scenario_catalogue()} : o.paths;
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
  // An unusable TMPDIR is a configuration error (2, from main), found first.
  if (!o.report.list) proc::TempDir probe;
  if (!o.go.empty()) return run_under_go(o, scenarios, env);
  return cli::run_and_report("scenarios", scenario::scenario_cases(scenarios, env, o.profiles), o.report);
}

Runner setup(CLI::App& sub) {
  auto o = std::make_shared<ScenariosOptions>();
  sub.footer(
      "Examples:\n"
      "  cph scenarios --only 'early-exit/*' --profile go1.21\n"
      "  cph scenarios --junit junit.xml scenarios/close\n"
      "  cph scenarios --list --profile go1.26\n"
      "  cph scenarios --go --only 'err/*'            # what does MY go do? (GOTOOLCHAIN=go1.27.3 for another)\n\n"
      "Each scenario runs once per client profile, as the case ID@PROFILE. The format: scenarios/README.md;\n"
      "what the real go command does in each: docs/go-behaviour.md.\n"
      "Exit status: 0 all as Go behaves, 1 a mismatch or a stale baseline, 2 usage (or, with --go, no usable go).");
  // Scenarios mostly wait on timers and pipes, not the CPU: 4 at once keeps
  // the catalogue under 15 s on a 2-core machine.
  o->report.jobs = 4;
  cli::add_report_options(sub, o->report);
  sub.add_option("--profile", o->profiles,
                 "Only these client profiles: go1.21, go1.24, go1.25, go1.26, go1.27 (default: all)")
      ->type_name("PROFILE");
  sub.add_option("--fake", o->fake, "The cph-fake executable (default: $CPH_FAKE, beside cph, or in $PATH)")
      ->type_name("PATH");
  auto* go =
      sub.add_option(
             "--go", o->go,
             "Run each scenario's fake under the real go command (--go=GO: that one; else go from $PATH; GOTOOLCHAIN "
             "is honoured) on the catalogue's sample module, and check go against the scenario's go block")
          ->expected(0, 1)
          ->type_name("[=GO]");
  sub.add_option("--condition", o->conditions,
                 "With --go: these conditions (build, old-module, cold+test, ...; 'all': the 20 of "
                 "scenarios/README.md; default: build, old-module, cold, list)")
      ->type_name("NAME");
  sub.add_option("paths", o->paths, "Scenario files or directories (default: the catalogue)")->type_name("PATH");
  return [o, go] {
    if (go->count() > 0 && o->go.empty()) o->go = "go";
    return run_scenarios(*o);
  };
}

CommandRegistration registration("scenarios", "Run the client scenarios: does our client react as Go does?", setup);

}  // namespace

}  // namespace cph::cli
