// SPDX-License-Identifier: GPL-2.0
/*
 * Pageless P2P test run inside the QEMU guest of the QEMU tier: NVMe
 * passthrough between controller B and an ivshmem BAR that has no struct
 * pages, exported by samples/dma_vec/dma_vec_ivshmem.c.
 *
 *   pageless MODE MAP BLOCK_DEVICE MDTS_BYTES [PCI_BDF]
 *
 * MODE says what the kernel must answer:
 *   ok         the patched kernel, ivshmem and B below one PCIe switch:
 *              every transfer works
 *   eremoteio  the patched kernel, separate root ports, a non-Zen CPU:
 *              transfers are refused with EREMOTEIO
 *   pristine   the pristine kernel: the BAR can only be mapped through
 *              sysfs, and pinning its pages fails with EFAULT
 * MAP is the exporter's character device (/dev/dma_vec_ivshmem0), or for
 * "pristine" the BAR's sysfs resource file (.../resource2).  PCI_BDF is
 * the ivshmem device, for the sysfs and unbind cases of the patched modes.
 *
 * For every case the program writes a pattern into the BAR with the CPU,
 * sends it to B with an NVMe Write whose data pointer is the BAR mapping
 * (NVME_IOCTL_IO64_CMD), reads it back with an NVMe Read into another BAR
 * offset and compares.  It prints "PASS <case>" or "FAIL <case>: why",
 * "REGION <disk offset> <length>" for every disk region written,
 * "BARREGION <bar offset> <disk offset> <length>" for every BAR region that
 * must hold the pattern of that disk offset (the host checks the ivshmem
 * backing file and B's image against them), a line
 * "RESULT <case> <errno name>" per transfer, and a summary
 * "pageless: N passed, N failed".  Exit status 1 if a check failed.
 *
 * Built static on the host: gcc -static -O2 -o pageless pageless.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <linux/nvme_ioctl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define KIB		1024UL
#define MIB		(1024 * KIB)
#define LBA		512UL

/* The sample's revoke ioctl (samples/dma_vec/dma_vec_ivshmem.c). */
#define DMA_VEC_IVSHMEM_IOC_REVOKE	_IO('V', 0x60)

enum mode { MODE_OK, MODE_EREMOTEIO, MODE_PRISTINE };

static enum mode mode;
static const char *map_path;
static int map_fd = -1;
static int ns_fd = -1;
static unsigned int nsid;
static size_t mdts;
static const char *bdf;
static int passed, failed;

static void pass(const char *what)
{
	printf("PASS %s\n", what);
	passed++;
}

static void fail(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fail(const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s: ", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failed++;
}

/* The 32-bit word at disk byte offset o (report.py computes the same). */
static uint32_t pattern_word(uint64_t o)
{
	uint32_t x = (uint32_t)((o >> 2) * 2654435761u) ^ 0x5a17c0de;

	return x ^ (x >> 15);
}

/* Fill / check @len bytes of BAR memory at @p with the pattern of @disk. */
static void fill(volatile uint32_t *p, uint64_t disk, size_t len)
{
	for (size_t i = 0; i < len / 4; i++)
		p[i] = pattern_word(disk + 4 * i);
}

static long check(const volatile uint32_t *p, uint64_t disk, size_t len)
{
	for (size_t i = 0; i < len / 4; i++)
		if (p[i] != pattern_word(disk + 4 * i))
			return (long)(4 * i);
	return -1;
}

/* One NVMe Read or Write of @len bytes at disk offset @disk from @buf. */
static int nvme_rw(int write, void *buf, uint64_t disk, size_t len)
{
	struct nvme_passthru_cmd64 c = {
		.opcode = write ? 0x01 : 0x02,
		.nsid = nsid,
		.addr = (uintptr_t)buf,
		.data_len = (uint32_t)len,
		.cdw10 = (uint32_t)(disk / LBA),
		.cdw11 = (uint32_t)((disk / LBA) >> 32),
		.cdw12 = (uint32_t)(len / LBA - 1),
	};
	int ret = ioctl(ns_fd, NVME_IOCTL_IO64_CMD, &c);

	if (ret < 0)
		return -errno;
	return ret ? -EIO : 0;	/* an NVMe status */
}

static const char *ename(int err)
{
	switch (-err) {
	case 0: return "OK";
	case EFAULT: return "EFAULT";
	case EINVAL: return "EINVAL";
	case EREMOTEIO: return "EREMOTEIO";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENODEV: return "ENODEV";
	case EIO: return "EIO";
	case EACCES: return "EACCES";
	case ENOMEM: return "ENOMEM";
	default: return "other";
	}
}

/* What a data transfer from/to the BAR must return in this mode. */
static int expected_bar_result(void)
{
	switch (mode) {
	case MODE_OK: return 0;
	case MODE_EREMOTEIO: return -EREMOTEIO;
	default: return -EFAULT;
	}
}

/* Map @len bytes of the BAR from @off at @at (or anywhere if NULL). */
static void *map_bar(int fd, void *at, size_t off, size_t len)
{
	void *p = mmap(at, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | (at ? MAP_FIXED : 0), fd, (off_t)off);

	return p == MAP_FAILED ? NULL : p;
}

/*
 * A buffer made of BAR pieces, mapped back to back at consecutive virtual
 * addresses (one VMA each), or one RAM piece.
 */
struct piece {
	size_t bar_off;		/* BAR offset, or SIZE_MAX for RAM */
	size_t len;
};

#define RAM	SIZE_MAX
#define MAX_PIECES 3

struct layout {
	const char *name;
	uint64_t disk;		/* disk offset written and read */
	size_t lead;		/* buffer starts this far into the first piece */
	size_t len;		/* transfer length */
	int expect_err;		/* 0: expected_bar_result(), else this errno */
	struct piece src[MAX_PIECES];
	struct piece dst[MAX_PIECES];
};

struct mapped {
	uint8_t *base;
	size_t total;
};

/* Reserve address space, then map the pieces into it with MAP_FIXED. */
static int map_pieces(const struct piece *pc, struct mapped *m)
{
	size_t total = 0, at = 0;
	int i;

	for (i = 0; i < MAX_PIECES && pc[i].len; i++)
		total += pc[i].len;
	m->base = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (m->base == MAP_FAILED)
		return -errno;
	m->total = total;
	for (i = 0; i < MAX_PIECES && pc[i].len; i++) {
		void *p;

		if (pc[i].bar_off == RAM)
			p = mmap(m->base + at, pc[i].len,
				 PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
				 MAP_POPULATE, -1, 0);
		else
			p = map_bar(map_fd, m->base + at, pc[i].bar_off,
				    pc[i].len);
		if (!p || p == MAP_FAILED) {
			int err = -errno;

			munmap(m->base, total);
			return err;
		}
		at += pc[i].len;
	}
	return 0;
}

/* Report where the pattern of disk offset @disk lives in the BAR. */
static void bar_regions(const struct piece *pc, size_t lead, size_t len,
			uint64_t disk)
{
	size_t skip = lead;

	for (int i = 0; i < MAX_PIECES && pc[i].len && len; i++) {
		size_t n;

		if (skip >= pc[i].len) {
			skip -= pc[i].len;
			continue;
		}
		n = pc[i].len - skip < len ? pc[i].len - skip : len;
		if (pc[i].bar_off != RAM)
			printf("BARREGION %zu %llu %zu\n", pc[i].bar_off + skip,
			       (unsigned long long)disk, n);
		disk += n;
		len -= n;
		skip = 0;
	}
}

static void run_layout(const struct layout *l)
{
	struct mapped src, dst;
	char what[96];
	int want = l->expect_err ? l->expect_err : expected_bar_result();
	int ret;
	long bad;

	ret = map_pieces(l->src, &src);
	if (ret) {
		fail(l->name, "mapping the source: %s", strerror(-ret));
		return;
	}
	ret = map_pieces(l->dst, &dst);
	if (ret) {
		fail(l->name, "mapping the destination: %s", strerror(-ret));
		munmap(src.base, src.total);
		return;
	}

	/* The CPU writes the pattern into the source (BAR and RAM). */
	fill((volatile uint32_t *)(src.base + l->lead), l->disk, l->len);
	bar_regions(l->src, l->lead, l->len, l->disk);

	snprintf(what, sizeof(what), "%s write", l->name);
	ret = nvme_rw(1, src.base + l->lead, l->disk, l->len);
	printf("RESULT %s %s\n", what, ename(ret));
	if (ret != want) {
		fail(what, "got %s, expected %s", ename(ret), ename(want));
		goto out;
	}
	pass(what);
	if (ret)
		goto out;
	printf("REGION %llu %zu\n", (unsigned long long)l->disk, l->len);

	snprintf(what, sizeof(what), "%s read", l->name);
	ret = nvme_rw(0, dst.base + l->lead, l->disk, l->len);
	printf("RESULT %s %s\n", what, ename(ret));
	if (ret != want) {
		fail(what, "got %s, expected %s", ename(ret), ename(want));
		goto out;
	}
	bad = check((volatile uint32_t *)(dst.base + l->lead), l->disk,
		    l->len);
	if (bad >= 0) {
		fail(what, "data differ at byte %ld", bad);
		goto out;
	}
	bar_regions(l->dst, l->lead, l->len, l->disk);
	pass(what);
out:
	munmap(src.base, src.total);
	munmap(dst.base, dst.total);
}

/*
 * Sources below 32 MiB of the BAR, destinations above; disk regions do
 * not overlap.  The MDTS cases get their length at run time.
 */
static struct layout layouts[] = {
	{ "4k", 0x000000, 0, 4 * KIB, 0,
	  { { 0x000000, 4 * KIB } }, { { 0x2000000, 4 * KIB } } },
	{ "64k", 0x100000, 0, 64 * KIB, 0,
	  { { 0x010000, 64 * KIB } }, { { 0x2010000, 64 * KIB } } },
	{ "mdts", 0x200000, 0, 0, 0,
	  { { 0x100000, 0 } }, { { 0x2100000, 0 } } },
	{ "over-mdts", 0x800000, 0, 0, 0,
	  { { 0x400000, 0 } }, { { 0x2400000, 0 } } },
	{ "off512-8k", 0x300000, 512, 8 * KIB, 0,
	  { { 0x800000, 12 * KIB } }, { { 0x2800000, 12 * KIB } } },
	{ "off3584-8k", 0x310000, 3584, 8 * KIB, 0,
	  { { 0x810000, 12 * KIB } }, { { 0x2810000, 12 * KIB } } },
	/* Two exporter VMAs of unrelated BAR offsets, back to back. */
	{ "2vma-32k", 0x400000, 48 * KIB, 32 * KIB, 0,
	  { { 0x900000, 64 * KIB }, { 0xa00000, 64 * KIB } },
	  { { 0x2900000, 64 * KIB }, { 0x2a00000, 64 * KIB } } },
	/* RAM then BAR and BAR then RAM: refused, never half done. */
	{ "mixed-ram-bar", 0x500000, 0, 8 * KIB, 0,
	  { { RAM, 4 * KIB }, { 0xb00000, 4 * KIB } },
	  { { RAM, 4 * KIB }, { 0x2b00000, 4 * KIB } } },
	{ "mixed-bar-ram", 0x510000, 0, 8 * KIB, 0,
	  { { 0xb10000, 4 * KIB }, { RAM, 4 * KIB } },
	  { { 0x2b10000, 4 * KIB }, { RAM, 4 * KIB } } },
};

static struct layout *find_layout(const char *name)
{
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		if (!strcmp(layouts[i].name, name))
			return &layouts[i];
	abort();
}

static void setup_layouts(void)
{
	struct layout *l = find_layout("mdts");

	l->len = mdts;
	l->src[0].len = l->dst[0].len = mdts;
	l = find_layout("over-mdts");
	l->len = mdts + 4 * KIB;
	l->src[0].len = l->dst[0].len = mdts + 4 * KIB;
	/*
	 * The patched kernel refuses a pageless buffer over MDTS with EINVAL
	 * (as it refuses a pinned one); pristine fails earlier, at pinning.
	 */
	l->expect_err = mode == MODE_PRISTINE ? -EFAULT : -EINVAL;

	/* A mix of RAM and pageless memory: EOPNOTSUPP, pristine EFAULT. */
	find_layout("mixed-ram-bar")->expect_err =
		mode == MODE_PRISTINE ? -EFAULT : -EOPNOTSUPP;
	find_layout("mixed-bar-ram")->expect_err =
		mode == MODE_PRISTINE ? -EFAULT : -EOPNOTSUPP;
}

/* Expect an NVMe write from @buf to fail with @want. */
static void expect_write(const char *what, void *buf, int want)
{
	int ret = nvme_rw(1, buf, 0xf00000, 4 * KIB);

	printf("RESULT %s %s\n", what, ename(ret));
	if (ret == want)
		pass(what);
	else
		fail(what, "got %s, expected %s", ename(ret), ename(want));
	if (!ret)
		printf("REGION %d %lu\n", 0xf00000, 4 * KIB);
}

/* The BAR mapped through sysfs has no p2p_map: pinning fails (EFAULT). */
static void case_sysfs(void)
{
	char path[128];
	void *p;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource2", bdf);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0) {
		fail("sysfs-bar", "open %s: %s", path, strerror(errno));
		return;
	}
	p = map_bar(fd, NULL, 0x3000000, 4 * KIB);
	if (!p) {
		fail("sysfs-bar", "mmap %s: %s", path, strerror(errno));
	} else {
		expect_write("sysfs-bar", p, -EFAULT);
		munmap(p, 4 * KIB);
	}
	close(fd);
}

static sigjmp_buf sigbus_jmp;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(sigbus_jmp, 1);
}

/* Does reading @p raise SIGBUS (the mapping was zapped and revoked)? */
static int cpu_access_faults(volatile uint32_t *p)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		signal(SIGBUS, on_sigbus);
		signal(SIGSEGV, on_sigbus);
		if (sigsetjmp(sigbus_jmp, 1))
			_exit(0);
		(void)*p;
		_exit(1);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* After @how revoked the BAR: old mappings and new ones all fail. */
static void after_revoke(const char *how, int fd, void *old)
{
	char what[64];
	void *p;

	snprintf(what, sizeof(what), "%s-nvme", how);
	expect_write(what, old, -ENODEV);

	snprintf(what, sizeof(what), "%s-cpu", how);
	if (cpu_access_faults(old) == 1)
		pass(what);
	else
		fail(what, "the CPU can still read the revoked BAR");

	snprintf(what, sizeof(what), "%s-mmap", how);
	p = map_bar(fd, NULL, 0, 4 * KIB);
	if (!p && errno == ENODEV)
		pass(what);
	else
		fail(what, "mmap after revocation: %s",
		     p ? "succeeded" : strerror(errno));
	if (p)
		munmap(p, 4 * KIB);
}

/* Revoke by ioctl between two commands. */
static void case_revoke(void)
{
	void *p = map_bar(map_fd, NULL, 0x3100000, 4 * KIB);

	if (!p) {
		fail("revoke", "mmap: %s", strerror(errno));
		return;
	}
	fill(p, 0xf00000, 4 * KIB);
	printf("BARREGION %d %d %lu\n", 0x3100000, 0xf00000, 4 * KIB);
	expect_write("revoke-before", p, expected_bar_result());
	if (ioctl(map_fd, DMA_VEC_IVSHMEM_IOC_REVOKE) < 0) {
		fail("revoke", "ioctl: %s", strerror(errno));
		return;
	}
	pass("revoke");
	after_revoke("revoke", map_fd, p);
	munmap(p, 4 * KIB);
}

static int sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* Rebind, map, then unbind under the mapping: unbinding revokes. */
static void case_unbind(void)
{
	const char *drv = "/sys/bus/pci/drivers/dma_vec_ivshmem";
	char path[128];
	void *p;
	int fd = -1, i, ret;

	close(map_fd);
	map_fd = -1;
	snprintf(path, sizeof(path), "%s/unbind", drv);
	ret = sysfs_write(path, bdf);
	snprintf(path, sizeof(path), "%s/bind", drv);
	if (!ret)
		ret = sysfs_write(path, bdf);
	if (ret) {
		fail("unbind", "rebinding %s: %s", bdf, strerror(-ret));
		return;
	}
	for (i = 0; i < 100 && fd < 0; i++) {
		fd = open(map_path, O_RDWR);
		if (fd < 0)
			usleep(20000);
	}
	if (fd < 0) {
		fail("unbind", "open %s after rebinding: %s", map_path,
		     strerror(errno));
		return;
	}
	p = map_bar(fd, NULL, 0x3200000, 4 * KIB);
	if (!p) {
		fail("unbind", "mmap: %s", strerror(errno));
		close(fd);
		return;
	}
	fill(p, 0xf00000, 4 * KIB);
	printf("BARREGION %d %d %lu\n", 0x3200000, 0xf00000, 4 * KIB);
	expect_write("unbind-before", p, expected_bar_result());
	snprintf(path, sizeof(path), "%s/unbind", drv);
	ret = sysfs_write(path, bdf);
	if (ret) {
		fail("unbind", "unbind: %s", strerror(-ret));
	} else {
		pass("unbind");
		after_revoke("unbind", fd, p);
	}
	munmap(p, 4 * KIB);
	close(fd);
}

/*
 * The sample's count of pins that p2p_map() handed out and importers have
 * not released (/sys/class/misc/<name>/p2p_pins), or -1.
 */
static long read_pins(void)
{
	const char *name = strrchr(map_path, '/');
	char path[160], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/misc/%s/p2p_pins",
		 name ? name + 1 : map_path);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

static void expect_no_pins(const char *what)
{
	long n = read_pins();

	if (n == 0)
		pass(what);
	else
		fail(what, "p2p_pins is %ld, expected 0", n);
}

/*
 * The pin contract end to end: what the passthrough took from the exporter
 * goes back through the pin, not through the VMA.  A command from the BAR,
 * then munmap and a command from the same address, now ordinary memory:
 * the exporter's pin count is back at zero after each, and a command on
 * the address after munmap fails cleanly (EFAULT).
 */
static void case_munmap(void)
{
	const uint64_t disk = 0xe00000;
	uint8_t *p = map_bar(map_fd, NULL, 0x3300000, 8 * KIB);
	void *r;
	int ret;

	if (!p) {
		fail("munmap", "mmap: %s", strerror(errno));
		return;
	}
	fill((volatile uint32_t *)p, disk, 4 * KIB);
	printf("BARREGION %d %llu %lu\n", 0x3300000, (unsigned long long)disk,
	       4 * KIB);
	ret = nvme_rw(1, p, disk, 4 * KIB);
	printf("RESULT munmap-bar-write %s\n", ename(ret));
	if (ret == expected_bar_result())
		pass("munmap-bar-write");
	else
		fail("munmap-bar-write", "got %s, expected %s", ename(ret),
		     ename(expected_bar_result()));
	if (!ret)
		printf("REGION %llu %lu\n", (unsigned long long)disk, 4 * KIB);
	expect_no_pins("munmap-pins-after-command");

	/* Ordinary memory where the BAR was: pinned as usual. */
	munmap(p, 8 * KIB);
	expect_no_pins("munmap-pins-after-munmap");
	r = mmap(p, 4 * KIB, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (r == MAP_FAILED) {
		fail("munmap-ram-write", "mmap: %s", strerror(errno));
		return;
	}
	fill(r, disk + 4 * KIB, 4 * KIB);
	ret = nvme_rw(1, r, disk + 4 * KIB, 4 * KIB);
	printf("RESULT munmap-ram-write %s\n", ename(ret));
	if (!ret) {
		pass("munmap-ram-write");
		printf("REGION %llu %lu\n", (unsigned long long)disk + 4 * KIB,
		       4 * KIB);
	} else {
		fail("munmap-ram-write", "got %s, expected OK", ename(ret));
	}
	munmap(r, 4 * KIB);

	/* Nothing mapped there any more. */
	ret = nvme_rw(1, p, disk + 8 * KIB, 4 * KIB);
	printf("RESULT munmap-hole-write %s\n", ename(ret));
	if (ret == -EFAULT)
		pass("munmap-hole-write");
	else
		fail("munmap-hole-write", "got %s, expected EFAULT", ename(ret));
	expect_no_pins("munmap-pins-at-end");
}

struct race {
	uint8_t *buf;
	int ret;
	int done;	/* the ioctl has returned */
};

static void *race_write(void *arg)
{
	struct race *r = arg;

	r->ret = nvme_rw(1, r->buf, 0xd00000, mdts);
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * munmap racing an in-flight passthrough command: a thread writes MDTS
 * bytes from the BAR while the main thread unmaps the buffer.  Whether
 * munmap lands before, during or after the command cannot be controlled
 * from user space; every outcome must be OK (the command had the memory
 * pinned through p2p_map; EREMOTEIO where P2P is refused) or EFAULT
 * (nothing was mapped any more), at least one must have reached the
 * exporter, and no pin may be left over.  A command that succeeded but
 * had not returned when munmap() had finished held the exporter's pin
 * while its VMA went away: those are counted as "in-flight".
 */
static void case_race(void)
{
	int want = expected_bar_result(), ok = 0, efault = 0, other = 0, i;
	int inflight = 0;
	char res[80];

	for (i = 0; i < 8; i++) {
		struct race r = { 0 };
		pthread_t t;
		int unmapped_first;

		r.buf = map_bar(map_fd, NULL, 0x3400000, mdts);
		if (!r.buf) {
			fail("race-munmap", "mmap: %s", strerror(errno));
			return;
		}
		fill((volatile uint32_t *)r.buf, 0xd00000, mdts);
		if (pthread_create(&t, NULL, race_write, &r)) {
			fail("race-munmap", "pthread_create");
			munmap(r.buf, mdts);
			return;
		}
		usleep(200 * i);
		munmap(r.buf, mdts);
		unmapped_first = !__atomic_load_n(&r.done, __ATOMIC_ACQUIRE);
		pthread_join(t, NULL);
		if (r.ret == want) {
			ok++;
			inflight += unmapped_first;
		}
		else if (r.ret == -EFAULT)
			efault++;
		else
			other++;
	}
	printf("BARREGION %d %d %zu\n", 0x3400000, 0xd00000, mdts);
	if (ok && !want)
		printf("REGION %d %zu\n", 0xd00000, mdts);
	snprintf(res, sizeof(res), "%s:%d,in-flight:%d,EFAULT:%d,other:%d",
		 ename(want), ok, inflight, efault, other);
	printf("RESULT race-munmap %s\n", res);
	if (other || !ok)
		fail("race-munmap", "%s", res);
	else
		pass("race-munmap");
	expect_no_pins("race-munmap-pins");
}

static int get_nsid(void)
{
	int id = ioctl(ns_fd, NVME_IOCTL_ID);

	return id < 0 ? -errno : id;
}

int main(int argc, char **argv)
{
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 5) {
		fprintf(stderr, "usage: %s ok|eremoteio|pristine MAP BLOCK_DEVICE MDTS_BYTES [PCI_BDF]\n",
			argv[0]);
		return 2;
	}
	if (!strcmp(argv[1], "ok"))
		mode = MODE_OK;
	else if (!strcmp(argv[1], "eremoteio"))
		mode = MODE_EREMOTEIO;
	else if (!strcmp(argv[1], "pristine"))
		mode = MODE_PRISTINE;
	else
		return 2;
	map_path = argv[2];
	mdts = strtoul(argv[4], NULL, 0);
	bdf = argc > 5 ? argv[5] : NULL;

	map_fd = open(map_path, O_RDWR | O_SYNC);
	ns_fd = open(argv[3], O_RDWR);
	if (map_fd < 0 || ns_fd < 0 || !mdts) {
		fail("pageless-setup", "open %s / %s: %s", map_path, argv[3],
		     strerror(errno));
		goto out;
	}
	ret = get_nsid();
	if (ret <= 0) {
		fail("pageless-setup", "NVME_IOCTL_ID: %s", strerror(-ret));
		goto out;
	}
	nsid = (unsigned int)ret;
	pass("pageless-setup");

	setup_layouts();
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		run_layout(&layouts[i]);

	if (mode != MODE_PRISTINE && bdf)
		case_sysfs();
	if (mode != MODE_PRISTINE) {
		expect_no_pins("pins-after-layouts");
		case_munmap();
		case_race();
		case_revoke();
		if (bdf)
			case_unbind();
	}
out:
	printf("pageless: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
