#!/usr/bin/python3
"""count.py - count test cases from meson's logs, for the closing line.

    count.py --label NAME MESON_LOG_DIR   prints "NAME: N passed, N failed, N skipped"
    count.py --total COUNTS_FILE          sums such lines into the last line
                                          "N passed, N failed"; exits 1 if any failed

Every TAP case counts once (testlog.junit.xml lists them). A test program
that ended badly (crash, timeout, wrong plan) without a failing case still
counts one failure, so nothing that broke can read as passed.
"""
import json
import os
import re
import sys
import xml.etree.ElementTree as ET


def count_dir(logdir):
    passed = failed = skipped = 0
    results = {}
    jpath = os.path.join(logdir, "testlog.json")
    if os.path.exists(jpath):
        with open(jpath, encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if line:
                    t = json.loads(line)
                    results[t["name"]] = t["result"]
    xpath = os.path.join(logdir, "testlog.junit.xml")
    seen = {}
    if os.path.exists(xpath):
        for suite in ET.parse(xpath).getroot().iter("testsuite"):
            for case in suite.iter("testcase"):
                name = case.get("classname", "")
                st = seen.setdefault(name, [0, 0, 0])
                if case.find("failure") is not None or case.find("error") is not None:
                    st[1] += 1
                elif case.find("skipped") is not None:
                    st[2] += 1
                else:
                    st[0] += 1
    for name, result in results.items():
        # junit classnames are "project.testname" or "suite.testname"
        st = next((v for k, v in seen.items() if k.endswith("." + name) or k == name), [0, 0, 0])
        p, f, s = st
        if result in ("OK", "EXPECTEDFAIL"):
            passed += p if (p + f + s) else 1
            skipped += s
        elif result == "SKIP":
            skipped += max(s, 1)
        else:
            passed += p
            failed += max(f, 1)
            skipped += s
    return passed, failed, skipped


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--label":
        p, f, s = count_dir(sys.argv[3])
        print("%s: %d passed, %d failed, %d skipped" % (sys.argv[2], p, f, s))
        return 0
    if len(sys.argv) == 3 and sys.argv[1] == "--total":
        P = F = S = 0
        with open(sys.argv[2], encoding="utf-8") as fh:
            for line in fh:
                m = re.search(r"(\d+) passed, (\d+) failed(?:, (\d+) skipped)?", line)
                if m:
                    P += int(m.group(1))
                    F += int(m.group(2))
                    S += int(m.group(3) or 0)
        if S:
            print("%d passed, %d failed, %d skipped" % (P, F, S))
        else:
            print("%d passed, %d failed" % (P, F))
        return 1 if F or P == 0 else 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
