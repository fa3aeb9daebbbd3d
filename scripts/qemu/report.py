#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the runs of the QEMU tier on the host and print a summary.

  report.py RUNDIR...

Each RUNDIR holds "meta" (lines key=value: name, kernel, topo, mode, cpu,
iommu),
"console.log" (the guest's serial output) and "B.img" (the raw image that
backed controller B's namespace).  For every run this prints the guest's
PASS/FAIL lines prefixed with the run name, then the host checks:

  boot      the guest ran /init to the end and p2ptest printed a summary
  image     B.img holds exactly the pattern in the regions the guest
            reported as written, and zeroes everywhere else
  counters  the patched kernel said "dma_vec: mapping data requests
            through dma_vec" and counted requests mapped through dma_vec
            (and P2P ones when P2P is expected to work, none when it
            must fail); the pristine kernel has neither
  same-data the images of the patched and pristine runs of a topology are
            byte-identical
  iommu-on, no-dmar-fault
            runs through intel-iommu: the IOMMU is active, and no DMAR
            fault was logged

then a side-by-side table and "report: N passed, N failed".
"""
import os
import re
import sys
from array import array


def pattern(off, length):
    """The bytes p2ptest writes at disk offsets [off, off + length)."""
    words = array('I')
    for o in range(off, off + length, 4):
        x = (((o >> 2) * 2654435761) & 0xffffffff) ^ 0x5a17c0de
        words.append(x ^ (x >> 15))
    if sys.byteorder != 'little':
        words.byteswap()
    return words.tobytes()


def load(rundir):
    meta = {}
    with open(os.path.join(rundir, 'meta')) as f:
        for line in f:
            k, _, v = line.strip().partition('=')
            meta[k] = v
    try:
        with open(os.path.join(rundir, 'console.log'), errors='replace') as f:
            log = f.read().replace('\r', '')
    except OSError:
        log = ''
    return meta, log


def check_regions(path, regions):
    """Check a host file against the pattern: regions are (offset in the
    file, disk offset whose pattern belongs there, length); everything
    outside them must be zero.  Returns None, or why not."""
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except OSError as e:
        return str(e)
    covered = bytearray(len(data))
    for off, disk, length in regions:
        if off + length > len(data):
            return 'region %d+%d beyond %s' % (off, length,
                                               os.path.basename(path))
        want = pattern(disk, length)
        if data[off:off + length] != want:
            bad = next(i for i in range(length) if data[off + i] != want[i])
            return 'region %d+%d differs at byte %d' % (off, length, off + bad)
        covered[off:off + length] = b'\1' * length
    step = 1 << 16
    for i in range(0, len(data), step):
        chunk = data[i:i + step]
        if chunk.count(0) != len(chunk):
            for j, b in enumerate(chunk):
                if b and not covered[i + j]:
                    return 'unexpected data at byte %d of %s' % (
                        i + j, os.path.basename(path))
    return None


def check_image(img, regions):
    """B's image: each region holds the pattern of its own disk offset."""
    return check_regions(img, [(off, off, length) for off, length in regions])


def main(rundirs):
    passed = failed = 0
    table = {}      # check -> {run: 'pass'/'FAIL'}
    order = []
    runs = []

    def record(run, check, ok, why=''):
        nonlocal passed, failed
        if check not in table:
            table[check] = {}
            order.append(check)
        table[check][run] = 'pass' if ok else 'FAIL'
        if ok:
            passed += 1
            print('PASS %s: %s' % (run, check))
        else:
            failed += 1
            print('FAIL %s: %s%s' % (run, check, ': ' + why if why else ''))

    images = {}
    counters_seen = {}
    for rundir in rundirs:
        meta, log = load(rundir)
        run = meta['name']
        runs.append(run)
        for m in re.finditer(r'^(PASS|FAIL) (\S+)(?: (\S+))?(?::.*)?$', log, re.M):
            check = m.group(2) + (' ' + m.group(3) if m.group(3) else '')
            record(run, check, m.group(1) == 'PASS',
                   m.group(0).partition(': ')[2])
        summary = re.search(r'^p2ptest: (\d+) passed, (\d+) failed$', log, re.M)
        done = 'INIT_DONE' in log
        record(run, 'host: boot', bool(summary) and done,
               'no p2ptest summary' if not summary else 'init did not finish')

        regions = [(int(a), int(b)) for a, b in
                   re.findall(r'^REGION (\d+) (\d+)$', log, re.M)]
        why = check_image(os.path.join(rundir, 'B.img'), regions) \
            if summary else 'no run'
        record(run, 'host: image', why is None, why or '')
        images[run] = (meta, os.path.join(rundir, 'B.img'))

        ctr = dict(re.findall(r'^COUNTER (\w+)=(\S+)$', log, re.M))
        counters_seen[run] = ctr
        req = ctr.get('dma_vec_requests', 'missing')
        p2p = ctr.get('dma_vec_p2p_requests', 'missing')
        msg = 'dma_vec: mapping data requests through dma_vec' in log
        if meta['kernel'] == 'patched':
            ok = msg and req.isdigit() and int(req) > 0 and p2p.isdigit()
            if ok and meta['mode'] == 'ok':
                ok = int(p2p) > 0
            elif ok:
                ok = int(p2p) == 0
        else:
            ok = not msg and req == 'none' and p2p == 'none'
        record(run, 'host: counters', ok,
               'dma_vec_requests=%s dma_vec_p2p_requests=%s, dev_info %s'
               % (req, p2p, 'seen' if msg else 'not seen'))

        if meta.get('iommu', 'off') != 'off':
            kmsg = '\n'.join(re.findall(r'^KMSG (.*)$', log, re.M))
            on = re.search(r'DMAR: (?:IOMMU enabled|Intel\(R\) Virtualization)',
                           kmsg) or 'iommu group' in kmsg
            record(run, 'host: iommu-on', bool(on),
                   'no sign of intel-iommu in the kernel log')
            faults = re.findall(r'.*DMAR: \[DMA (?:Read|Write).*', kmsg) + \
                re.findall(r'.*DMAR:.*[Ff]ault.*', kmsg)
            record(run, 'host: no-dmar-fault', not faults,
                   faults[0] if faults else '')

    # Same data from both kernels, per topology and CPU.
    groups = {}
    for run, (meta, img) in images.items():
        groups.setdefault((meta['topo'], meta['cpu']), []).append((run, img))
    for (topo, cpu), members in sorted(groups.items()):
        if len(members) < 2:
            continue
        blobs = []
        for run, img in members:
            with open(img, 'rb') as f:
                blobs.append(f.read())
        ok = all(b == blobs[0] for b in blobs[1:])
        for run, _ in members:
            record(run, 'host: same-data', ok,
                   'images of %s differ' % ' '.join(r for r, _ in members))

    # Side by side.
    width = max([len(c) for c in order] + [10])
    cols = [max(len(r), 6) for r in runs]
    print()
    print('%-*s  %s' % (width, 'check', '  '.join(r.ljust(w) for r, w in zip(runs, cols))))
    for check in order:
        cells = [table[check].get(r, '-').ljust(w) for r, w in zip(runs, cols)]
        print('%-*s  %s' % (width, check, '  '.join(cells)))
    for name in ('dma_vec_requests', 'dma_vec_p2p_requests'):
        cells = [counters_seen.get(r, {}).get(name, '-').ljust(w)
                 for r, w in zip(runs, cols)]
        print('%-*s  %s' % (width, name, '  '.join(cells)))
    print()
    print('report: %d passed, %d failed' % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
