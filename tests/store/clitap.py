"""tests/store/clitap.py - what the CLI end-to-end tests share (cli.py,
hide.py): the binary and source tree from the environment, running a verb,
and TAP lines with a count of failures.

Environment: RAPPORTEUR (the binary), SRCDIR (the source tree).
"""
import os
import subprocess

RAP = os.environ.get("RAPPORTEUR") or "build/cli/rapporteur"
SRC = os.environ.get("SRCDIR") or "."
TAGS = os.path.join(SRC, "tags.yaml")

n = 0
failed = 0


def tap(ok, name, detail=""):
    """One TAP line; detail is shown only when the check failed."""
    global n, failed
    n += 1
    failed += 0 if ok else 1
    print(("ok" if ok else "not ok") + " %d - %s" % (n, name) + (" # " + detail if detail and not ok else ""),
          flush=True)


def rap(*args, env=None):
    """Run `rapporteur ARGS...`; the CompletedProcess, output as text."""
    return subprocess.run([RAP] + list(args), capture_output=True, text=True, env=env, timeout=120)


def exit_status():
    """1 when a check failed, else 0: what main() returns."""
    return 1 if failed else 0
