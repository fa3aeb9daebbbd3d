/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The catalogue of bad inputs and misuses (docs/bad-input.md), as one table
 * of rows shared by the CMocka suite tests/user/test_badinput.c and the
 * KUnit suite tests/kunit/dma_vec_badinput_kunit.c.
 *
 * A row names a call, the input, the answer (errno, or WARN) and what must
 * hold afterwards.  Every row starts from a fresh fixture (a table and its
 * providers), makes exactly one bad call through dvb_call_core() (core
 * calls, both worlds) or the CMocka suite's own dispatcher (P2P, NVMe and
 * RDMA calls, userspace only), and checks that the table is unchanged, the
 * out parameters untouched and, in userspace, that nothing leaked and the
 * expected WARNs (and no others) fired.
 */
#ifndef _DMA_VEC_BADINPUT_CASES_H
#define _DMA_VEC_BADINPUT_CASES_H

#include <linux/array_size.h>
#include <linux/dma-direction.h>
#include <linux/dma_vec.h>
#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/pfn.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "dma_vec_cases.h"

/**
 * enum dvb_op - the call a row makes
 * @DVB_APPEND: dma_vec_append(@a + RAM if @ram, @b, @prov)
 * @DVB_RESERVE: dma_vec_table_reserve(@a)
 * @DVB_SLICE: dma_vec_slice(@a, @b)
 * @DVB_FIND: dma_vec_find(@a)
 * @DVB_RANGE_PROVIDER: dma_vec_range_provider(@a), 0 if NULL
 * @DVB_ITER_INIT: dma_vec_iter_init() on the slice (@a, @b, @c) if @forged
 *	(first, first_off, len), else the whole table
 * @DVB_FOR_EACH_CHUNK: dma_vec_for_each_chunk(), answers the chunk count
 * @DVB_DMA_ITER_INIT: dma_vec_dma_iter_init(@dr, @nr) (NULL if @null_arg)
 * @DVB_DMA_WALK: dma_vec_dma_iter_init(@dr, @nr), which must succeed, then
 *	the walk, which must yield exactly @a chunks (none empty or wrapping)
 *	and stay stopped, at range @b if it stopped on an error; answers
 *	dma_vec_dma_iter_error() (DVB_WRONG_WALK if any of that fails)
 * @DVB_FOR_EACH_DMA_CHUNK: dma_vec_for_each_dma_chunk(), checked as for
 *	%DVB_DMA_WALK; answers dma_vec_dma_iter_error()
 * @DVB_ROLLBACK: dma_vec_rollback() with a checkpoint spoiled as @a says
 * @DVB_FROM_SGT: dma_vec_from_sgt() of the entries @dr (@addr DVB_NO_PAGE
 *	for an entry without page), provs NULL if @null_arg
 * @DVB_TO_SGT: dma_vec_to_sgt() of the slice (@a, @b), or the forged one
 * @DVB_COPY_TO: dma_vec_copy_to_buf() of the table or forged slice
 * @DVB_COPY_FROM: dma_vec_copy_from_buf() of the table or forged slice
 * @DVB_CHECK_HOST_RAM: dma_vec_check_host_ram() of the whole table
 * @DVB_NR_CORE_OPS: the ops above exist in the kernel's lib/ too
 * @DVB_PROVIDER_INIT: dma_vec_provider_init(base @a, size @b, bus offset @c)
 * @DVB_NVME_PRPS: dma_vec_nvme_setup_prps(@dr, @nr) on controller @nvme
 * @DVB_NVME_SGLS: dma_vec_nvme_setup_sgls(@dr, @nr) on controller @nvme
 * @DVB_NVME_DATA: dma_vec_nvme_setup_data(@dr, @nr) on controller @nvme
 * @DVB_RDMA_COUNT_MR_PAGES: dma_vec_rdma_count_mr_pages(@dr, @nr, page @a)
 * @DVB_RDMA_RW_INIT: dma_vec_rdma_rw_init() of the whole table for the
 *	row's device, SGE limits @lim, remote address @a, direction @b, @c
 *	SGEs per work request
 */
enum dvb_op {
	DVB_APPEND,
	DVB_RESERVE,
	DVB_SLICE,
	DVB_FIND,
	DVB_RANGE_PROVIDER,
	DVB_ITER_INIT,
	DVB_FOR_EACH_CHUNK,
	DVB_DMA_ITER_INIT,
	DVB_DMA_WALK,
	DVB_FOR_EACH_DMA_CHUNK,
	DVB_ROLLBACK,
	DVB_FROM_SGT,
	DVB_TO_SGT,
	DVB_COPY_TO,
	DVB_COPY_FROM,
	DVB_CHECK_HOST_RAM,
	DVB_NR_CORE_OPS,
	DVB_PROVIDER_INIT = DVB_NR_CORE_OPS,
	DVB_NVME_PRPS,
	DVB_NVME_SGLS,
	DVB_NVME_DATA,
	DVB_RDMA_COUNT_MR_PAGES,
	DVB_RDMA_RW_INIT,
};

/**
 * enum dvb_fixture - the table a row starts from
 * @DVB_FIX_STD: host RAM [RAM, 0x3000), provider 0 [P0 + 0x10000, 0x2000),
 *	provider 1 [P1, 0x1000): three ranges, three runs, 0x6000 bytes
 * @DVB_FIX_EMPTY: an initialised, empty table
 * @DVB_FIX_NONRAM: host RAM [RAM, 0x1000), then host [DVB_NOT_RAM, 0x1000),
 *	an address no RAM backs
 */
enum dvb_fixture {
	DVB_FIX_STD,
	DVB_FIX_EMPTY,
	DVB_FIX_NONRAM,
};

/**
 * enum dvb_spoil - how a %DVB_ROLLBACK row spoils its checkpoint
 * @DVB_CP_OTHER_TABLE: taken on another table (with the same shape)
 * @DVB_CP_STALE: taken before the table was released and rebuilt
 * @DVB_CP_NR: claims more ranges than the table has
 * @DVB_CP_RUNS: claims one run for three ranges that hold three
 * @DVB_CP_LEN: claims more bytes than the table has
 * @DVB_CP_LAST_LEN: claims a last range longer than it is
 */
enum dvb_spoil {
	DVB_CP_OTHER_TABLE,
	DVB_CP_STALE,
	DVB_CP_NR,
	DVB_CP_RUNS,
	DVB_CP_LEN,
	DVB_CP_LAST_LEN,
};

/* Host memory no RAM backs, in both worlds (16 TiB). */
#define DVB_NOT_RAM	0x100000000000ULL
/* An sg entry without a page. */
#define DVB_NO_PAGE	U64_MAX
#define DVB_MAX_DR	3
/*
 * The NVMe constants the rows need, without the NVMe header (private to
 * drivers/nvme/host/); the CMocka suite asserts they match it.
 */
#define DVB_SGLS		1
#define DVB_SGLS_DWORD		2
#define DVB_NVME_MAX_ENTRIES	0x100000U

/**
 * struct dvb_nvme - the controller of an NVMe row
 * @page_shift: controller page shift
 * @sgls: SGL support (Identify SGLS bits 1:0)
 * @pool_block: block size of the pool the builders are told
 * @mdts: largest transfer, 0 for none
 * @no_pool: give no pool at all
 */
struct dvb_nvme {
	unsigned int page_shift;
	unsigned int sgls;
	unsigned int pool_block;
	u64 mdts;
	bool no_pool;
};

/**
 * struct dvb_case - one row of the catalogue
 * @name: "call: input", as in docs/bad-input.md
 * @op: the call
 * @fix: the table before the call
 * @a: first scalar argument (see &enum dvb_op)
 * @b: second scalar argument
 * @c: third scalar argument
 * @ram: @a is an offset into the fixture's RAM
 * @prov: provider index, or DVC_HOST
 * @forged: iterate or copy the slice (@a, @b, @c) instead of the table
 * @null_arg: pass NULL for the array argument
 * @has_lim: pass @lim (else NULL)
 * @lim: chunk limits
 * @nr: number of DMA ranges or sg entries in @dr
 * @dr: DMA ranges (or sg entries, by CPU physical address)
 * @nvme: controller of an NVMe row
 * @failinj: fail the @c-th allocation (userspace only; 0 for none)
 * @ret: the answer
 * @warns: WARNs the call must raise
 */
struct dvb_case {
	const char *name;
	enum dvb_op op;
	enum dvb_fixture fix;
	u64 a, b, c;
	bool ram;
	int prov;
	bool forged;
	bool null_arg;
	bool has_lim;
	struct dma_vec_limits lim;
	unsigned int nr;
	struct dma_vec_drange dr[DVB_MAX_DR];
	struct dvb_nvme nvme;
	unsigned int failinj;
	int ret;
	unsigned int warns;
};

#define DVB_LIM(ms, mask, al)	.has_lim = true, .lim = { (ms), (mask), (al) }
#define DVB_DR1(a0, l0)		.nr = 1, .dr = { { (a0), (l0) } }
#define DVB_DR2(a0, l0, a1, l1)	.nr = 2, .dr = { { (a0), (l0) }, { (a1), (l1) } }
#define DVB_CTRL(ps, s, pb)	.nvme = { .page_shift = (ps), .sgls = (s), \
					  .pool_block = (pb) }
#define DVB_TOP			(U64_MAX - 0xfffULL)	/* last 4 KiB page */
#define DVB_4K			SZ_4K_ULL

static const struct dvb_case dvb_cases[] = {
	/* dma_vec_append() */
	{ "append: zero length", DVB_APPEND, .ram = true, .a = 0x3000,
	  .b = 0, .prov = DVC_HOST, .ret = -EINVAL },
	{ "append: range wraps past 2^64", DVB_APPEND, .a = DVB_TOP,
	  .b = 0x2000, .prov = DVC_HOST, .ret = -EOVERFLOW },
	{ "append: length 2^64 - 1 from address 2", DVB_APPEND, .a = 2,
	  .b = U64_MAX, .prov = DVC_HOST, .ret = -EOVERFLOW },
	{ "append: table length would overflow", DVB_APPEND, .a = 0,
	  .b = U64_MAX - 0x1000, .prov = DVC_HOST, .ret = -EOVERFLOW },
	{ "append: provider range starts below its window", DVB_APPEND,
	  .a = DVC_P0_BASE - 0x1000, .b = 0x2000, .prov = 0, .ret = -ERANGE },
	{ "append: provider range runs past its window", DVB_APPEND,
	  .a = DVC_P0_BASE + DVC_P0_SIZE - 0x1000, .b = 0x2000, .prov = 0,
	  .ret = -ERANGE },
	{ "append: range of another window claimed by a provider", DVB_APPEND,
	  .a = DVC_P0_BASE, .b = 0x1000, .prov = 1, .ret = -ERANGE },
	{ "append: host address claimed by a provider", DVB_APPEND,
	  .ram = true, .a = 0, .b = 0x1000, .prov = 0, .ret = -ERANGE },
	{ "append: allocation fails while growing", DVB_APPEND,
	  .fix = DVB_FIX_EMPTY, .a = 0x100000,
	  .b = 0x1000, .prov = DVC_HOST, .failinj = 1, .ret = -ENOMEM },
	/* dma_vec_table_reserve() */
	{ "reserve: DMA_VEC_MAX_RANGES + 1", DVB_RESERVE,
	  .a = DMA_VEC_MAX_RANGES + 1ULL, .ret = -E2BIG },
	{ "reserve: UINT_MAX ranges", DVB_RESERVE, .a = UINT_MAX,
	  .ret = -E2BIG },
	{ "reserve: 2^30 ranges (16 GiB, above kvmalloc's INT_MAX)",
	  DVB_RESERVE, .a = 0x40000000ULL, .ret = -E2BIG },
	{ "reserve: DMA_VEC_MAX_RANGES, allocation fails (size < INT_MAX)",
	  DVB_RESERVE, .a = DMA_VEC_MAX_RANGES, .failinj = 1, .ret = -ENOMEM },
	/* dma_vec_slice() */
	{ "slice: offset past the end", DVB_SLICE, .a = 0x6001, .b = 0,
	  .ret = -ERANGE },
	{ "slice: length past the end", DVB_SLICE, .a = 0, .b = 0x6001,
	  .ret = -ERANGE },
	{ "slice: offset + length wraps", DVB_SLICE, .a = 0x1000,
	  .b = U64_MAX, .ret = -ERANGE },
	{ "slice: one byte at the end", DVB_SLICE, .a = 0x6000, .b = 1,
	  .ret = -ERANGE },
	{ "slice: any window of an empty table", DVB_SLICE, .fix = DVB_FIX_EMPTY,
	  .a = 0, .b = 1, .ret = -ERANGE },
	/* dma_vec_find() */
	{ "find: offset equal to the length", DVB_FIND, .a = 0x6000,
	  .ret = -ERANGE },
	{ "find: offset U64_MAX", DVB_FIND, .a = U64_MAX, .ret = -ERANGE },
	{ "find: empty table", DVB_FIND, .fix = DVB_FIX_EMPTY, .a = 0,
	  .ret = -ERANGE },
	/* dma_vec_range_provider() */
	{ "range_provider: index == nr", DVB_RANGE_PROVIDER, .a = 3,
	  .ret = 0, .warns = 1 },
	{ "range_provider: index UINT_MAX", DVB_RANGE_PROVIDER, .a = UINT_MAX,
	  .ret = 0, .warns = 1 },
	{ "range_provider: empty table", DVB_RANGE_PROVIDER,
	  .fix = DVB_FIX_EMPTY, .a = 0, .ret = 0, .warns = 1 },
	/* dma_vec_iter_init() */
	{ "iter_init: align 0", DVB_ITER_INIT, DVB_LIM(DVB_4K, U64_MAX, 0),
	  .ret = -EINVAL },
	{ "iter_init: align not a power of two", DVB_ITER_INIT,
	  DVB_LIM(DVB_4K, U64_MAX, 3), .ret = -EINVAL },
	{ "iter_init: max_seg below align", DVB_ITER_INIT,
	  DVB_LIM(0x800, U64_MAX, DVB_4K), .ret = -EINVAL },
	{ "iter_init: max_seg 0", DVB_ITER_INIT, DVB_LIM(0, U64_MAX, 1),
	  .ret = -EINVAL },
	{ "iter_init: boundary mask not 2^n - 1", DVB_ITER_INIT,
	  DVB_LIM(DVB_4K, 0x17ff, 1), .ret = -EINVAL },
	{ "iter_init: boundary mask below align - 1", DVB_ITER_INIT,
	  DVB_LIM(0x2000, 0xfff, 0x2000), .ret = -EINVAL },
	{ "iter_init: slice starts past the last range", DVB_ITER_INIT,
	  .forged = true, .a = 3, .b = 0, .c = 0x1000, .ret = -EINVAL },
	{ "iter_init: slice offset past its range", DVB_ITER_INIT,
	  .forged = true, .a = 2, .b = 0x1000, .c = 1, .ret = -EINVAL },
	{ "iter_init: slice longer than the table", DVB_ITER_INIT,
	  .forged = true, .a = 0, .b = 0, .c = 0x6001, .ret = -EINVAL },
	{ "for_each_chunk: boundary mask the iterator rejects",
	  DVB_FOR_EACH_CHUNK, DVB_LIM(DVB_4K, 0x17ff, 1), .ret = 0,
	  .warns = 1 },
	{ "for_each_chunk: forged slice", DVB_FOR_EACH_CHUNK, .forged = true,
	  .a = 7, .b = 0, .c = 0x1000, .ret = 0, .warns = 1 },
	/*
	 * dma_vec_dma_iter_init() and the walk: ranges are checked as the
	 * walk reaches them (init takes constant time); the chunks of the
	 * good ranges before a bad one are yielded, then the walk stops.
	 */
	{ "dma_iter_next: empty range", DVB_DMA_WALK,
	  DVB_DR1(0x10000, 0), .a = 0, .b = 0, .ret = -EINVAL },
	{ "dma_iter_next: empty range after a good one", DVB_DMA_WALK,
	  DVB_DR2(0x10000, 0x1000, 0x20000, 0), .a = 1, .b = 1,
	  .ret = -EINVAL },
	{ "dma_iter_next: range wraps past 2^64", DVB_DMA_WALK,
	  DVB_DR1(DVB_TOP, 0x2000), .a = 0, .b = 0, .ret = -EOVERFLOW },
	{ "dma_iter_next: length U64_MAX from address 2", DVB_DMA_WALK,
	  DVB_DR1(2, U64_MAX), .a = 0, .b = 0, .ret = -EOVERFLOW },
	{ "dma_iter_init: NULL ranges with nr 1", DVB_DMA_ITER_INIT,
	  .null_arg = true, .nr = 1, .ret = -EINVAL },
	{ "dma_iter_init: invalid limits", DVB_DMA_ITER_INIT,
	  DVB_DR1(0x10000, 0x1000), DVB_LIM(DVB_4K, 0x3000, 1),
	  .ret = -EINVAL },
	{ "for_each_dma_chunk: wrapping range after a good one",
	  DVB_FOR_EACH_DMA_CHUNK, DVB_DR2(0x10000, 0x2000, DVB_TOP, 0x2000),
	  DVB_LIM(DVB_4K, U64_MAX, DVB_4K), .a = 2, .b = 1,
	  .ret = -EOVERFLOW },
	{ "for_each_dma_chunk: boundary mask the iterator rejects",
	  DVB_FOR_EACH_DMA_CHUNK, DVB_DR1(0x10000, 0x1000),
	  DVB_LIM(DVB_4K, 0x17ff, 1), .a = 0, .ret = 0, .warns = 1 },
	/* dma_vec_rollback() */
	{ "rollback: checkpoint of another table", DVB_ROLLBACK,
	  .a = DVB_CP_OTHER_TABLE, .warns = 1 },
	{ "rollback: checkpoint from before a release", DVB_ROLLBACK,
	  .a = DVB_CP_STALE, .warns = 1 },
	{ "rollback: checkpoint with more ranges", DVB_ROLLBACK,
	  .a = DVB_CP_NR, .warns = 1 },
	{ "rollback: checkpoint whose runs do not fit", DVB_ROLLBACK,
	  .a = DVB_CP_RUNS, .warns = 1 },
	{ "rollback: checkpoint with more bytes", DVB_ROLLBACK,
	  .a = DVB_CP_LEN, .warns = 1 },
	{ "rollback: checkpoint with a longer last range", DVB_ROLLBACK,
	  .a = DVB_CP_LAST_LEN, .warns = 1 },
	/* dma_vec_from_sgt() */
	{ "from_sgt: entry without a page", DVB_FROM_SGT,
	  DVB_DR1(DVB_NO_PAGE, 0x1000), .ret = -EINVAL },
	{ "from_sgt: second entry without a page", DVB_FROM_SGT,
	  DVB_DR2(0x100000, 0x1000, DVB_NO_PAGE, 0x1000), .ret = -EINVAL },
	{ "from_sgt: provs NULL with nr_provs 2", DVB_FROM_SGT,
	  DVB_DR1(0x100000, 0x1000), .null_arg = true, .ret = -EINVAL },
	{ "from_sgt: zero-length entry", DVB_FROM_SGT,
	  DVB_DR2(0x100000, 0x1000, 0x200000, 0), .ret = -EINVAL },
	{ "from_sgt: entry runs past its provider's window", DVB_FROM_SGT,
	  DVB_DR1(DVC_P1_BASE + DVC_P1_SIZE - 0x800, 0x1000),
	  .ret = -ERANGE },
	{ "from_sgt: allocation fails on the second entry", DVB_FROM_SGT,
	  .fix = DVB_FIX_EMPTY,
	  DVB_DR2(0x100000, 0x1000, DVC_P1_BASE, 0x1000), .failinj = 2,
	  .ret = -ENOMEM },
	/* dma_vec_to_sgt() */
	{ "to_sgt: empty slice", DVB_TO_SGT, .a = 0, .b = 0, .ret = -EINVAL },
	{ "to_sgt: forged slice", DVB_TO_SGT, .forged = true, .a = 4, .b = 0,
	  .c = 0x1000, .ret = -EINVAL },
	{ "to_sgt: slice holding provider memory", DVB_TO_SGT, .a = 0,
	  .b = 0x4000, .ret = -EOPNOTSUPP },
	{ "to_sgt: allocation fails", DVB_TO_SGT, .a = 0, .b = 0x3000,
	  .failinj = 1, .ret = -ENOMEM },
	/* copies and dma_vec_check_host_ram() */
	{ "copy_to_buf: host range that is not RAM", DVB_COPY_TO,
	  .fix = DVB_FIX_NONRAM, .ret = -EFAULT },
	{ "copy_from_buf: host range that is not RAM", DVB_COPY_FROM,
	  .fix = DVB_FIX_NONRAM, .ret = -EFAULT },
	{ "copy_to_buf: provider without CPU mapping", DVB_COPY_TO,
	  .ret = -EOPNOTSUPP },
	{ "copy_from_buf: provider without CPU mapping", DVB_COPY_FROM,
	  .ret = -EOPNOTSUPP },
	{ "copy_to_buf: forged slice", DVB_COPY_TO, .forged = true, .a = 9,
	  .b = 0, .c = 0x100, .ret = -EINVAL },
	{ "copy_from_buf: forged slice", DVB_COPY_FROM, .forged = true,
	  .a = 0, .b = 0x5000, .c = 0x100, .ret = -EINVAL },
	{ "check_host_ram: host range that is not RAM", DVB_CHECK_HOST_RAM,
	  .fix = DVB_FIX_NONRAM, .ret = -EFAULT },
	/* dma_vec_provider_init() */
	{ "provider_init: empty window", DVB_PROVIDER_INIT, .a = DVC_P0_BASE,
	  .b = 0, .c = 0, .ret = -EINVAL },
	{ "provider_init: window wraps the physical space", DVB_PROVIDER_INIT,
	  .a = DVB_TOP, .b = 0x2000, .c = 0, .ret = -EOVERFLOW },
	{ "provider_init: odd bus_offset", DVB_PROVIDER_INIT,
	  .a = DVC_P0_BASE, .b = DVC_P0_SIZE, .c = 1, .ret = -EINVAL },
	{ "provider_init: bus_offset not page aligned", DVB_PROVIDER_INIT,
	  .a = DVC_P0_BASE, .b = DVC_P0_SIZE, .c = 0x800, .ret = -EINVAL },
	{ "provider_init: bus window wraps past 2^64", DVB_PROVIDER_INIT,
	  .a = DVC_P0_BASE, .b = DVC_P0_SIZE, .c = 0 - DVC_P0_BASE - 0x1000,
	  .ret = -EOVERFLOW },
	{ "provider_init: bus window ends at 2^64", DVB_PROVIDER_INIT,
	  .a = DVC_P0_BASE, .b = DVC_P0_SIZE,
	  .c = 0 - DVC_P0_BASE - DVC_P0_SIZE, .ret = -EOVERFLOW },
	/* NVMe builders */
	{ "nvme_setup_prps: range wraps past 2^64", DVB_NVME_PRPS,
	  DVB_DR1(DVB_TOP, 0x3000), DVB_CTRL(12, 0, 4096),
	  .ret = -EOVERFLOW },
	{ "nvme_setup_prps: range ends at 2^64", DVB_NVME_PRPS,
	  DVB_DR1(U64_MAX - 0x2fff, 0x3000), DVB_CTRL(12, 0, 4096),
	  .ret = -EOVERFLOW },
	{ "nvme_setup_sgls: range ends at 2^64", DVB_NVME_SGLS,
	  DVB_DR1(DVB_TOP, 0x1000), DVB_CTRL(12, DVB_SGLS, 4096),
	  .ret = -EOVERFLOW },
	{ "nvme_setup_sgls: second range wraps", DVB_NVME_SGLS,
	  DVB_DR2(0x10000, 0x1000, DVB_TOP, 0x2000),
	  DVB_CTRL(12, DVB_SGLS, 4096), .ret = -EOVERFLOW },
	{ "nvme_setup_data: range wraps past 2^64", DVB_NVME_DATA,
	  DVB_DR1(DVB_TOP, 0x3000), DVB_CTRL(12, DVB_SGLS, 4096),
	  .ret = -EOVERFLOW },
	{ "nvme_setup_prps: no ranges", DVB_NVME_PRPS, .nr = 0,
	  DVB_CTRL(12, 0, 4096), .ret = -EINVAL },
	{ "nvme_setup_prps: NULL ranges", DVB_NVME_PRPS, .null_arg = true,
	  .nr = 1, DVB_CTRL(12, 0, 4096), .ret = -EINVAL },
	{ "nvme_setup_prps: empty range", DVB_NVME_PRPS, DVB_DR1(0x10000, 0),
	  DVB_CTRL(12, 0, 4096), .ret = -EINVAL },
	{ "nvme_setup_prps: total length overflows", DVB_NVME_PRPS,
	  DVB_DR2(0, 1ULL << 63, 1ULL << 63, 1ULL << 63),
	  DVB_CTRL(12, 0, 4096), .ret = -EINVAL },
	{ "nvme_setup_prps: pool blocks smaller than a page", DVB_NVME_PRPS,
	  DVB_DR1(0x10000, 0x3000), DVB_CTRL(12, 0, 2048), .ret = -EINVAL },
	{ "nvme_setup_sgls: pool blocks smaller than a page", DVB_NVME_SGLS,
	  DVB_DR2(0x10000, 0x1000, 0x30000, 0x1000),
	  DVB_CTRL(16, DVB_SGLS, 4096), .ret = -EINVAL },
	{ "nvme_setup_prps: no pool", DVB_NVME_PRPS, DVB_DR1(0x10000, 0x3000),
	  .nvme = { .page_shift = 12, .pool_block = 4096, .no_pool = true },
	  .ret = -EINVAL },
	{ "nvme_setup_prps: page shift 11", DVB_NVME_PRPS,
	  DVB_DR1(0x10000, 0x1000), DVB_CTRL(11, 0, 4096), .ret = -EINVAL },
	{ "nvme_setup_prps: page shift 28", DVB_NVME_PRPS,
	  DVB_DR1(0x10000, 0x1000), DVB_CTRL(28, 0, 4096), .ret = -EINVAL },
	{ "nvme_setup_prps: PRP1 not dword aligned", DVB_NVME_PRPS,
	  DVB_DR1(0x10002, 0x1000), DVB_CTRL(12, 0, 4096), .ret = -EINVAL },
	{ "nvme_setup_prps: second range not page aligned", DVB_NVME_PRPS,
	  DVB_DR2(0x10000, 0x1000, 0x30200, 0x1000), DVB_CTRL(12, 0, 4096),
	  .ret = -EINVAL },
	{ "nvme_setup_prps: first range ends inside a page", DVB_NVME_PRPS,
	  DVB_DR2(0x10000, 0x800, 0x30000, 0x1000), DVB_CTRL(12, 0, 4096),
	  .ret = -EINVAL },
	{ "nvme_setup_prps: more than DVB_NVME_MAX_ENTRIES pages",
	  DVB_NVME_PRPS,
	  DVB_DR1(0x10000, (DVB_NVME_MAX_ENTRIES + 1ULL) << 12),
	  DVB_CTRL(12, 0, 4096), .ret = -E2BIG },
	{ "nvme_setup_prps: UINT_MAX - 100 pages, no MDTS", DVB_NVME_PRPS,
	  DVB_DR1(0x10000, (UINT_MAX - 100ULL) << 12), DVB_CTRL(12, 0, 4096),
	  .ret = -E2BIG },
	{ "nvme_setup_sgls: more than DVB_NVME_MAX_ENTRIES blocks",
	  DVB_NVME_SGLS, .nr = 3,
	  .dr = { { 0x10000, 0x1000 },
		  { 1ULL << 40, (DVB_NVME_MAX_ENTRIES - 1ULL) * 0xfffffffcULL },
		  { 1ULL << 62, 0x1000 } },
	  DVB_CTRL(12, DVB_SGLS, 4096), .ret = -E2BIG },
	{ "nvme_setup_prps: transfer above MDTS", DVB_NVME_PRPS,
	  DVB_DR1(0x10000, 0x3000),
	  .nvme = { .page_shift = 12, .pool_block = 4096, .mdts = 0x2000 },
	  .ret = -E2BIG },
	{ "nvme_setup_sgls: controller without SGLs", DVB_NVME_SGLS,
	  DVB_DR1(0x10000, 0x1000), DVB_CTRL(12, 0, 4096),
	  .ret = -EOPNOTSUPP },
	{ "nvme_setup_sgls: dword controller, odd length", DVB_NVME_SGLS,
	  DVB_DR2(0x10000, 0x1001, 0x30000, 0x1000),
	  DVB_CTRL(12, DVB_SGLS_DWORD, 4096), .ret = -EINVAL },
	{ "nvme_setup_prps: list page allocation fails", DVB_NVME_PRPS,
	  DVB_DR1(0x10000, 0x10000), DVB_CTRL(12, 0, 4096), .failinj = 2,
	  .ret = -ENOMEM },
	{ "nvme_setup_sgls: segment allocation fails", DVB_NVME_SGLS,
	  DVB_DR2(0x10000, 0x1000, 0x30000, 0x1000),
	  DVB_CTRL(12, DVB_SGLS, 4096), .failinj = 1,
	  .ret = -ENOMEM },
	/* RDMA builders */
	{ "rdma_rw_init: bidirectional transfer", DVB_RDMA_RW_INIT,
	  .b = DMA_BIDIRECTIONAL, .c = 2, DVB_LIM(U64_MAX, U64_MAX, 1),
	  .ret = -EINVAL },
	{ "rdma_rw_init: invalid limits", DVB_RDMA_RW_INIT,
	  .b = DMA_TO_DEVICE, .c = 2, DVB_LIM(U64_MAX, 0x3000, 1),
	  .ret = -EINVAL },
	{ "rdma_rw_init: remote range wraps", DVB_RDMA_RW_INIT,
	  .a = U64_MAX - 0x1000, .b = DMA_FROM_DEVICE, .c = 2,
	  DVB_LIM(U64_MAX, U64_MAX, 1), .ret = -EINVAL },
	{ "rdma_count_mr_pages: page size not a power of two",
	  DVB_RDMA_COUNT_MR_PAGES, DVB_DR1(0x10000, 0x1000), .a = 0x3000,
	  .ret = -EINVAL },
	{ "rdma_count_mr_pages: empty range", DVB_RDMA_COUNT_MR_PAGES,
	  DVB_DR1(0x10000, 0), .a = 0x1000, .ret = -EINVAL },
	{ "rdma_rw_init: empty table", DVB_RDMA_RW_INIT, .fix = DVB_FIX_EMPTY,
	  .b = DMA_TO_DEVICE, .c = 2, DVB_LIM(U64_MAX, U64_MAX, 1),
	  .ret = -EINVAL },
	{ "rdma_rw_init: peer memory the device cannot reach",
	  DVB_RDMA_RW_INIT, .b = DMA_TO_DEVICE, .c = 2,
	  DVB_LIM(0x400, U64_MAX, 1), .ret = -EREMOTEIO },
};

#define DVB_NR_CASES	ARRAY_SIZE(dvb_cases)

/**
 * struct dvb_fix - the fixture a row runs on, set up by each framework
 * @tbl: the table under test, built as the row's &dvb_case.fix says
 * @other: a second table of the same shape (for foreign checkpoints)
 * @prov: the providers of dvc_providers (descriptions, no CPU mapping)
 * @ram: CPU address of 4 pages of RAM
 * @ram_pa: their physical address
 * @buf: a 0x6000-byte buffer for copies
 */
struct dvb_fix {
	struct dma_vec_table *tbl;
	struct dma_vec_table *other;
	struct dma_vec_provider *prov[DVC_NR_PROVIDERS];
	u8 *ram;
	phys_addr_t ram_pa;
	u8 *buf;
};

#define DVB_RAM_SIZE	(4 * PAGE_SIZE)
#define DVB_BUF_SIZE	0x6000
#define DVB_POISON	0x5a
/* Returned by dvb_call_core() when an out parameter was written on error. */
#define DVB_CLOBBERED	0x7ffe
/* Returned by dvb_call_core() when a DMA walk did not go as the row says. */
#define DVB_WRONG_WALK	0x7ffd

/* Fail the @n-th allocation from now on; each framework defines it. */
static void dvb_fail_nth(unsigned int n);

static struct dma_vec_provider * __maybe_unused
dvb_prov(const struct dvb_fix *f, int idx)
{
	return idx == DVC_HOST ? NULL : f->prov[idx];
}

/* Build the row's starting table into @t; 0 or the first error. */
static int __maybe_unused dvb_fixture_build(const struct dvb_fix *f,
					    struct dma_vec_table *t,
					    enum dvb_fixture fix)
{
	int ret;

	switch (fix) {
	case DVB_FIX_STD:
		ret = dma_vec_append(t, f->ram_pa, 0x3000, NULL, GFP_KERNEL);
		if (!ret)
			ret = dma_vec_append(t, DVC_P0_BASE + 0x10000, 0x2000,
					     f->prov[0], GFP_KERNEL);
		if (!ret)
			ret = dma_vec_append(t, DVC_P1_BASE, 0x1000, f->prov[1],
					     GFP_KERNEL);
		return ret;
	case DVB_FIX_NONRAM:
		ret = dma_vec_append(t, f->ram_pa, 0x1000, NULL, GFP_KERNEL);
		if (!ret)
			ret = dma_vec_append(t, DVB_NOT_RAM, 0x1000, NULL,
					     GFP_KERNEL);
		return ret;
	default:
		return 0;
	}
}

static bool __maybe_unused dvb_all(const u8 *p, u8 v, size_t n)
{
	while (n--)
		if (*p++ != v)
			return false;
	return true;
}

static int dvb_rollback(const struct dvb_case *c, struct dvb_fix *f)
{
	struct dma_vec_table *t = f->tbl;
	struct dma_vec_checkpoint cp;
	int ret;

	dma_vec_checkpoint(t, &cp);
	switch (c->a) {
	case DVB_CP_OTHER_TABLE:
		dma_vec_checkpoint(f->other, &cp);
		cp.nr = 1;
		cp.nr_runs = 1;
		cp.len = 0x3000;
		cp.last_len = 0x3000;
		break;
	case DVB_CP_STALE:
		cp.nr = 1;
		cp.nr_runs = 1;
		cp.len = 0x3000;
		cp.last_len = 0x3000;
		dma_vec_table_release(t);
		ret = dvb_fixture_build(f, t, c->fix);
		if (ret)
			return ret;
		break;
	case DVB_CP_NR:
		cp.nr++;
		break;
	case DVB_CP_RUNS:
		cp.nr_runs = 1;
		break;
	case DVB_CP_LEN:
		cp.len++;
		break;
	case DVB_CP_LAST_LEN:
		cp.last_len++;
		break;
	}
	dma_vec_rollback(t, &cp);
	return 0;
}

static int dvb_from_sgt(const struct dvb_case *c, struct dvb_fix *f)
{
	struct sg_table sgt;
	struct scatterlist *sg;
	unsigned int i;
	int ret;

	ret = sg_alloc_table(&sgt, c->nr, GFP_KERNEL);
	if (ret)
		return DVB_CLOBBERED;
	for_each_sg(sgt.sgl, sg, c->nr, i) {
		u64 pa = c->dr[i].addr;

		if (pa == DVB_NO_PAGE)
			sg_set_page(sg, NULL, c->dr[i].len, 0);
		else
			sg_set_page(sg, pfn_to_page(PHYS_PFN(pa)), c->dr[i].len,
				    offset_in_page(pa));
	}
	if (c->failinj)
		dvb_fail_nth(c->failinj);
	ret = dma_vec_from_sgt(f->tbl, &sgt, c->null_arg ? NULL : f->prov,
			       DVC_NR_PROVIDERS, GFP_KERNEL);
	sg_free_table(&sgt);
	return ret;
}

static int dvb_copy(const struct dvb_case *c, struct dvb_fix *f,
		    const struct dma_vec_slice *s)
{
	int ret;

	memset(f->buf, DVB_POISON, DVB_BUF_SIZE);
	memset(f->ram, DVB_POISON, DVB_RAM_SIZE);
	if (c->op == DVB_COPY_TO)
		ret = dma_vec_copy_to_buf(s, f->buf);
	else if (c->op == DVB_COPY_FROM)
		ret = dma_vec_copy_from_buf(s, f->buf);
	else
		ret = dma_vec_check_host_ram(s);
	if (ret && (!dvb_all(f->buf, DVB_POISON, DVB_BUF_SIZE) ||
		    !dvb_all(f->ram, DVB_POISON, DVB_RAM_SIZE)))
		return DVB_CLOBBERED;
	return ret;
}

/*
 * The rest of a DMA walk whose first @n chunks were seen (@bad if one was
 * empty or wrapped): it must have yielded @c->a chunks, stay stopped, and
 * have stopped at range @c->b if it stopped on an error.
 */
static int __maybe_unused dvb_dma_walk_end(const struct dvb_case *c,
					   struct dma_vec_dma_iter *dit,
					   u64 n, bool bad)
{
	int err = dma_vec_dma_iter_error(dit);

	if (bad || n != c->a || dma_vec_dma_iter_next(dit) ||
	    dma_vec_dma_iter_error(dit) != err || (err && dit->idx != c->b))
		return DVB_WRONG_WALK;
	return err;
}

/* A chunk a DMA walk may never yield: empty, or wrapping past 2^64. */
static bool __maybe_unused dvb_dma_chunk_bad(const struct dma_vec_dma_iter *d)
{
	return !d->len || (u64)d->addr + (d->len - 1) < (u64)d->addr;
}

/**
 * dvb_call_core - make the one call of a core row
 * @c: the row, with @c->op < DVB_NR_CORE_OPS
 * @f: the fixture
 *
 * Out parameters are poisoned before the call; if the call fails and
 * touched one, DVB_CLOBBERED is returned instead of its answer.  The
 * framework provides dvb_fail_nth() (a no-op where allocations cannot be
 * failed on demand).
 *
 * Return: the call's answer (a count for dma_vec_for_each_chunk(), 0 or 1
 * for dma_vec_range_provider()), DVB_CLOBBERED, or DVB_WRONG_WALK.
 */
static int __maybe_unused dvb_call_core(const struct dvb_case *c,
					struct dvb_fix *f)
{
	const struct dma_vec_limits *lim = c->has_lim ? &c->lim : NULL;
	struct dma_vec_slice s, poison;
	struct dma_vec_dma_iter dit;
	struct dma_vec_iter it;
	struct sg_table sgt;
	u64 off = U64_MAX;
	bool bad = false;
	int ret, n = 0;

	memset(&poison, DVB_POISON, sizeof(poison));
	s = poison;
	if (c->forged) {
		s.tbl = f->tbl;
		s.first = c->a;
		s.first_off = c->b;
		s.len = c->c;
	} else {
		dma_vec_slice_all(f->tbl, &s);
	}

	switch (c->op) {
	case DVB_APPEND:
		if (c->failinj)
			dvb_fail_nth(c->failinj);
		return dma_vec_append(f->tbl, (c->ram ? f->ram_pa : 0) + c->a,
				      c->b, dvb_prov(f, c->prov), GFP_KERNEL);
	case DVB_RESERVE:
		if (c->failinj)
			dvb_fail_nth(c->failinj);
		return dma_vec_table_reserve(f->tbl, c->a, GFP_KERNEL);
	case DVB_SLICE:
		s = poison;
		ret = dma_vec_slice(f->tbl, c->a, c->b, &s);
		return ret && memcmp(&s, &poison, sizeof(s)) ? DVB_CLOBBERED :
		       ret;
	case DVB_FIND:
		ret = dma_vec_find(f->tbl, c->a, &off);
		return ret < 0 && off != U64_MAX ? DVB_CLOBBERED : ret;
	case DVB_RANGE_PROVIDER:
		return dma_vec_range_provider(f->tbl, c->a) ? 1 : 0;
	case DVB_ITER_INIT:
		ret = dma_vec_iter_init(&it, &s, lim);
		return ret && dma_vec_iter_next(&it) ? DVB_CLOBBERED : ret;
	case DVB_FOR_EACH_CHUNK:
		dma_vec_for_each_chunk(&s, lim, &it)
			n++;
		return n;
	case DVB_DMA_ITER_INIT:
		ret = dma_vec_dma_iter_init(&dit, c->null_arg ? NULL : c->dr,
					    c->nr, lim);
		return ret && dma_vec_dma_iter_next(&dit) ? DVB_CLOBBERED :
		       ret;
	case DVB_DMA_WALK:
		if (dma_vec_dma_iter_init(&dit, c->dr, c->nr, lim))
			return DVB_WRONG_WALK;
		while (dma_vec_dma_iter_next(&dit)) {
			bad |= dvb_dma_chunk_bad(&dit);
			n++;
		}
		return dvb_dma_walk_end(c, &dit, n, bad);
	case DVB_FOR_EACH_DMA_CHUNK:
		dma_vec_for_each_dma_chunk(c->dr, c->nr, lim, &dit) {
			bad |= dvb_dma_chunk_bad(&dit);
			n++;
		}
		return dvb_dma_walk_end(c, &dit, n, bad);
	case DVB_ROLLBACK:
		return dvb_rollback(c, f);
	case DVB_FROM_SGT:
		return dvb_from_sgt(c, f);
	case DVB_TO_SGT:
		if (!c->forged && dma_vec_slice(f->tbl, c->a, c->b, &s))
			return DVB_CLOBBERED;
		if (c->failinj)
			dvb_fail_nth(c->failinj);
		ret = dma_vec_to_sgt(&s, &sgt, GFP_KERNEL);
		if (!ret)
			sg_free_table(&sgt);
		return ret;
	case DVB_COPY_TO:
	case DVB_COPY_FROM:
	case DVB_CHECK_HOST_RAM:
		return dvb_copy(c, f, &s);
	default:
		return -ENOTTY;
	}
}

#endif /* _DMA_VEC_BADINPUT_CASES_H */
