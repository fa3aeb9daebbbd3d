/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Case tables of the dma_vec tests.  The bodies that run them are written
 * once, in tests/kunit/ (KUnit in the kernel, CMocka in userspace through
 * compat/include/kunit/test.h), so a behaviour proven in userspace is proven
 * again in a real kernel.  The userspace-only suites (failure injection, the
 * simulated platform) run the same tables.
 */
#ifndef _DMA_VEC_CASES_H
#define _DMA_VEC_CASES_H

#include <linux/array_size.h>
#include <linux/build_bug.h>
#include <linux/dma_vec.h>
#include <linux/errno.h>
#include <linux/limits.h>

#define DVC_MAX_OPS	8
#define DVC_MAX_RANGES	8
#define DVC_MAX_CHUNKS	16
#define DVC_HOST	(-1)

#define SZ_4K_ULL	0x1000ULL
#define SZ_64K_ULL	0x10000ULL
#define SZ_2M_ULL	0x200000ULL
#define SZ_1G_ULL	0x40000000ULL
#define SZ_4G_ULL	0x100000000ULL

/**
 * struct dvc_provider_desc - a provider window used by the cases
 * @base: CPU physical base
 * @size: window size
 * @bus_offset: bus address minus CPU physical address
 */
struct dvc_provider_desc {
	phys_addr_t base;
	u64 size;
	u64 bus_offset;
};

/* Window 1 starts where window 0 ends: contiguous, yet never merged. */
#define DVC_P0_BASE	0x80000000000ULL
#define DVC_P0_SIZE	(128 * SZ_1G_ULL)
#define DVC_P1_BASE	(DVC_P0_BASE + DVC_P0_SIZE)
#define DVC_P1_SIZE	SZ_1G_ULL

/* Not every suite that includes this file describes providers. */
static const struct dvc_provider_desc dvc_providers[] __maybe_unused = {
	{ DVC_P0_BASE, DVC_P0_SIZE, 0x1000000000000ULL },
	{ DVC_P1_BASE, DVC_P1_SIZE, 0 },
};

#define DVC_NR_PROVIDERS	ARRAY_SIZE(dvc_providers)

/**
 * struct dvc_range - a physical range and its owner
 * @paddr: physical address
 * @len: length
 * @prov: index into dvc_providers, or DVC_HOST
 */
struct dvc_range {
	phys_addr_t paddr;
	u64 len;
	int prov;
};

/**
 * struct dvc_append - one dma_vec_append() call and its expected result
 * @paddr: physical address
 * @len: length
 * @prov: index into dvc_providers, or DVC_HOST
 * @ret: expected return value
 */
struct dvc_append {
	phys_addr_t paddr;
	u64 len;
	int prov;
	int ret;
};

/**
 * struct dvc_build_case - a sequence of appends and the table it must give
 * @name: case name
 * @nr_ops: number of appends
 * @ops: the appends
 * @nr_ranges: expected number of ranges
 * @ranges: expected ranges
 * @nr_runs: expected number of provider runs
 */
struct dvc_build_case {
	const char *name;
	unsigned int nr_ops;
	struct dvc_append ops[DVC_MAX_OPS];
	unsigned int nr_ranges;
	struct dvc_range ranges[DVC_MAX_RANGES];
	unsigned int nr_runs;
};

#define H	DVC_HOST

static const struct dvc_build_case dvc_build_cases[] = {
	{ "single host range", 1, { { 0x1000, 0x1000, H, 0 } },
	  1, { { 0x1000, 0x1000, H } }, 1 },
	{ "contiguous host ranges merge", 3,
	  { { 0x1000, 0x1000, H, 0 }, { 0x2000, 0x800, H, 0 },
	    { 0x2800, 0x7800, H, 0 } },
	  1, { { 0x1000, 0x9000, H } }, 1 },
	{ "gap keeps ranges apart", 2,
	  { { 0x1000, 0x1000, H, 0 }, { 0x3000, 0x1000, H, 0 } },
	  2, { { 0x1000, 0x1000, H }, { 0x3000, 0x1000, H } }, 1 },
	{ "reverse adjacency is not merged", 2,
	  { { 0x3000, 0x1000, H, 0 }, { 0x2000, 0x1000, H, 0 } },
	  2, { { 0x3000, 0x1000, H }, { 0x2000, 0x1000, H } }, 1 },
	{ "repeated range is kept twice", 2,
	  { { 0x3000, 0x1000, H, 0 }, { 0x3000, 0x1000, H, 0 } },
	  2, { { 0x3000, 0x1000, H }, { 0x3000, 0x1000, H } }, 1 },
	{ "host never merges into an adjacent provider", 2,
	  { { DVC_P0_BASE - 0x1000, 0x1000, H, 0 },
	    { DVC_P0_BASE, 0x1000, 0, 0 } },
	  2, { { DVC_P0_BASE - 0x1000, 0x1000, H }, { DVC_P0_BASE, 0x1000, 0 } },
	  2 },
	{ "adjacent providers never merge", 2,
	  { { DVC_P1_BASE - 0x1000, 0x1000, 0, 0 },
	    { DVC_P1_BASE, 0x1000, 1, 0 } },
	  2, { { DVC_P1_BASE - 0x1000, 0x1000, 0 }, { DVC_P1_BASE, 0x1000, 1 } },
	  2 },
	{ "whole 128 GiB BAR is one range", 1,
	  { { DVC_P0_BASE, DVC_P0_SIZE, 0, 0 } },
	  1, { { DVC_P0_BASE, DVC_P0_SIZE, 0 } }, 1 },
	{ "2 MiB blocks merge into one range", 3,
	  { { DVC_P0_BASE, SZ_2M_ULL, 0, 0 },
	    { DVC_P0_BASE + SZ_2M_ULL, SZ_2M_ULL, 0, 0 },
	    { DVC_P0_BASE + 2 * SZ_2M_ULL, SZ_2M_ULL, 0, 0 } },
	  1, { { DVC_P0_BASE, 3 * SZ_2M_ULL, 0 } }, 1 },
	{ "provider, host, provider: three runs", 4,
	  { { DVC_P0_BASE, 0x1000, 0, 0 }, { DVC_P0_BASE + 0x1000, 0x1000, 0, 0 },
	    { 0x10000, 0x1000, H, 0 }, { DVC_P0_BASE + 0x2000, 0x1000, 0, 0 } },
	  3, { { DVC_P0_BASE, 0x2000, 0 }, { 0x10000, 0x1000, H },
	       { DVC_P0_BASE + 0x2000, 0x1000, 0 } }, 3 },
	{ "zero length is rejected", 2,
	  { { 0x1000, 0x1000, H, 0 }, { 0x2000, 0, H, -EINVAL } },
	  1, { { 0x1000, 0x1000, H } }, 1 },
	{ "wrap-around is rejected", 2,
	  { { 0x1000, 0x1000, H, 0 }, { U64_MAX - 10, 100, H, -EOVERFLOW } },
	  1, { { 0x1000, 0x1000, H } }, 1 },
	{ "last byte of the address space is fine", 1,
	  { { U64_MAX, 1, H, 0 } }, 1, { { U64_MAX, 1, H } }, 1 },
	{ "no merge across the top of the address space", 2,
	  { { U64_MAX - 0xfff, 0x1000, H, 0 }, { 0, 0x1000, H, 0 } },
	  2, { { U64_MAX - 0xfff, 0x1000, H }, { 0, 0x1000, H } }, 1 },
	{ "total length overflow is rejected", 2,
	  { { 0, U64_MAX, H, 0 }, { 0x1000, 2, H, -EOVERFLOW } },
	  1, { { 0, U64_MAX, H } }, 1 },
	{ "range below the provider window", 1,
	  { { DVC_P0_BASE - 0x1000, 0x2000, 0, -ERANGE } }, 0, { }, 0 },
	{ "range past the provider window", 2,
	  { { DVC_P1_BASE, 0x1000, 1, 0 },
	    { DVC_P1_BASE + DVC_P1_SIZE - 0x1000, 0x1001, 1, -ERANGE } },
	  1, { { DVC_P1_BASE, 0x1000, 1 } }, 1 },
	{ "range in the wrong provider", 1,
	  { { DVC_P1_BASE, 0x1000, 0, -ERANGE } }, 0, { }, 0 },
	{ "last byte of a provider window", 1,
	  { { DVC_P1_BASE + DVC_P1_SIZE - 1, 1, 1, 0 } },
	  1, { { DVC_P1_BASE + DVC_P1_SIZE - 1, 1, 1 } }, 1 },
};

/**
 * struct dvc_chunk - an expected chunk
 * @addr: address
 * @len: length
 */
struct dvc_chunk {
	u64 addr;
	u64 len;
};

/**
 * struct dvc_chunk_case - a constrained walk and the chunks it must yield
 * @name: case name
 * @nr_ranges: number of host ranges appended to build the table
 * @ranges: the ranges (appended in order; contiguous ones merge)
 * @offset: slice offset
 * @len: slice length
 * @unlimited: walk with NULL limits
 * @lim: limits when not @unlimited
 * @nr_chunks: expected number of chunks
 * @chunks: every expected chunk when @nr_chunks <= DVC_MAX_CHUNKS; for
 *	longer walks only the first two, the others being checked against
 *	the limits alone.  A walk never yields an empty chunk, so an unlisted
 *	(all-zero) entry that should have been listed fails the case.
 */
struct dvc_chunk_case {
	const char *name;
	unsigned int nr_ranges;
	struct dvc_range ranges[DVC_MAX_RANGES];
	u64 offset;
	u64 len;
	bool unlimited;
	struct dma_vec_limits lim;
	unsigned int nr_chunks;
	struct dvc_chunk chunks[DVC_MAX_CHUNKS];
};

#define DVC_PAGE_LIM	{ U64_MAX, SZ_4K_ULL - 1, SZ_4K_ULL }
#define DVC_SG_LIM	{ 0xfffff000ULL, U64_MAX, SZ_4K_ULL }

static const struct dvc_chunk_case dvc_chunk_cases[] = {
	{ "no limits yields whole ranges", 2,
	  { { 0x1000, 0x3000, H }, { 0x8000, 0x100, H } },
	  0, 0x3100, true, { }, 2,
	  { { 0x1000, 0x3000 }, { 0x8000, 0x100 } } },
	{ "page boundaries split like PRP entries", 1,
	  { { 0x1000800, 0x2000, H } }, 0, 0x2000, false, DVC_PAGE_LIM, 3,
	  { { 0x1000800, 0x800 }, { 0x1001000, 0x1000 }, { 0x1002000, 0x800 } } },
	{ "max segment cut lands on alignment", 1,
	  { { 0x100, 0x20000, H } }, 0, 0x20000, false,
	  { SZ_64K_ULL, U64_MAX, SZ_4K_ULL }, 3,
	  { { 0x100, 0xff00 }, { 0x10000, 0x10000 }, { 0x20000, 0x100 } } },
	{ "segment boundary mask", 1,
	  { { 0xf000, 0x3000, H } }, 0, 0x3000, false,
	  { U64_MAX, 0xffff, 1 }, 2,
	  { { 0xf000, 0x1000 }, { 0x10000, 0x2000 } } },
	{ "unaligned max segment without alignment", 1,
	  { { 0, 2500, H } }, 0, 2500, false, { 1000, U64_MAX, 1 }, 3,
	  { { 0, 1000 }, { 1000, 1000 }, { 2000, 500 } } },
	{ "boundary and max segment together", 1,
	  { { 0x3000, 0x6000, H } }, 0, 0x6000, false,
	  { 0x3000, 0x3fff, SZ_4K_ULL }, 4,
	  { { 0x3000, 0x1000 }, { 0x4000, 0x3000 }, { 0x7000, 0x1000 },
	    { 0x8000, 0x1000 } } },
	{ "slice inside two ranges", 2,
	  { { 0x1000, 0x1000, H }, { 0x5000, 0x3000, H } },
	  0x800, 0x1000, true, { }, 2,
	  { { 0x1800, 0x800 }, { 0x5000, 0x800 } } },
	{ "slice starting exactly on a range", 3,
	  { { 0x1000, 0x1000, H }, { 0x5000, 0x1000, H }, { 0x9000, 0x1000, H } },
	  0x1000, 0x1800, true, { }, 2,
	  { { 0x5000, 0x1000 }, { 0x9000, 0x800 } } },
	{ "empty slice yields nothing", 1,
	  { { 0x1000, 0x1000, H } }, 0x400, 0, true, { }, 0, { } },
	{ "range at address zero, no boundary", 1,
	  { { 0, SZ_4G_ULL, H } }, 0, SZ_4G_ULL, true, { }, 1,
	  { { 0, SZ_4G_ULL } } },
	{ "range ending at the top of the address space", 1,
	  { { U64_MAX - 0xfff, 0x1000, H } }, 0, 0x1000, false, DVC_PAGE_LIM, 1,
	  { { U64_MAX - 0xfff, 0x1000 } } },
	{ "128 GiB split for a scatterlist", 1,
	  { { SZ_4G_ULL, 128 * SZ_1G_ULL, H } }, 0, 128 * SZ_1G_ULL, false,
	  DVC_SG_LIM, 33,
	  { { SZ_4G_ULL, 0xfffff000ULL },
	    { SZ_4G_ULL + 0xfffff000ULL, 0xfffff000ULL } } },
};

/**
 * struct dvc_limits_case - a set of limits and whether it is valid
 * @name: case name
 * @lim: the limits
 * @valid: expected dma_vec_limits_valid() result
 */
struct dvc_limits_case {
	const char *name;
	struct dma_vec_limits lim;
	bool valid;
};

static const struct dvc_limits_case dvc_limits_cases[] = {
	{ "no limits", { U64_MAX, U64_MAX, 1 }, true },
	{ "nvme page walk", { U64_MAX, 0xfff, 0x1000 }, true },
	{ "scatterlist export", { 0xfffff000ULL, U64_MAX, 0x1000 }, true },
	{ "zero alignment", { U64_MAX, U64_MAX, 0 }, false },
	{ "alignment not a power of two", { U64_MAX, U64_MAX, 0x3000 }, false },
	{ "max segment below alignment", { 0x800, U64_MAX, 0x1000 }, false },
	{ "zero max segment", { 0, U64_MAX, 1 }, false },
	{ "boundary mask not 2^n - 1", { U64_MAX, 0xff0, 1 }, false },
	{ "boundary below alignment", { U64_MAX, 0x7ff, 0x1000 }, false },
	{ "byte boundary", { 1, 0, 1 }, true },
};

/**
 * struct dvc_find_case - a byte offset and the range that must hold it
 * @name: case name
 * @offset: byte offset
 * @idx: expected range index, or a negative errno
 * @range_off: expected offset inside the range
 */
struct dvc_find_case {
	const char *name;
	u64 offset;
	int idx;
	u64 range_off;
};

/* Ranges of the table dvc_find_cases run on: range i is (i + 1) pages. */
#define DVC_FIND_NR_RANGES	40
#define DVC_FIND_LEN	\
	(DVC_FIND_NR_RANGES * (DVC_FIND_NR_RANGES + 1) / 2 * SZ_4K_ULL)

static const struct dvc_find_case dvc_find_cases[] = {
	{ "first byte", 0, 0, 0 },
	{ "last byte of the first range", 0xfff, 0, 0xfff },
	{ "first byte of the second range", 0x1000, 1, 0 },
	{ "inside the second range", 0x2fff, 1, 0x1fff },
	{ "first range after a mark", 136 * SZ_4K_ULL, 16, 0 },
	{ "last range before a mark", 135 * SZ_4K_ULL, 15, 15 * SZ_4K_ULL },
	{ "inside the last range", DVC_FIND_LEN - 1, DVC_FIND_NR_RANGES - 1,
	  DVC_FIND_NR_RANGES * SZ_4K_ULL - 1 },
	{ "one past the end", DVC_FIND_LEN, -ERANGE, 0 },
	{ "far past the end", U64_MAX, -ERANGE, 0 },
};

static_assert(ARRAY_SIZE(dvc_build_cases) == 19);
static_assert(ARRAY_SIZE(dvc_chunk_cases) == 12);
static_assert(ARRAY_SIZE(dvc_limits_cases) == 10);
static_assert(ARRAY_SIZE(dvc_find_cases) == 9);

#undef H

#endif /* _DMA_VEC_CASES_H */
