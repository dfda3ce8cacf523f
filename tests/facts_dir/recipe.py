#!/usr/bin/env python3
"""Reads the sharded CI recipes (integrations/*-sharded.yml) so that
tests/facts_dir/run.sh can check their structure and run their racelint
steps for real, 4 shards and a link, on this machine.

usage:
  recipe.py github FILE OUT_DIR   writes the extract job's `configure` and
                                  `extract` steps and the link job's `link`
                                  step to OUT_DIR/NAME.sh (the matrix values
                                  become $SHARD and $TOTAL), the upload's
                                  path to OUT_DIR/upload, the download's
                                  path to OUT_DIR/download
  recipe.py gitlab FILE OUT_DIR   writes the racelint-extract and
                                  racelint-link scripts to OUT_DIR/extract.sh
                                  and OUT_DIR/link.sh, the artifact path to
                                  OUT_DIR/upload, the report to OUT_DIR/report

Prints one problem per line and exits 1 when the recipe lacks something.
Needs PyYAML (Debian's python3-yaml)."""
import os
import sys

import yaml


def write(out, name, text):
    with open(os.path.join(out, name), "w") as f:
        f.write(text if text.endswith("\n") else text + "\n")


def github(path, out):
    doc = yaml.safe_load(open(path))
    problems = []
    jobs = doc.get("jobs") or {}
    extract, link = jobs.get("extract") or {}, jobs.get("link") or {}
    shards = ((extract.get("strategy") or {}).get("matrix") or {}).get("shard")
    if not isinstance(shards, list) or len(shards) < 2:
        problems.append("the extract job has no matrix of shards")
    if link.get("needs") != "extract" and "extract" not in (link.get("needs") or []):
        problems.append("the link job does not need the extract job")
    steps = {s["id"]: s for job in (extract, link) for s in job.get("steps", []) if "id" in s}
    for sid in ("configure", "extract", "link"):
        if "run" not in steps.get(sid, {}):
            problems.append("no step with id '%s' and a run: script" % sid)
            continue
        run = steps[sid]["run"].replace("${{ matrix.shard }}", "$SHARD")
        write(out, sid + ".sh", run.replace("${{ strategy.job-total }}", "$TOTAL"))
    uses = lambda job, what: [s for s in job.get("steps", []) if str(s.get("uses", "")).startswith(what)]
    up, down = uses(extract, "actions/upload-artifact@"), uses(link, "actions/download-artifact@")
    if len(up) != 1 or len(down) != 1:
        problems.append("the facts are not uploaded by the extract job and downloaded by the link job")
    else:
        write(out, "upload", up[0]["with"]["path"])
        write(out, "download", down[0]["with"]["path"])
    if not uses(link, "github/codeql-action/upload-sarif@"):
        problems.append("the link job does not upload its SARIF")
    fail(problems)


def gitlab(path, out):
    doc = yaml.safe_load(open(path))
    problems = []
    extract, link = doc.get("racelint-extract") or {}, doc.get("racelint-link") or {}
    if not isinstance(extract.get("parallel"), int) or extract["parallel"] < 2:
        problems.append("racelint-extract does not run in parallel")
    if "racelint-extract" not in (link.get("needs") or []):
        problems.append("racelint-link does not need racelint-extract")
    for name, job in (("extract", extract), ("link", link)):
        if not job.get("script"):
            problems.append("racelint-%s has no script" % name)
        else:
            write(out, name + ".sh", "\n".join(job["script"]))
    paths = (extract.get("artifacts") or {}).get("paths") or []
    if len(paths) != 1:
        problems.append("racelint-extract does not keep its facts as an artifact")
    else:
        write(out, "upload", paths[0])
    report = ((link.get("artifacts") or {}).get("reports") or {}).get("codequality")
    if not report:
        problems.append("racelint-link declares no codequality report")
    else:
        write(out, "report", report)
    fail(problems)


def fail(problems):
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("github", "gitlab"):
        print(__doc__)
        sys.exit(2)
    globals()[sys.argv[1]](sys.argv[2], sys.argv[3])
