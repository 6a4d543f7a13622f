#!/usr/bin/env python3
"""tests/attacks/fuzz-regressions.py - replay the committed fuzz crash
inputs (tests/fuzz/regressions/fuzz-parse/) through `rapporteur parse` in
the ordinary build: each must give exit 0 and one valid UTF-8 JSON
document (or a clean error), in under 1 s. The fuzz build replays them
against the stricter harness promises in tests/fuzz/run.sh."""
import os
import sys
import tempfile

sys.dont_write_bytecode = True  # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import attack  # noqa: E402


def main():
    attack.rapporteur()
    src = os.environ.get("SRCDIR") or os.path.join(os.path.dirname(__file__), "..", "..")
    d = os.path.join(src, "tests", "fuzz", "regressions", "fuzz-parse")
    files = sorted(os.listdir(d)) if os.path.isdir(d) else []
    if not files:
        print("1..0 # SKIP no regression inputs in %s" % d)
        return 0
    tap = attack.Tap(len(files))
    with tempfile.TemporaryDirectory(prefix="rp-attack-") as tmp:
        for name in files:
            r = attack.run(["parse"], os.path.join(d, name), tmp=tmp)
            good = attack.check_outcome(r)
            why = r.why
            if good and not attack.SANITIZED and r.wall >= 1.0:
                good, why = False, "took %.3fs" % r.wall
            tap.ok(good, "regression %s: %s" % (name, r.summary()), why)
    return tap.done()


if __name__ == "__main__":
    sys.exit(main())
