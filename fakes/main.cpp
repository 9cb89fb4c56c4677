// cph-fake: a correct, disk-backed GOCACHEPROG helper whose misbehaviour a
// script switches on rule by rule (docs/fake-script.md).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "engine.hpp"
#include "script.hpp"

namespace cph::fake {
const char* version();
}

int main(int argc, char** argv) {
  cph::fake::Options opts;
  std::string script_arg;
  CLI::App app{"cph-fake: a programmable GOCACHEPROG helper for testing (see docs/fake-script.md)", "cph-fake"};
  app.add_option("--dir", opts.dir, "object store directory (default: a fresh temp directory, removed at exit)");
  app.add_flag("--keep", opts.keep, "keep the temp directory at exit");
  app.add_option("--script", script_arg, "misbehaviour script: a file, or inline JSON starting with '{' or '['");
  app.add_option("--seed", opts.seed, "seed for rule probabilities and shuffled holds (default 1)");
  app.add_option("--stats", opts.stats_path, "write JSON counters to this file at exit");
  app.add_option("--transcript", opts.transcript_path, "write a JSON Lines transcript of the wire and fired rules");
  app.add_flag("--strict-framing", opts.strict_framing, "accept only the exact framing the go command writes");
  app.add_option("--workers", opts.workers, "request worker threads (default 4)")->check(CLI::Range(1, 256));
  app.set_version_flag("--version", cph::fake::version());
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  if (!script_arg.empty()) {
    try {
      opts.script = cph::fake::load_script(script_arg);
    } catch (const cph::fake::ScriptError& e) {
      std::fprintf(stderr, "cph-fake: %s\n", e.what());
      return 2;
    }
  }
  try {
    return cph::fake::run_fake(opts);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cph-fake: %s\n", e.what());
    return 1;
  }
}
