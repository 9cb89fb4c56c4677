// examples/github-actions/cph-check.yml cannot run here (it needs GitHub's
// runners), so this checks what can be checked: it is YAML with the promised
// steps (checkouts of the helper and the harness, deps.sh, the build, go
// build, cph check with a baseline and reports, an upload that also runs on
// failure), and its `cph check` step, run as written with cph-fake standing
// in for the helper, passes and writes every report the upload step lists.
// Needs python3 with PyYAML (no YAML parser among the C++ dependencies);
// skips, visibly, without it.
#include <gtest/gtest.h>

#include "docs_shell_test.hpp"

namespace {

using cph::docs_test::RepoSandbox;

TEST(DocsWorkflow, GithubActionsWorkflowIsYamlAndItsCheckStepRuns) {
  RepoSandbox box;
  auto probe = box.run("python3 -c 'import yaml'", std::chrono::seconds(30));
  if (probe.code != 0) GTEST_SKIP() << "python3 with PyYAML is not available: " << probe.output;

  // Structure, then the `cph check` step's script and the paths to upload.
  auto parsed = box.run(R"SH(python3 - <<'PY'
import yaml, sys
path = 'examples/github-actions/cph-check.yml'
doc = yaml.safe_load(open(path))
triggers = doc.get('on', doc.get(True))  # YAML 1.1 reads a bare `on` as true
assert 'push' in triggers and 'pull_request' in triggers, f'{path}: triggers: {triggers}'
(job,) = doc['jobs'].values()
steps = job['steps']
uses = [s.get('uses', '') for s in steps]
runs = '\n'.join(s.get('run', '') for s in steps)
checkouts = [s for s in steps if s.get('uses', '').startswith('actions/checkout@')]
assert len(checkouts) == 2 and any('repository' in s.get('with', {}) for s in checkouts), f'{path}: checkouts'
assert any(u.startswith('actions/setup-go@') for u in uses), f'{path}: setup-go'
for needle in ['scripts/deps.sh', 'cmake --build', 'go build', 'cph check', '--baseline', '--junit', '--html']:
    assert needle in runs, f'{path}: no step runs {needle!r}'
(check,) = [s for s in steps if s.get('name') == 'cph check']
(upload,) = [s for s in steps if s.get('uses', '').startswith('actions/upload-artifact@')]
assert upload.get('if') == 'always()', f'{path}: the upload must run when the check fails'
open('check-step.sh', 'w').write(check['run'])
open('upload-paths.txt', 'w').write(upload['with']['path'])
print('ok')
PY)SH",
                        std::chrono::seconds(30));
  ASSERT_EQ(parsed.code, 0) << parsed.output;

  // The step as written: the harness checked out at cacheprog-harness/, the
  // helper built at $RUNNER_TEMP/helper (here cph-fake, whose flag is --dir).
  auto step = box.run(R"SH(mkdir -p helper runner-temp
ln -s . cacheprog-harness
ln -s "$(command -v cph-fake)" runner-temp/helper
RUNNER_TEMP=$PWD/runner-temp HELPER_ARGS='--dir {dir}' bash -euo pipefail check-step.sh
while read -r f; do
  [ -z "$f" ] || [ -s "$f" ] || { echo "the upload step lists $f, which the check did not write"; exit 1; }
done < upload-paths.txt
)SH",
                      std::chrono::seconds(120));
  EXPECT_FALSE(step.timed_out) << step.output;
  EXPECT_EQ(step.code, 0) << step.output;
}

}  // namespace
