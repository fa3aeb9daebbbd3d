#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Count test cases in a Meson JSON test log.

A CMocka executable counts as the cases it ran (its own summary lines);
any other Meson test counts as one case.  Prints "PASSED FAILED".
"""
import json
import re
import sys

passed = failed = 0
with open(sys.argv[1], encoding="utf-8") as log:
    for line in log:
        t = json.loads(line)
        out = (t.get("stdout") or "") + (t.get("stderr") or "")
        ran = re.search(r"\[=+\] (\d+) test\(s\) run\.", out)
        ok = t.get("result") in ("OK", "EXPECTEDFAIL")
        if ran:
            p = re.search(r"\[  PASSED  \] (\d+) test", out)
            n_pass = int(p.group(1)) if p else 0
            n_fail = int(ran.group(1)) - n_pass
            # A crash or sanitizer abort after the summary still fails.
            if not ok and n_fail == 0:
                n_fail = 1
            passed += n_pass
            failed += n_fail
        elif ok:
            passed += 1
        else:
            failed += 1
print(passed, failed)
