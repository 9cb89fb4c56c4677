// cph-fake: a correct, disk-backed GOCACHEPROG helper whose misbehaviour a
// script switches on rule by rule (docs/fake-script.md).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <sstream>
#include <string>
#include <vector>

#include "engine.hpp"
#include "script.hpp"

int main(int argc, char** argv) {
  cph::fake::Options opts;
  std::string script_arg;
  CLI::App app{"cph-fake: a programmable GOCACHEPROG helper for testing (see docs/fake-script.md)", "cph-fake"};
  app.add_option("--dir", opts.dir, "object store directory (default: a fresh temp directory, removed at exit)")
      ->type_name("DIR");
  app.add_flag("--keep", opts.keep, "keep the temp directory at exit (default: removed)");
  app.add_option(
         "--script", script_arg,
         "misbehaviour script: a file, or inline JSON starting with '{' or '[' (default: none: a correct helper)")
      ->type_name("FILE|JSON");
  app.add_option("--seed", opts.seed, "seed for rule probabilities and shuffled holds (default 1)")->type_name("N");
  app.add_option("--stats", opts.stats_path, "write JSON counters to this file at exit (default: none)")
      ->type_name("FILE");
  app.add_option("--transcript", opts.transcript_path,
                 "write a JSON Lines transcript of the wire and fired rules (default: none)")
      ->type_name("FILE");
  app.add_flag("--strict-framing", opts.strict_framing,
               "accept only the exact framing the go command writes (default: off, as json.Decoder)");
  app.add_option("--workers", opts.workers, "request worker threads (default 4)")
      ->type_name("N")
      ->check(CLI::Range(1, 256));
  app.footer(
      "Examples:\n"
      "  cph-fake --dir /tmp/cph-cache <<< '{\"ID\":1,\"Command\":\"close\"}'\n"
      "  cph check -- build/default/fakes/cph-fake --dir {dir} --script scenarios/fake-scripts/wrong-content.json\n"
      "  GOCACHEPROG=\"$PWD/build/default/fakes/cph-fake --dir /tmp/cph-cache\" go build -o /dev/null errors\n\n"
      "Exit status: 0 after close or stdin EOF, 1 a malformed request stream, 2 a bad flag or script, or\n"
      "an unusable --dir, TMPDIR, --stats or --transcript file\n"
      "(docs/exit-codes.md). The script language: docs/fake-script.md.");
  app.set_version_flag("--version", CPH_VERSION);  // the project version (CMakeLists.txt)
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ExtrasError& e) {
    // "--seeed": name the closest option, as cph does.
    std::string hint;
    const std::string msg = e.what();
    std::vector<std::string> names;
    for (const CLI::Option* opt : app.get_options()) {
      for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
    }
    // "...not expected: 3 --seeed": the first word that looks like a flag.
    std::istringstream words(msg.substr(msg.find(": ") == std::string::npos ? msg.size() : msg.find(": ") + 2));
    for (std::string w; hint.empty() && words >> w;) {
      if (w.size() < 3 || w.rfind("--", 0) != 0) continue;
      w = w.substr(0, w.find('='));
      if (auto best = cph::fake::closest(w, names); !best.empty()) hint = "; did you mean \"" + best + "\"?";
    }
    std::fprintf(stderr, "cph-fake: %s%s\nRun with --help for more information.\n", msg.c_str(), hint.c_str());
    return 2;
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
  // What escapes (an unusable --dir or TMPDIR, a --stats or --transcript
  // file that cannot be written) is a configuration error: one line, exit 2.
  try {
    return cph::fake::run_fake(opts);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cph-fake: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "cph-fake: an unexpected error\n");
  }
  return 2;
}
