#!/usr/bin/env python3
"""Reads racelint's CI recipes (integrations/) so that tests/ci/run.sh can
check their structure and run their racelint steps for real.

usage:
  recipe.py github FILE OUT_DIR   checks the workflow; writes each step with
                                  an id and a run: script to OUT_DIR/ID.sh,
                                  and the upload step's sarif_file to
                                  OUT_DIR/sarif_file
  recipe.py gitlab FILE OUT_DIR   checks the job; writes its script: lines
                                  to OUT_DIR/script.sh and its code quality
                                  artifact to OUT_DIR/report
  recipe.py precommit HOOKS OUT   writes a .pre-commit-config.yaml that
                                  declares the hooks of HOOKS as a local repo

Prints one problem per line and exits 1 when the recipe lacks something.
Needs PyYAML (Debian's python3-yaml)."""
import os
import sys

import yaml


def fail(problems):
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


def github(path, out):
    doc = yaml.safe_load(open(path))
    problems = []
    # PyYAML reads the key `on` as the boolean True (YAML 1.1).
    triggers = doc.get("on", doc.get(True)) or {}
    if "pull_request" not in triggers or "push" not in triggers:
        problems.append("the workflow does not run on push and pull_request")
    if (doc.get("permissions") or {}).get("security-events") != "write":
        problems.append("the workflow lacks permissions: security-events: write")
    jobs = doc.get("jobs") or {}
    steps = [s for job in jobs.values() for s in job.get("steps", [])]
    upload = [s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")]
    if len(upload) != 1:
        problems.append("no step uses github/codeql-action/upload-sarif")
    else:
        sarif = (upload[0].get("with") or {}).get("sarif_file")
        if not sarif:
            problems.append("the upload step has no sarif_file")
        else:
            open(os.path.join(out, "sarif_file"), "w").write(sarif + "\n")
    for s in steps:
        if "id" in s and "run" in s:
            open(os.path.join(out, s["id"] + ".sh"), "w").write(s["run"])
    for need in ("configure", "racelint", "gate"):
        if not os.path.exists(os.path.join(out, need + ".sh")):
            problems.append("no step with id '%s' and a run: script" % need)
    fail(problems)


def gitlab(path, out):
    doc = yaml.safe_load(open(path))
    problems = []
    job = doc.get("racelint")
    if not isinstance(job, dict):
        fail(["no job named racelint"])
    script = job.get("script") or []
    if not script:
        problems.append("the job has no script")
    open(os.path.join(out, "script.sh"), "w").write("\n".join(script) + "\n")
    artifacts = job.get("artifacts") or {}
    report = (artifacts.get("reports") or {}).get("codequality")
    if not report:
        problems.append("the job declares no codequality report")
    else:
        open(os.path.join(out, "report"), "w").write(report + "\n")
    if artifacts.get("when") != "always":
        problems.append("the report is not kept when the job fails (artifacts: when: always)")
    fail(problems)


def precommit(path, out):
    hooks = yaml.safe_load(open(path))
    problems = []
    if not isinstance(hooks, list) or not hooks:
        fail(["no hooks in %s" % path])
    for h in hooks:
        for key in ("id", "name", "entry", "language"):
            if key not in h:
                problems.append("hook %s lacks %s" % (h.get("id"), key))
    config = {"repos": [{"repo": "local", "hooks": hooks}]}
    open(out, "w").write(yaml.safe_dump(config, sort_keys=False))
    fail(problems)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("github", "gitlab", "precommit"):
        print(__doc__)
        sys.exit(2)
    globals()[sys.argv[1]](sys.argv[2], sys.argv[3])
