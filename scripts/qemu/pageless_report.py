#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the pageless runs of the QEMU tier on the host.

  pageless_report.py RUNDIR...

Each RUNDIR (made by pageless.sh) holds "meta" (name, kernel, topo, mode,
cpu), "console.log", "B.img" (controller B's namespace) and "ivshmem.bin"
(the file behind the ivshmem BAR).  For every run this prints the guest's
PASS/FAIL lines prefixed with the run name, then the host checks:

  boot       /init ran to the end and pageless printed its summary
  image      B.img holds the pattern in the regions the guest reported
             written (REGION lines) and zeroes elsewhere
  bar        ivshmem.bin holds the pattern in every BARREGION (what the CPU
             wrote and what B wrote back by DMA) and zeroes elsewhere
  no-memmap  patched: the sample logged that the BAR has no memmap
  p2p-unmapped
             patched: at every revocation no pin handed out by p2p_map was
             left unreleased (the sample counts them), after successes and
             refusals alike; the guest checks the same count
             (/sys/class/misc/dma_vec_ivshmem0/p2p_pins) after the
             transfers, after a munmap and after munmap races
  no-memmap-after-io
             patched, P2P working: when revoked after all transfers the
             sample counted the BAR's memmap PFNs again: still none
  counters   patched: nvme counted pageless passthrough requests
             (dma_vec_user_requests > 0) when P2P works, none when refused;
             pristine: no counters
  reason     eremoteio: the kernel logged why P2P was refused (read with
             dmesg in the guest: the console runs at loglevel=4, which
             hides the warning)
  clean      no WARNING, BUG or Oops in the kernel log
  iommu-on, no-dmar-fault
             IOMMU runs: intel-iommu is active, and no DMAR fault was logged

then a side-by-side table of every transfer's result (the errno each
kernel returned) and "pageless report: N passed, N failed".
"""
import os
import re
import sys

# The pattern and the region check of the p2pmem report (same folder).
from report import check_regions


def main(rundirs):
    passed = failed = 0
    runs, results, order = [], {}, []

    def record(run, check, ok, why=''):
        nonlocal passed, failed
        if ok:
            passed += 1
            print('PASS %s: %s' % (run, check))
        else:
            failed += 1
            print('FAIL %s: %s%s' % (run, check, ': ' + why if why else ''))

    for rundir in rundirs:
        meta = dict(line.strip().partition('=')[::2]
                    for line in open(os.path.join(rundir, 'meta')))
        try:
            with open(os.path.join(rundir, 'console.log'),
                      errors='replace') as f:
                log = f.read().replace('\r', '')
        except OSError:
            log = ''
        run = meta['name']
        runs.append(run)
        for m in re.finditer(r'^(PASS|FAIL) (.*?)(?:: (.*))?$', log, re.M):
            record(run, 'guest: ' + m.group(2), m.group(1) == 'PASS',
                   m.group(3) or '')
        summary = re.search(r'^pageless: (\d+) passed, (\d+) failed$', log,
                            re.M)
        record(run, 'host: boot', bool(summary) and 'INIT_DONE' in log,
               'no pageless summary' if not summary else 'init unfinished')

        regions = [(int(a), int(a), int(b)) for a, b in
                   re.findall(r'^REGION (\d+) (\d+)$', log, re.M)]
        why = check_regions(os.path.join(rundir, 'B.img'), regions) \
            if summary else 'no run'
        record(run, 'host: image', why is None, why or '')
        bars = [(int(a), int(b), int(c)) for a, b, c in
                re.findall(r'^BARREGION (\d+) (\d+) (\d+)$', log, re.M)]
        why = check_regions(os.path.join(rundir, 'ivshmem.bin'), bars) \
            if summary else 'no run'
        record(run, 'host: bar', why is None and bool(bars), why or '')

        kmsg = '\n'.join(re.findall(r'^KMSG (.*)$', log, re.M))
        ctr = dict(re.findall(r'^COUNTER (\w+)=(\S+)$', log, re.M))
        user = ctr.get('dma_vec_user_requests', 'missing')
        if meta['kernel'] == 'patched':
            record(run, 'host: no-memmap', 'no memmap (pfn_valid() false'
                   in kmsg, 'the sample did not log its BAR without memmap')
            # After the transfers, revocation counts the memmap again.
            after = re.findall(r'revoked \(\d+ p2p_map users, (\d+) PFNs '
                               r'with memmap\)', kmsg)
            # Every pin p2p_map handed out was released, error paths
            # included.
            users = re.findall(r'revoked \((\d+) p2p_map users', kmsg)
            record(run, 'host: p2p-unmapped',
                   bool(users) and all(n == '0' for n in users),
                   'p2p_map users at revocation: %s' % users)
            if meta['mode'] == 'ok':
                record(run, 'host: no-memmap-after-io',
                       bool(after) and all(n == '0' for n in after),
                       'revocation saw memmap PFNs: %s' % after)
            ok = user.isdigit() and (int(user) > 0) == (meta['mode'] == 'ok')
        else:
            ok = user == 'none'
        record(run, 'host: counters', ok, 'dma_vec_user_requests=%s' % user)
        if meta['mode'] == 'eremoteio':
            record(run, 'host: reason',
                   'cannot be used for peer-to-peer DMA' in kmsg,
                   'no refusal reason in the kernel log')
        if meta.get('iommu', 'off') != 'off':
            on = re.search(r'DMAR: (?:IOMMU enabled|Intel\(R\) Virtualization)',
                           kmsg) or 'Adding to iommu group' in kmsg
            record(run, 'host: iommu-on', bool(on),
                   'no sign of intel-iommu in the kernel log')
            faults = re.findall(r'.*DMAR: \[DMA (?:Read|Write).*', kmsg) + \
                re.findall(r'.*DMAR:.*[Ff]ault.*', kmsg)
            record(run, 'host: no-dmar-fault', not faults,
                   '; '.join(faults[:3]))
        bad = re.findall(r'.*(?:WARNING|BUG|Oops).*', kmsg)
        record(run, 'host: clean', not bad, '; '.join(bad[:3]))

        for what, res in re.findall(r'^RESULT (.+) (\S+)$', log, re.M):
            if what not in results:
                results[what] = {}
                order.append(what)
            results[what][run] = res
        results.setdefault('dma_vec_user_requests', {})[run] = user

    order.append('dma_vec_user_requests')
    width = max([len(c) for c in order] + [10])
    cols = [max(len(r), 10) for r in runs]
    print()
    print('%-*s  %s' % (width, 'transfer',
                        '  '.join(r.ljust(w) for r, w in zip(runs, cols))))
    for what in order:
        cells = [results[what].get(r, '-').ljust(w) for r, w in zip(runs, cols)]
        print('%-*s  %s' % (width, what, '  '.join(cells)))
    print()
    print('pageless report: %d passed, %d failed' % (passed, failed))
    return 0 if failed == 0 and passed else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
