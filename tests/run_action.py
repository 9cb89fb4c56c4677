#!/usr/bin/env python3
"""Runs a composite GitHub Action's shell steps locally, as a runner would.

    tests/run_action.py ACTION_YML WORKDIR INPUTS_JSON

For the tests of action.yml (tests/unit/docs_action_test.cpp): each `run`
step runs with `bash --noprofile --norc -eo pipefail` (GitHub's `shell:
bash`) in WORKDIR, its `env` evaluated, with fresh GITHUB_OUTPUT,
GITHUB_PATH and GITHUB_ENV files per step and one GITHUB_STEP_SUMMARY;
directories a step appends to GITHUB_PATH go on PATH for the later steps.
A step without `if` runs only while every earlier step succeeded; one whose
`if` holds always() or !cancelled() runs anyway. `uses` steps are not run:
their `with` is evaluated and reported. Expressions: ${{ inputs.X }},
${{ github.X }}, ${{ runner.X }}, ${{ steps.ID.outputs.X }}, and in `if`
the comparisons `inputs.X != ''` joined by &&; anything else is an error,
so the action cannot use what this does not check. Writes a JSON report to
stdout: each step's name, whether it ran, its exit status and outputs, the
uses steps' evaluated `with`, the summary.
"""
import json
import os
import re
import subprocess
import sys

import yaml

EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def main():
    action_path, workdir, given = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    action = yaml.safe_load(open(action_path))
    assert action["runs"]["using"] == "composite", "not a composite action"
    declared = action.get("inputs", {})
    for name in given:
        assert name in declared, f"input {name!r} is not declared"
    inputs = {k: str(v.get("default", "")) for k, v in declared.items()}
    inputs.update({k: str(v) for k, v in given.items()})
    for name, spec in declared.items():
        assert not (spec.get("required") and not inputs[name]), f"input {name!r} is required"

    temp = os.path.join(workdir, ".runner-temp")
    os.makedirs(temp, exist_ok=True)
    summary = os.path.join(temp, "step-summary.md")
    open(summary, "w").close()
    ctx = {
        "inputs": inputs,
        "github": {"action_ref": "", "action_repository": "", "action_path": os.path.dirname(os.path.abspath(action_path)),
                   "workspace": workdir},
        "runner": {"temp": temp, "os": "Linux", "arch": "X64"},
        "steps": {},
    }

    def value(path):
        parts = path.split(".")
        node = ctx
        for p in parts:
            assert isinstance(node, dict) and p in node, f"unknown expression {path!r}"
            node = node[p]
        assert isinstance(node, str), f"expression {path!r} is not a value"
        return node

    def evaluate(text):
        return EXPR.sub(lambda m: value(m.group(1)), str(text))

    def condition(text):
        m = EXPR.fullmatch(text.strip())
        body = m.group(1) if m else text.strip()
        anyway, holds = False, True
        for term in (t.strip() for t in body.split("&&")):
            if term in ("always()", "!cancelled()"):
                anyway = True
            elif (c := re.fullmatch(r"([\w.-]+)\s*(==|!=)\s*'([^']*)'", term)):
                equal = value(c.group(1)) == c.group(3)
                holds = holds and (equal if c.group(2) == "==" else not equal)
            else:
                raise AssertionError(f"unsupported if: {text!r}")
        return anyway, holds

    path = os.environ.get("PATH", "/usr/bin:/bin")
    failed = False
    report = {"steps": [], "uses": []}
    for step in action["runs"]["steps"]:
        name = step.get("name", step.get("uses", step.get("id", "?")))
        anyway, holds = condition(step["if"]) if "if" in step else (False, True)
        runs = holds and (anyway or not failed)
        if "uses" in step:
            report["uses"].append({"name": name, "uses": step["uses"], "if": step.get("if", ""), "runs": runs,
                                   "with": {k: evaluate(v) for k, v in step.get("with", {}).items()}})
            continue
        assert step.get("shell") == "bash", f"{name}: shell must be bash"
        assert "${{" not in step["run"], f"{name}: an expression inside run (pass it through env)"
        entry = {"name": name, "ran": runs, "code": None, "outputs": {}}
        report["steps"].append(entry)
        if not runs:
            continue
        files = {k: os.path.join(temp, f"{k.lower()}-{len(report['steps'])}") for k in
                 ("GITHUB_OUTPUT", "GITHUB_PATH", "GITHUB_ENV")}
        for f in files.values():
            open(f, "w").close()
        env = dict(os.environ)
        env.update({"PATH": path, "RUNNER_TEMP": temp, "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64",
                    "GITHUB_STEP_SUMMARY": summary, "GITHUB_WORKSPACE": workdir,
                    "GITHUB_ACTION_PATH": ctx["github"]["action_path"], **files})
        env.update({k: evaluate(v) for k, v in step.get("env", {}).items()})
        script = os.path.join(temp, f"step-{len(report['steps'])}.sh")
        open(script, "w").write(step["run"])
        r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script], cwd=workdir, env=env,
                           stdout=sys.stderr, stderr=sys.stderr)
        entry["code"] = r.returncode
        failed = failed or r.returncode != 0
        for line in open(files["GITHUB_OUTPUT"]).read().splitlines():
            if "=" in line:
                k, v = line.split("=", 1)
                entry["outputs"][k] = v
        if "id" in step:
            ctx["steps"][step["id"]] = {"outputs": dict(entry["outputs"])}
        for d in reversed(open(files["GITHUB_PATH"]).read().splitlines()):
            if d:
                path = d + ":" + path
    report["outputs"] = {k: evaluate(v["value"]) for k, v in action.get("outputs", {}).items()}
    report["summary"] = open(summary).read()
    json.dump(report, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
