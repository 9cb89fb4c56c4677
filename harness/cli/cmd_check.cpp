// `cph check [options] -- HELPER ARGS...`: the check suite against any
// GOCACHEPROG helper. A thin wrapper: the catalogue comes from check/, the
// running and reporting from runner/ (the same options as `cph scenarios`).
#include <iostream>
#include <sstream>

#include "check/catalogue.hpp"
#include "cli/about.hpp"
#include "cli/command.hpp"
#include "cli/data_dir.hpp"
#include "cli/report_options.hpp"
#include "client/profile.hpp"
#include "proc/temp_dir.hpp"

namespace cph::cli {

namespace {

struct CheckOptions {
  cli::ReportOptions report;
  std::vector<std::string> command;  // after "--"
  std::string helper;                // --helper "CMD ARGS", split like GOCACHEPROG
  std::string go = client::Profile::newest().name();
  std::string dialect;  // empty: the --go profile's
  bool large = false;
  bool keeps_nothing = false;
  uint64_t seed = 1;
  std::string go_command = "go";  // the go/ cases' judge
};

// The command that runs case `id` alone, verbose, with the options that
// change what it does.
std::string rerun_command(const CheckOptions& o, const std::vector<std::string>& helper, const std::string& id) {
  std::vector<std::string> words{"cph", "check"};
  if (o.go != client::Profile::newest().name()) words.insert(words.end(), {"--go", o.go});
  if (!o.dialect.empty()) words.insert(words.end(), {"--dialect", o.dialect});
  if (o.large) words.push_back("--large");
  if (o.keeps_nothing) words.push_back("--keeps-nothing");
  if (o.seed != 1) words.insert(words.end(), {"--seed", std::to_string(o.seed)});
  if (o.report.timeout_scale != 1.0) {
    std::ostringstream scale;
    scale << o.report.timeout_scale;
    words.insert(words.end(), {"--timeout-scale", scale.str()});
  }
  if (o.report.max_reply_bytes != wire::kDefaultMaxReplyBytes) {
    words.insert(words.end(), {"--max-reply-bytes", std::to_string(o.report.max_reply_bytes)});
  }
  words.insert(words.end(), {"-v", "--only", id, "--"});
  words.insert(words.end(), helper.begin(), helper.end());
  return shell_command(words);
}

int run_check(const CheckOptions& o) {
  check::CheckConfig config;
  if (!resolve_helper("check", o.helper, o.command, config.helper)) return kExitUsage;
  if (config.helper.empty() && !o.report.list) {
    std::cerr << "cph check: no helper: cph check [options] -- HELPER ARGS... (see --help)\n";
    return kExitUsage;
  }
  // Both flags name Go releases, read by the one table of them (client::Profile).
  auto profile = client::Profile::parse(o.go);
  if (!profile) {
    std::cerr << "cph check: --go " << o.go << ": want a Go release from go1.21 on (go1.21, ..., go1.27)\n";
    return kExitUsage;
  }
  config.profile = *profile;
  config.dialect = profile->dialect();
  if (!o.dialect.empty()) {
    auto d = client::Profile::parse(o.dialect);
    if (!d) {
      std::cerr << "cph check: --dialect " << o.dialect
                << ": want a Go release from go1.21 on (go1.21, go1.24, go1.24+objectid, go1.25, ...)\n";
      return kExitUsage;
    }
    config.dialect = d->dialect();
  }
  config.large = o.large;
  config.keeps_nothing = o.keeps_nothing;
  config.seed = o.seed;
  config.go_command = o.go_command;
  config.go_module = scenario_catalogue() + "/go-module";
  // An unusable TMPDIR is a configuration error (2, from main), found
  // before any case rather than as every case's error.
  if (!o.report.list) proc::TempDir probe;
  cli::ReportOptions report = o.report;
  report.go = config.profile.name();
  report.rerun_command = [o, helper = config.helper](const std::string& id) { return rerun_command(o, helper, id); };
  return cli::run_and_report("check", check::check_catalogue(config), report);
}

Runner setup(CLI::App& sub) {
  auto o = std::make_shared<CheckOptions>();
  sub.footer(
      "Examples:\n"
      "  cph check --skip 'go/*' -- build/default/fakes/cph-fake --dir {dir}   # all but the real go's\n"
      "  cph check --only 'handshake/**' --html report.html -- build/default/fakes/cph-fake --dir {dir}\n"
      "  cph check --list\n\n"
      "Each case starts the helper afresh in a new temporary cache directory; \"{dir}\" in its arguments is\n"
      "that directory (for go-cacher: cph check -- go-cacher --cache-dir={dir}). The go/ cases run the real\n"
      "go (--go-command) on a sample module through the helper; --skip 'go/*' leaves them out. The cases:\n"
      "docs/checks.md.\n"
      "Exit status: 0 ok, 1 a MUST failure (or SHOULD with --strict) or a stale baseline, 2 usage.");
  cli::add_report_options(sub, o->report);
  sub.add_option("--helper", o->helper,
                 "The helper command line, split as go splits GOCACHEPROG (default: the arguments after --)")
      ->type_name("\"CMD ARGS\"");
  sub.add_option("--go", o->go,
                 "Grade for this Go release: go1.21 ... go1.27 (some grades and reasons depend on it; "
                 "the requests are written as it writes them)")
      ->capture_default_str();
  sub.add_option("--dialect", o->dialect,
                 "Write the request fields as this Go release does, whatever --go says: go1.21, go1.24, "
                 "go1.24+objectid, go1.25, ... (default: --go's)");
  sub.add_flag("--large", o->large, "Also run the 1 GiB body cases");
  sub.add_flag("--keeps-nothing", o->keeps_nothing,
               "The helper keeps nothing across restarts (persistence becomes INFO)");
  sub.add_option("--go-command", o->go_command,
                 "The go command of the go/ cases, which build and test a sample module through the helper "
                 "(a name is looked up in $PATH; GOTOOLCHAIN picks another release; none found: skipped)")
      ->capture_default_str();
  sub.add_option("--seed", o->seed, "Seed of the random choices (crash-safety kill points)")->capture_default_str();
  // Everything after "--" is the helper's, options included (CLI11 2.1 needs
  // both settings for that to hold right after the subcommand name).
  sub.add_option("command", o->command, "HELPER ARGS... (after --)")->allow_extra_args();
  sub.positionals_at_end();
  return [o] { return run_check(*o); };
}

CommandRegistration registration("check", "Grade a GOCACHEPROG helper against the protocol, case by case", setup);

}  // namespace

}  // namespace cph::cli
