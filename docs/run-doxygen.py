#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run Doxygen and fail on any warning.

Usage: run-doxygen.py DOXYGEN DOXYFILE OUTDIR

Doxygen's own WARN_AS_ERROR=FAIL_ON_WARNINGS makes it exit non-zero; this
wrapper also fails when the warning log is not empty or when the input
filter (docs/kdoc-filter.py) reported anything on stderr, and prints all of
it.  OUTPUT_DIRECTORY and WARN_LOGFILE are set here, so the same Doxyfile
serves both the doc target and the docs test.
"""
import os
import subprocess
import sys


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    doxygen, doxyfile, outdir = sys.argv[1:]
    os.makedirs(outdir, exist_ok=True)
    log = os.path.join(outdir, 'doxygen-warnings.log')
    with open(doxyfile, encoding='utf-8') as f:
        config = f.read()
    config += '\nOUTPUT_DIRECTORY = "%s"\nWARN_LOGFILE = "%s"\n' % (outdir, log)
    proc = subprocess.run([doxygen, '-'], input=config, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          check=False)
    problems = []
    if os.path.exists(log):
        with open(log, encoding='utf-8', errors='replace') as f:
            problems += [l for l in f.read().splitlines() if l.strip()]
    problems += [l for l in proc.stderr.splitlines() if l.strip()]
    sys.stdout.write(proc.stdout)
    for line in problems:
        print(line, file=sys.stderr)
    if proc.returncode or problems:
        print('doxygen: %d warning line(s), exit status %d'
              % (len(problems), proc.returncode), file=sys.stderr)
        return 1
    print('doxygen: HTML in %s, no warnings'
          % os.path.join(outdir, 'html'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
