// action.yml (the composite GitHub Action at the root) cannot run here, so its
// shell steps run as written through tests/run_action.py (a local stand-in
// for the runner: env, GITHUB_OUTPUT/PATH/STEP_SUMMARY, `if` of always() and
// !cancelled()), with a tarball made by scripts/dist.sh from this build
// standing in for the release download (a file:// release-url) and cph-fake
// standing in for the helper: a correct helper passes with a job summary
// saying OK and every report written; a helper serving wrong bytes fails the
// check step with the failing case in the summary's table, and the upload
// still runs. The example workflow and the release workflow parse, and the
// example's inputs are the action's. Needs python3 with PyYAML and curl;
// skips, visibly, without them (or under a sanitizer, whose build is not
// static: dist_tarball_test).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "run_program.hpp"
#include "sanitized_build.hpp"

namespace {

namespace fs = std::filesystem;
using cph::test::Ran;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "cph-action-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

const fs::path kSource = CPH_SOURCE_DIR;

Ran shell(const std::string& script, const fs::path& cwd, int seconds = 60) {
  cph::test::RunOptions o;
  o.cwd = cwd.string();
  o.deadline = std::chrono::seconds(seconds);
  return cph::test::run_program({"/usr/bin/env", "PATH=/usr/bin:/bin", "/bin/bash", "-euo", "pipefail", "-c", script},
                                o);
}

std::string missing_tools() {
  Ran r = shell("python3 -c 'import yaml' && command -v curl >/dev/null", fs::temp_directory_path());
  return r.code == 0 ? "" : "python3 with PyYAML and curl are needed: " + r.out;
}

// Runs action.yml's steps in `work` with these inputs; the runner's report.
// `path_first`: a directory put before /usr/bin:/bin.
nlohmann::json run_action(const fs::path& work, const nlohmann::json& inputs, std::string& log,
                          const std::string& path_first = "") {
  cph::test::RunOptions o;
  o.cwd = work.string();
  o.deadline = std::chrono::seconds(300);
  const std::string path = "PATH=" + (path_first.empty() ? "" : path_first + ":") + "/usr/bin:/bin";
  Ran r = cph::test::run_program({"/usr/bin/env", path, "python3", (kSource / "tests/run_action.py").string(),
                                  (kSource / "action.yml").string(), work.string(), inputs.dump()},
                                 o);
  log = r.stderr_text;
  if (r.code != 0) {
    ADD_FAILURE() << "run_action.py failed:\n" << r.out;
    return nlohmann::json::object();
  }
  return nlohmann::json::parse(r.stdout_text);
}

const nlohmann::json& step(const nlohmann::json& report, const std::string& name) {
  for (const auto& s : report["steps"]) {
    if (s["name"] == name) return s;
  }
  static const nlohmann::json none = nlohmann::json::object();
  ADD_FAILURE() << "no step " << name << " in " << report.dump(1);
  return none;
}

TEST(DocsAction, StepsRunLocallyWithATarballForTheDownload) {
  if (auto why = missing_tools(); !why.empty()) GTEST_SKIP() << why;
  if (cph::testing::kSanitizedBuild) GTEST_SKIP() << "sanitizer builds are not static; the default build checks this";
  TempDir tmp;
  Ran packed = shell("'" + (kSource / "scripts/dist.sh").string() + "' '" + CPH_BINARY_DIR + "' out", tmp.path, 240);
  ASSERT_EQ(packed.code, 0) << packed.out;
  const std::string tarball = packed.stdout_text.substr(0, packed.stdout_text.find('\n'));
  const std::string url = "file://" + tarball;

  // A correct helper: the check passes, the fuzz runs, the summary says so.
  {
    const fs::path work = tmp.path / "ok";
    fs::create_directories(work);
    std::string log;
    auto report = run_action(work,
                             {{"helper", "cph-fake --dir {dir}"},
                              {"args", "--jobs 2 --only handshake/** --only get/** --only put/**"},
                              {"fuzz-iterations", "100"},
                              {"release-url", url}},
                             log);
    ASSERT_TRUE(report.contains("steps")) << log;
    EXPECT_EQ(step(report, "Install cph")["code"], 0) << log;
    EXPECT_NE(log.find("cph from " + url), std::string::npos) << "installed from the tarball, not built:\n" << log;
    EXPECT_EQ(step(report, "cph check")["code"], 0) << log;
    EXPECT_EQ(report["outputs"]["exit-code"], "0");
    EXPECT_EQ(step(report, "cph fuzz")["code"], 0) << log;
    const std::string summary = report["summary"];
    EXPECT_NE(summary.find("### cph check: OK"), std::string::npos) << summary;
    EXPECT_NE(summary.find("| cases | passed |"), std::string::npos) << summary;
    EXPECT_NE(summary.find("### cph fuzz: no findings in 100 operations"), std::string::npos) << summary;
    ASSERT_EQ(report["uses"].size(), 1u);
    const auto& upload = report["uses"][0];
    EXPECT_EQ(upload["uses"].get<std::string>().rfind("actions/upload-artifact@", 0), 0u);
    EXPECT_TRUE(upload["runs"].get<bool>());
    std::istringstream paths(upload["with"]["path"].get<std::string>());
    int listed = 0;
    for (std::string p; std::getline(paths, p);) {
      if (p.empty() || p.back() == '/') continue;  // cph-fuzz-findings/: only with a finding
      ++listed;
      EXPECT_GT(fs::exists(work / p) ? fs::file_size(work / p) : 0u, 0u) << "the upload lists " << p << ":\n" << log;
    }
    EXPECT_EQ(listed, 4);
  }

  // A helper that serves wrong bytes: the check step fails with exit 1, the
  // summary's table names the case, the upload still runs.
  {
    const fs::path work = tmp.path / "wrong";
    fs::create_directories(work);
    std::string log;
    const std::string script = (kSource / "scenarios/fake-scripts/wrong-content.json").string();
    auto report = run_action(work,
                             {{"helper", "cph-fake --dir {dir} --script '" + script + "'"},
                              {"args", "--only put/reply --only get/hit-after-put"},
                              {"release-url", url}},
                             log);
    ASSERT_TRUE(report.contains("steps")) << log;
    EXPECT_EQ(step(report, "cph check")["code"], 1) << log;
    EXPECT_EQ(report["outputs"]["exit-code"], "1");
    EXPECT_TRUE(step(report, "cph fuzz")["ran"].get<bool>()) << "the fuzz step runs after a failed check";
    const std::string summary = report["summary"];
    EXPECT_NE(summary.find("### cph check: FAILED"), std::string::npos) << summary;
    EXPECT_NE(summary.find("| `get/hit-after-put` | MUST | **unexpected-failure** |"), std::string::npos) << summary;
    EXPECT_TRUE(report["uses"][0]["runs"].get<bool>()) << "the reports are uploaded when the check fails";
    EXPECT_TRUE(fs::exists(work / "cph-report.html"));
  }
}

// No release to fetch (no version, no tag): the install step builds cph from
// the action's source. A stub cmake stands in for the build (it records its
// arguments and copies this build's binaries where the step expects them), so
// this checks the step's logic, not the compiler.
TEST(DocsAction, WithoutAReleaseTheInstallStepBuildsFromSource) {
  if (auto why = missing_tools(); !why.empty()) GTEST_SKIP() << why;
  TempDir tmp;
  const fs::path stub = tmp.path / "stub";
  fs::create_directories(stub);
  std::ofstream(stub / "cmake") << "#!/bin/bash\n"
                                   "echo \"$*\" >> '"
                                << (tmp.path / "cmake-calls").string()
                                << "'\n"
                                   "if [[ $1 == --build ]]; then\n"
                                   "  mkdir -p \"$2/harness\" \"$2/fakes\"\n"
                                   "  cp '"
                                << CPH_CLI_BIN
                                << "' \"$2/harness/\"\n"
                                   "  cp '"
                                << CPH_FAKE_BIN
                                << "' \"$2/fakes/\"\n"
                                   "fi\n";
  fs::permissions(stub / "cmake", fs::perms::owner_all);
  const fs::path work = tmp.path / "work";
  fs::create_directories(work);
  std::string log;
  auto report = run_action(work, {{"helper", "cph-fake --dir {dir}"}, {"args", "--only handshake/id0-first"}}, log,
                           stub.string());
  ASSERT_TRUE(report.contains("steps")) << log;
  EXPECT_EQ(step(report, "Install cph")["code"], 0) << log;
  EXPECT_NE(log.find("building cph from source"), std::string::npos) << log;
  std::ifstream calls_file(tmp.path / "cmake-calls");
  std::stringstream calls;
  calls << calls_file.rdbuf();
  EXPECT_NE(calls.str().find("-S " + kSource.string() + " -B "), std::string::npos) << calls.str();
  EXPECT_NE(calls.str().find("-DCPH_BUILD_TESTS=OFF"), std::string::npos) << calls.str();
  EXPECT_NE(calls.str().find("--target cph cph-fake"), std::string::npos) << calls.str();
  EXPECT_EQ(step(report, "cph check")["code"], 0) << log;
  EXPECT_NE(report["summary"].get<std::string>().find("### cph check: OK"), std::string::npos) << report.dump(1);
}

TEST(DocsAction, ExampleAndReleaseWorkflowsParseAndUseTheAction) {
  if (auto why = missing_tools(); !why.empty()) GTEST_SKIP() << why;
  Ran r = shell(R"SH(python3 - <<'PY'
import yaml
action = yaml.safe_load(open('action.yml'))
inputs = action['inputs']
path = 'examples/github-actions/cph-check.yml'
doc = yaml.safe_load(open(path))
triggers = doc.get('on', doc.get(True))  # YAML 1.1 reads a bare `on` as true
assert 'push' in triggers and 'pull_request' in triggers, f'{path}: triggers: {triggers}'
(job,) = doc['jobs'].values()
steps = job['steps']
(ours,) = [s for s in steps if '/cacheprog-harness@' in s.get('uses', '')]
given = ours.get('with', {})
for k in given:
    assert k in inputs, f'{path}: input {k!r} is not one of action.yml: {sorted(inputs)}'
for k, spec in inputs.items():
    assert not spec.get('required') or k in given, f'{path}: the required input {k!r} is missing'
assert '{dir}' in given['helper'], f'{path}: the helper has no {{dir}}'
lines = open(path).read().split('\n')
start = next(i for i, l in enumerate(lines) if l.strip() == 'steps:')
used = [l for l in lines[start + 1:] if l.strip()]
assert len(used) <= 7, f'{path}: {len(used)} lines of steps, want about six'

path = '.github/workflows/release.yml'
doc = yaml.safe_load(open(path))
triggers = doc.get('on', doc.get(True))
assert any(t.startswith('v') for t in triggers['push']['tags']), f'{path}: not on a tag'
(job,) = doc['jobs'].values()
runs = '\n'.join(s.get('run', '') for s in job['steps'])
assert 'make dist' in runs, f'{path}: no make dist'
(release,) = [s for s in job['steps'] if 'action-gh-release' in s.get('uses', '')]
assert 'build/dist/cacheprog-harness-' in release['with']['files'], f'{path}: uploads {release}'
print('ok')
PY)SH",
                kSource);
  EXPECT_EQ(r.code, 0) << r.out;
}

}  // namespace
