// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the dma_vec core (lib/dma_vec.c): table building, lookup,
 * slicing, checkpoint/rollback, constrained iteration, sg_table interop and
 * CPU copies.
 *
 * One body, two worlds: this file is a KUnit module in the kernel and, with
 * the substitution header compat/include/kunit/test.h, a CMocka executable
 * in userspace (tests/user/kunit_runner.c), where every case also runs under
 * the shim's leak and WARN checks.  So it uses only what both worlds have:
 * the scatterlists carry made-up addresses whose struct pages are never
 * dereferenced, and the copies reach whole pages from alloc_page() (in
 * userspace, pages of the simulated RAM).  Kernel-only cases (vmalloc,
 * kmalloc'ed memory behind a scatterlist, the DMA API) are in
 * dma_vec_mem_kunit.c; userspace-only ones (failure injection, allocation
 * counting, a byte model of random copies) in tests/user/.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/dma_vec.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pfn.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "dma_vec_cases.h"
#include "dma_vec_kunit.h"

/* The providers of dvc_providers, described with no owner or mapping. */
static struct dma_vec_provider *dvk_providers(struct kunit *test)
{
	struct dma_vec_provider *provs;
	unsigned int i;

	provs = kunit_kcalloc(test, DVC_NR_PROVIDERS, sizeof(*provs),
			      GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, provs);
	for (i = 0; i < DVC_NR_PROVIDERS; i++) {
		provs[i].base = dvc_providers[i].base;
		provs[i].size = dvc_providers[i].size;
		provs[i].bus_offset = dvc_providers[i].bus_offset;
	}
	return provs;
}

static struct dma_vec_provider *dvk_prov(struct dma_vec_provider *provs,
					 int idx)
{
	return idx == DVC_HOST ? NULL : &provs[idx];
}

/* Append each range, asserting success. */
static void dvk_build(struct kunit *test, struct dma_vec_table *tbl,
		      struct dma_vec_provider *provs,
		      const struct dvc_range *r, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		KUNIT_ASSERT_EQ_MSG(test, 0,
				    dma_vec_append(tbl, r[i].paddr, r[i].len,
						   dvk_prov(provs, r[i].prov),
						   GFP_KERNEL),
				    "range %u", i);
}

static u64 dvk_rnd(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* ---- dma_vec_build ---- */

KUNIT_ARRAY_PARAM_DESC(dvk_build, dvc_build_cases, name);

/* A failed append leaves the table exactly as it was. */
static void dvk_build_case(struct kunit *test)
{
	const struct dvc_build_case *c = test->param_value;
	struct dma_vec_provider *provs = dvk_providers(test);
	struct dma_vec_table *tbl = dvk_table(test);
	struct dvk_snapshot snap;
	unsigned int i;
	u64 total = 0;

	for (i = 0; i < c->nr_ops; i++) {
		const struct dvc_append *op = &c->ops[i];

		dvk_snapshot_take(test, &snap, tbl);
		KUNIT_EXPECT_EQ_MSG(test, op->ret,
				    dma_vec_append(tbl, op->paddr, op->len,
						   dvk_prov(provs, op->prov),
						   GFP_KERNEL),
				    "append %u", i);
		if (op->ret)
			dvk_snapshot_check(test, &snap, tbl);
		dvk_snapshot_drop(test, &snap);
	}

	dvk_check_invariants(test, tbl);
	KUNIT_ASSERT_EQ(test, dma_vec_nr_ranges(tbl), c->nr_ranges);
	KUNIT_EXPECT_EQ(test, tbl->nr_runs, c->nr_runs);
	for (i = 0; i < c->nr_ranges; i++) {
		KUNIT_EXPECT_EQ_MSG(test, tbl->ranges[i].paddr,
				    c->ranges[i].paddr, "range %u", i);
		KUNIT_EXPECT_EQ_MSG(test, tbl->ranges[i].len, c->ranges[i].len,
				    "range %u", i);
		KUNIT_EXPECT_PTR_EQ_MSG(test, dma_vec_range_provider(tbl, i),
					dvk_prov(provs, c->ranges[i].prov),
					"range %u", i);
		total += c->ranges[i].len;
	}
	KUNIT_EXPECT_EQ(test, dma_vec_len(tbl), total);
}

static void dvk_range_sizes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct dma_vec_prange), 16);
	KUNIT_EXPECT_EQ(test, sizeof(struct dma_vec_drange), 16);
}

/* An empty table allocates nothing and holds nothing. */
static void dvk_empty_table(struct kunit *test)
{
	struct dma_vec_table *tbl = dvk_table(test);
	struct dma_vec_slice slice;
	u64 off = 7;

	KUNIT_EXPECT_EQ(test, dma_vec_len(tbl), 0ULL);
	KUNIT_EXPECT_EQ(test, dma_vec_nr_ranges(tbl), 0U);
	KUNIT_EXPECT_NULL(test, tbl->ranges);
	KUNIT_EXPECT_EQ(test, dma_vec_find(tbl, 0, &off), -ERANGE);
	KUNIT_EXPECT_EQ(test, off, 7ULL);
	KUNIT_EXPECT_EQ(test, dma_vec_table_bytes(tbl), sizeof(*tbl));
	KUNIT_EXPECT_EQ(test, dma_vec_slice(tbl, 0, 0, &slice), 0);
	KUNIT_EXPECT_EQ(test, slice.len, 0ULL);
	dvk_check_invariants(test, tbl);
	/* Releasing twice is fine. */
	dma_vec_table_release(tbl);
	dma_vec_table_release(tbl);
	KUNIT_EXPECT_NULL(test, tbl->ranges);
}

/*
 * A one-range table costs its header and one range: no lookup marks, no
 * rounding up to a minimum capacity.  128 GiB of contiguous BAR is such a
 * table.
 */
static void dvk_one_range_table(struct kunit *test)
{
	struct dma_vec_table *tbl = dvk_table(test);

	KUNIT_ASSERT_EQ(test, 0, dma_vec_append(tbl, 0x100000, 0x2000000000ULL,
						NULL, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, tbl->cap, 1U);
	KUNIT_EXPECT_NULL(test, tbl->marks);
	KUNIT_EXPECT_EQ(test, dma_vec_table_bytes(tbl),
			sizeof(*tbl) + sizeof(struct dma_vec_prange));
	KUNIT_EXPECT_LE(test, dma_vec_table_bytes(tbl), (size_t)96);
	dvk_check_invariants(test, tbl);
}

/* Reserved capacity serves later appends without reallocating. */
static void dvk_reserve(struct kunit *test)
{
	struct dma_vec_table *tbl = dvk_table(test);
	struct dma_vec_prange *ranges;
	unsigned int i, cap;

	KUNIT_ASSERT_EQ(test, 0, dma_vec_table_reserve(tbl, 100, GFP_KERNEL));
	KUNIT_ASSERT_GE(test, tbl->cap, 100U);
	ranges = tbl->ranges;
	cap = tbl->cap;
	for (i = 0; i < 100; i++)
		KUNIT_ASSERT_EQ(test, 0,
				dma_vec_append(tbl, (phys_addr_t)i * 0x2000,
					       0x1000, NULL, GFP_KERNEL));
	KUNIT_EXPECT_PTR_EQ(test, tbl->ranges, ranges);
	KUNIT_EXPECT_EQ(test, tbl->cap, cap);
	/* Reserving less than what is there is a no-op. */
	KUNIT_EXPECT_EQ(test, 0, dma_vec_table_reserve(tbl, 10, GFP_KERNEL));
	KUNIT_EXPECT_PTR_EQ(test, tbl->ranges, ranges);
	KUNIT_EXPECT_EQ(test, dma_vec_table_reserve(tbl, DMA_VEC_MAX_RANGES + 1,
						    GFP_KERNEL), -E2BIG);
	KUNIT_EXPECT_EQ(test, tbl->nr, 100U);
	dvk_check_invariants(test, tbl);
}

/* 2^20 discontiguous pages: the table grows, nothing merges. */
static void dvk_many_ranges(struct kunit *test)
{
	const unsigned int n = 1U << 20;
	struct dma_vec_table *tbl = dvk_table(test);
	unsigned int i;
	size_t bytes;
	u64 off;

	for (i = 0; i < n; i++)
		KUNIT_ASSERT_EQ_MSG(test, 0,
				    dma_vec_append(tbl, (phys_addr_t)i * 0x4000,
						   0x1000, NULL, GFP_KERNEL),
				    "append %u", i);
	KUNIT_EXPECT_EQ(test, dma_vec_nr_ranges(tbl), n);
	KUNIT_EXPECT_EQ(test, dma_vec_len(tbl), (u64)n * 0x1000);
	/* 16 bytes a range plus lookup marks (half a byte a range). */
	bytes = dma_vec_table_bytes(tbl);
	KUNIT_EXPECT_GE(test, bytes, (size_t)n * 16);
	KUNIT_EXPECT_LE(test, bytes,
			sizeof(*tbl) + (size_t)tbl->cap * 16 + tbl->cap / 2 + 8);
	KUNIT_EXPECT_EQ(test, tbl->nr_runs, 1U);
	KUNIT_EXPECT_NULL(test, tbl->xruns);

	KUNIT_EXPECT_EQ(test, dma_vec_find(tbl, 0, &off), 0);
	KUNIT_EXPECT_EQ(test, dma_vec_find(tbl, (u64)n * 0x1000 - 1, &off),
			n - 1);
	KUNIT_EXPECT_EQ(test, off, 0xfffULL);
	KUNIT_EXPECT_EQ(test, dma_vec_find(tbl, 12345ULL * 0x1000 + 17, &off),
			12345);
	KUNIT_EXPECT_EQ(test, off, 17ULL);
	KUNIT_EXPECT_NULL(test, dma_vec_range_provider(tbl, n - 1));

	dma_vec_table_release(tbl);
	KUNIT_EXPECT_EQ(test, dma_vec_nr_ranges(tbl), 0U);
	KUNIT_EXPECT_NULL(test, tbl->ranges);
}

/* Alternate host and provider: every range is a run of its own. */
static void dvk_runs_grow(struct kunit *test)
{
	struct dma_vec_provider *provs = dvk_providers(test);
	struct dma_vec_table *tbl = dvk_table(test);
	unsigned int i;

	for (i = 0; i < 200; i++)
		KUNIT_ASSERT_EQ(test, 0,
				dma_vec_append(tbl,
					       (i & 1 ? DVC_P0_BASE : 0) +
					       (phys_addr_t)i * 0x2000, 0x1000,
					       i & 1 ? &provs[0] : NULL,
					       GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, tbl->nr, 200U);
	KUNIT_ASSERT_EQ(test, tbl->nr_runs, 200U);
	for (i = 0; i < 200; i++) {
		KUNIT_EXPECT_EQ(test, dma_vec_run(tbl, i)->first, i);
		KUNIT_EXPECT_EQ(test, dma_vec_run_end(tbl, i), i + 1);
	}
	dvk_check_invariants(test, tbl);
	KUNIT_EXPECT_GE(test, dma_vec_table_bytes(tbl),
			sizeof(*tbl) + 200 * 16 +
			199 * sizeof(struct dma_vec_run));
}

static void dvk_walk_ranges(struct kunit *test)
{
	static const struct dvc_range in[] = {
		{ 0x1000, 0x1000, DVC_HOST }, { 0x5000, 0x2000, DVC_HOST },
		{ DVC_P0_BASE, 0x3000, 0 },
	};
	struct dma_vec_provider *provs = dvk_providers(test);
	struct dma_vec_table *tbl = dvk_table(test);
	struct dma_vec_iter it;
	unsigned int seen = 0;

	dvk_build(test, tbl, provs, in, ARRAY_SIZE(in));
	dma_vec_for_each_range(tbl, &it) {
		KUNIT_ASSERT_LT(test, seen, ARRAY_SIZE(in));
		KUNIT_EXPECT_EQ(test, it.idx, seen);
		KUNIT_EXPECT_EQ(test, it.paddr, in[seen].paddr);
		KUNIT_EXPECT_EQ(test, it.len, in[seen].len);
		KUNIT_EXPECT_PTR_EQ(test, it.provider,
				    dvk_prov(provs, in[seen].prov));
		seen++;
	}
	KUNIT_EXPECT_EQ(test, seen, 3U);
	KUNIT_EXPECT_EQ(test, dma_vec_run_end(tbl, 0), 2U);
	KUNIT_EXPECT_EQ(test, dma_vec_run_end(tbl, 1), 3U);
}

/*
 * A rollback undoes every kind of append: growth of the last range, new
 * ranges, new provider runs, and the growth of the arrays behind them.
 */
static void dvk_checkpoint_rollback(struct kunit *test)
{
	static const struct dvc_range pre[] = {
		{ 0x1000, 0x1000, DVC_HOST }, { DVC_P0_BASE, 0x1000, 0 },
	};
	struct dma_vec_provider *provs = dvk_providers(test);
	struct dma_vec_table *tbl = dvk_table(test);
	struct dma_vec_checkpoint cp;
	struct dvk_snapshot snap;
	unsigned int i;

	/* Rolling back to an empty table. */
	dma_vec_checkpoint(tbl, &cp);
	dvk_build(test, tbl, provs, pre, ARRAY_SIZE(pre));
	dma_vec_rollback(tbl, &cp);
	KUNIT_EXPECT_EQ(test, dma_vec_nr_ranges(tbl), 0U);
	KUNIT_EXPECT_EQ(test, dma_vec_len(tbl), 0ULL);
	dvk_check_invariants(test, tbl);

	dvk_build(test, tbl, provs, pre, ARRAY_SIZE(pre));
	dvk_snapshot_take(test, &snap, tbl);
	dma_vec_checkpoint(tbl, &cp);
	/* Merges into the last range, then new ranges and runs. */
	KUNIT_ASSERT_EQ(test, 0, dma_vec_append(tbl, DVC_P0_BASE + 0x1000,
						0x1000, &provs[0], GFP_KERNEL));
	for (i = 0; i < 100; i++)
		KUNIT_ASSERT_EQ(test, 0,
				dma_vec_append(tbl,
					       (i & 1 ? DVC_P1_BASE : 0x100000) +
					       (phys_addr_t)i * 0x2000, 0x1000,
					       i & 1 ? &provs[1] : NULL,
					       GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, dma_vec_nr_ranges(tbl), 102U);
	dma_vec_rollback(tbl, &cp);
	dvk_snapshot_check(test, &snap, tbl);

	/* The table is fully usable afterwards. */
	KUNIT_ASSERT_EQ(test, 0, dma_vec_append(tbl, DVC_P1_BASE, 0x1000,
						&provs[1], GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, tbl->nr_runs, 3U);
	KUNIT_EXPECT_PTR_EQ(test, dma_vec_range_provider(tbl, 2), &provs[1]);
	dvk_check_invariants(test, tbl);
}

static struct kunit_case dma_vec_build_cases[] = {
	KUNIT_CASE_PARAM(dvk_build_case, dvk_build_gen_params),
	KUNIT_CASE(dvk_range_sizes),
	KUNIT_CASE(dvk_empty_table),
	KUNIT_CASE(dvk_one_range_table),
	KUNIT_CASE(dvk_reserve),
	KUNIT_CASE(dvk_many_ranges),
	KUNIT_CASE(dvk_runs_grow),
	KUNIT_CASE(dvk_walk_ranges),
	KUNIT_CASE(dvk_checkpoint_rollback),
	{}
};

static struct kunit_suite dma_vec_build_suite = {
	.name = "dma_vec_build",
	.test_cases = dma_vec_build_cases,
};

/* ---- dma_vec_lookup ---- */

/* Range i of the lookup table is (i + 1) pages, 16 MiB apart. */
static void dvk_fill_find_table(struct kunit *test, struct dma_vec_table *tbl)
{
	unsigned int i;

	for (i = 0; i < DVC_FIND_NR_RANGES; i++)
		KUNIT_ASSERT_EQ(test, 0,
				dma_vec_append(tbl, (phys_addr_t)i << 24,
					       (i + 1) * SZ_4K_ULL, NULL,
					       GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, dma_vec_len(tbl), DVC_FIND_LEN);
}

KUNIT_ARRAY_PARAM_DESC(dvk_find, dvc_find_cases, name);

/* A failed lookup leaves *range_off alone; range_off may be NULL. */
static void dvk_find_case(struct kunit *test)
{
	const struct dvc_find_case *c = test->param_value;
	struct dma_vec_table *tbl = dvk_table(test);
	u64 off = 0xdead;

	dvk_fill_find_table(test, tbl);
	KUNIT_EXPECT_EQ(test, dma_vec_find(tbl, c->offset, &off), c->idx);
	KUNIT_EXPECT_EQ(test, off, c->idx >= 0 ? c->range_off : 0xdead);
	KUNIT_EXPECT_EQ(test, dma_vec_find(tbl, c->offset, NULL), c->idx);
}

/* Every offset near every range boundary, against a linear walk. */
static void dvk_find_exhaustive(struct kunit *test)
{
	struct dma_vec_table *tbl = dvk_table(test);
	unsigned int n, i, k;

	for (n = 1; n <= 3 * DVK_MARK_STRIDE + 1; n++) {
		u64 start = 0;

		dma_vec_table_release(tbl);
		for (i = 0; i < n; i++)
			KUNIT_ASSERT_EQ(test, 0,
					dma_vec_append(tbl, (phys_addr_t)i << 32,
						       1 + (i * 7919) % 5000,
						       NULL, GFP_KERNEL));
		for (i = 0; i < n; i++) {
			u64 len = tbl->ranges[i].len;
			u64 probe[] = { 0, 1, len - 1 };

			for (k = 0; k < ARRAY_SIZE(probe); k++) {
				u64 off = U64_MAX;

				if (probe[k] >= len)
					continue;
				KUNIT_ASSERT_EQ_MSG(test,
						    dma_vec_find(tbl,
								 start + probe[k],
								 &off), i,
						    "%u ranges, range %u, probe %u",
						    n, i, k);
				KUNIT_EXPECT_EQ(test, off, probe[k]);
			}
			start += len;
		}
		KUNIT_EXPECT_EQ(test, dma_vec_find(tbl, start, NULL), -ERANGE);
	}
}

/* Bad windows are refused and leave the slice alone. */
static void dvk_slice(struct kunit *test)
{
	struct dma_vec_table *tbl = dvk_table(test);
	struct dma_vec_slice s, before;

	dvk_fill_find_table(test, tbl);
	memset(&before, 0x77, sizeof(before));
	s = before;
	KUNIT_EXPECT_EQ(test, dma_vec_slice(tbl, DVC_FIND_LEN, 1, &s), -ERANGE);
	KUNIT_EXPECT_EQ(test, dma_vec_slice(tbl, 0, DVC_FIND_LEN + 1, &s),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, dma_vec_slice(tbl, U64_MAX, 2, &s), -ERANGE);
	KUNIT_EXPECT_EQ(test, dma_vec_slice(tbl, 1, U64_MAX, &s), -ERANGE);
	KUNIT_EXPECT_EQ(test, dma_vec_slice(tbl, DVC_FIND_LEN + 1, 0, &s),
			-ERANGE);
	KUNIT_EXPECT_MEMEQ(test, &s, &before, sizeof(s));

	KUNIT_ASSERT_EQ(test, dma_vec_slice(tbl, 0x1800, 0x3000, &s), 0);
	KUNIT_EXPECT_PTR_EQ(test, s.tbl, tbl);
	KUNIT_EXPECT_EQ(test, s.first, 1U);
	KUNIT_EXPECT_EQ(test, s.first_off, 0x800ULL);
	KUNIT_EXPECT_EQ(test, s.len, 0x3000ULL);

	/* An empty window at the very end is valid. */
	KUNIT_ASSERT_EQ(test, dma_vec_slice(tbl, DVC_FIND_LEN, 0, &s), 0);
	KUNIT_EXPECT_EQ(test, s.len, 0ULL);

	dma_vec_slice_all(tbl, &s);
	KUNIT_EXPECT_EQ(test, s.first, 0U);
	KUNIT_EXPECT_EQ(test, s.first_off, 0ULL);
	KUNIT_EXPECT_EQ(test, s.len, DVC_FIND_LEN);
}

/* Runs of varying providers: 3 host, 3 p0, 3 p1, 3 host ... */
static void dvk_range_provider_runs(struct kunit *test)
{
	struct dma_vec_provider *provs = dvk_providers(test);
	struct dma_vec_table *tbl = dvk_table(test);
	unsigned int i;

	for (i = 0; i < 300; i++) {
		unsigned int sel = (i / 3) % 3;
		struct dma_vec_provider *p = sel ? &provs[sel - 1] : NULL;
		phys_addr_t pa = (p ? p->base : 0x100000) + (u64)i * 0x2000;

		KUNIT_ASSERT_EQ(test, 0,
				dma_vec_append(tbl, pa, 0x1000, p, GFP_KERNEL));
	}
	for (i = 0; i < 300; i++) {
		unsigned int sel = (i / 3) % 3;

		KUNIT_EXPECT_PTR_EQ_MSG(test, dma_vec_range_provider(tbl, i),
					sel ? &provs[sel - 1] : NULL,
					"range %u", i);
	}
	KUNIT_EXPECT_EQ(test, tbl->nr_runs, 100U);
	dvk_check_invariants(test, tbl);
}

static struct kunit_case dma_vec_lookup_cases[] = {
	KUNIT_CASE_PARAM(dvk_find_case, dvk_find_gen_params),
	KUNIT_CASE(dvk_find_exhaustive),
	KUNIT_CASE(dvk_slice),
	KUNIT_CASE(dvk_range_provider_runs),
	{}
};

static struct kunit_suite dma_vec_lookup_suite = {
	.name = "dma_vec_lookup",
	.test_cases = dma_vec_lookup_cases,
};

/* ---- dma_vec_iter ---- */

KUNIT_ARRAY_PARAM_DESC(dvk_limits, dvc_limits_cases, name);

/* Invalid limits are refused, and an iterator refused yields nothing. */
static void dvk_limits_case(struct kunit *test)
{
	const struct dvc_limits_case *c = test->param_value;
	static const struct dma_vec_drange d = { 0x1000, 0x1000 };
	struct dma_vec_table *tbl = dvk_table(test);
	struct dma_vec_dma_iter dit;
	struct dma_vec_slice slice;
	struct dma_vec_iter it;
	unsigned int n = 0;

	KUNIT_EXPECT_EQ(test, dma_vec_limits_valid(&c->lim), c->valid);

	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_append(tbl, 0x1000, 0x1000, NULL, GFP_KERNEL));
	dma_vec_slice_all(tbl, &slice);
	KUNIT_EXPECT_EQ(test, dma_vec_iter_init(&it, &slice, &c->lim),
			c->valid ? 0 : -EINVAL);
	KUNIT_EXPECT_EQ(test, dma_vec_dma_iter_init(&dit, &d, 1, &c->lim),
			c->valid ? 0 : -EINVAL);
	if (c->valid)
		return;
	/*
	 * The loop macros on invalid limits WARN and walk nothing: rows of
	 * the bad-input catalogue (dma_vec_badinput_cases.h), which counts
	 * the WARNs; here only the iterators refused at init.
	 */
	while (dma_vec_iter_next(&it))
		n++;
	while (dma_vec_dma_iter_next(&dit))
		n++;
	KUNIT_EXPECT_EQ(test, n, 0U);
}

/*
 * A case lists all its chunks, or, when it has more than DVC_MAX_CHUNKS,
 * only the first two; the others are checked against the limits alone.
 */
static void dvk_expect_chunk(struct kunit *test, const struct dvc_chunk_case *c,
			     unsigned int n, u64 addr, u64 len)
{
	if (n >= DVC_MAX_CHUNKS || (n >= 2 && c->nr_chunks > DVC_MAX_CHUNKS))
		return;
	KUNIT_EXPECT_EQ_MSG(test, addr, c->chunks[n].addr, "chunk %u", n);
	KUNIT_EXPECT_EQ_MSG(test, len, c->chunks[n].len, "chunk %u", n);
}

KUNIT_ARRAY_PARAM_DESC(dvk_chunk, dvc_chunk_cases, name);

static void dvk_chunk_case(struct kunit *test)
{
	static const struct dma_vec_limits none = {
		.max_seg = U64_MAX,
		.seg_boundary_mask = U64_MAX,
		.align = 1,
	};
	const struct dvc_chunk_case *c = test->param_value;
	const struct dma_vec_limits *lim = c->unlimited ? NULL : &c->lim;
	struct dma_vec_table *tbl = dvk_table(test);
	struct dma_vec_drange *dr;
	struct dma_vec_slice slice;
	struct dma_vec_dma_iter dit;
	struct dma_vec_iter it;
	unsigned int i, n = 0;
	u64 total = 0;

	dvk_build(test, tbl, NULL, c->ranges, c->nr_ranges);
	KUNIT_ASSERT_EQ(test, 0, dma_vec_slice(tbl, c->offset, c->len, &slice));

	KUNIT_ASSERT_EQ(test, 0, dma_vec_iter_init(&it, &slice, lim));
	while (dma_vec_iter_next(&it)) {
		dvk_check_chunk(test, lim ?: &none, it.paddr, it.len, n);
		KUNIT_EXPECT_NULL(test, it.provider);
		dvk_expect_chunk(test, c, n, it.paddr, it.len);
		total += it.len;
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, c->nr_chunks);
	KUNIT_EXPECT_EQ(test, total, c->len);
	/* An exhausted iterator stays exhausted. */
	KUNIT_EXPECT_FALSE(test, dma_vec_iter_next(&it));

	/* The DMA iterator cuts a whole table the same way. */
	if (c->offset || c->len != dma_vec_len(tbl))
		return;
	dr = kunit_kcalloc(test, dma_vec_nr_ranges(tbl), sizeof(*dr),
			   GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dr);
	for (i = 0; i < dma_vec_nr_ranges(tbl); i++) {
		dr[i].addr = tbl->ranges[i].paddr;
		dr[i].len = tbl->ranges[i].len;
	}
	n = 0;
	total = 0;
	dma_vec_for_each_dma_chunk(dr, dma_vec_nr_ranges(tbl), lim, &dit) {
		dvk_check_chunk(test, lim ?: &none, dit.addr, dit.len, n);
		dvk_expect_chunk(test, c, n, dit.addr, dit.len);
		total += dit.len;
		n++;
	}
	KUNIT_EXPECT_EQ(test, dma_vec_dma_iter_error(&dit), 0);
	KUNIT_EXPECT_EQ(test, n, c->nr_chunks);
	KUNIT_EXPECT_EQ(test, total, c->len);
}

/* Chunks report the provider of the range they come from. */
static void dvk_chunk_providers(struct kunit *test)
{
	static const struct dvc_range in[] = {
		{ 0x10000, 0x3000, DVC_HOST },
		{ DVC_P0_BASE, 0x2000, 0 },
		{ DVC_P1_BASE, 0x1000, 1 },
		{ 0x40000, 0x1000, DVC_HOST },
		{ DVC_P0_BASE + 0x10000, 0x2000, 0 },
	};
	static const struct dma_vec_limits page = {
		.max_seg = U64_MAX,
		.seg_boundary_mask = SZ_4K_ULL - 1,
		.align = SZ_4K_ULL,
	};
	static const int owner[] = { DVC_HOST, DVC_HOST, 0, 0, 1, DVC_HOST };
	static const int mid[] = { 0, 1, DVC_HOST };
	struct dma_vec_provider *provs = dvk_providers(test);
	struct dma_vec_table *tbl = dvk_table(test);
	struct dma_vec_slice slice;
	struct dma_vec_iter it;
	unsigned int n = 0;

	dvk_build(test, tbl, provs, in, ARRAY_SIZE(in));
	/* From the middle of the first range to the middle of the last. */
	KUNIT_ASSERT_EQ(test, 0, dma_vec_slice(tbl, 0x1000, 0x6000, &slice));
	dma_vec_for_each_chunk(&slice, &page, &it) {
		KUNIT_ASSERT_LT(test, n, ARRAY_SIZE(owner));
		KUNIT_EXPECT_PTR_EQ_MSG(test, it.provider,
					dvk_prov(provs, owner[n]),
					"chunk %u", n);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, ARRAY_SIZE(owner));

	/* Unlimited, a slice starting inside a later run finds that run. */
	n = 0;
	KUNIT_ASSERT_EQ(test, 0, dma_vec_slice(tbl, 0x4800, 0x2000, &slice));
	dma_vec_for_each_chunk(&slice, NULL, &it) {
		KUNIT_ASSERT_LT(test, n, ARRAY_SIZE(mid));
		KUNIT_EXPECT_PTR_EQ_MSG(test, it.provider,
					dvk_prov(provs, mid[n]), "chunk %u", n);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, ARRAY_SIZE(mid));
}

/*
 * Random tables, slices and limits: every chunk obeys the limits, chunks
 * tile the slice exactly in order, and a cut inside a range happens only
 * at a segment boundary or an aligned address.
 */
static void dvk_random_walks(struct kunit *test)
{
	struct dma_vec_provider *provs = dvk_providers(test);
	struct dma_vec_table *tbl = dvk_table(test);
	u64 seed = 0x9e3779b97f4a7c15ULL;
	unsigned int round;

	for (round = 0; round < 3000; round++) {
		unsigned int nr = 1 + dvk_rnd(&seed) % 40, i, ri;
		u64 pa = (dvk_rnd(&seed) % 64) << 12, off, len, pos, ro = 0;
		struct dma_vec_limits lim;
		struct dma_vec_slice s;
		struct dma_vec_iter it;

		dma_vec_table_release(tbl);
		for (i = 0; i < nr; i++) {
			u64 l = 1 + dvk_rnd(&seed) %
				(dvk_rnd(&seed) & 1 ? 0x40000 : 0x1800);
			struct dma_vec_provider *p =
				dvk_rnd(&seed) % 4 ? NULL : &provs[0];

			if (dvk_rnd(&seed) % 3)
				pa += (dvk_rnd(&seed) % 8) << 12;
			KUNIT_ASSERT_EQ(test, 0,
					dma_vec_append(tbl, (p ? p->base : 0) + pa,
						       l, p, GFP_KERNEL));
			pa += l;
		}
		lim.align = 1ULL << (dvk_rnd(&seed) % 14);
		lim.seg_boundary_mask = dvk_rnd(&seed) % 3 ? U64_MAX :
			(lim.align << (dvk_rnd(&seed) % 6)) - 1;
		lim.max_seg = dvk_rnd(&seed) % 3 ? U64_MAX :
			lim.align + dvk_rnd(&seed) % 0x20000;
		KUNIT_ASSERT_TRUE(test, dma_vec_limits_valid(&lim));

		off = dvk_rnd(&seed) % dma_vec_len(tbl);
		len = dvk_rnd(&seed) % (dma_vec_len(tbl) - off + 1);
		KUNIT_ASSERT_EQ(test, 0, dma_vec_slice(tbl, off, len, &s));

		pos = off;
		ri = len ? dma_vec_find(tbl, off, &ro) : 0;
		dma_vec_for_each_chunk(&s, &lim, &it) {
			const struct dma_vec_prange *r = &tbl->ranges[ri];
			u64 end = it.paddr + it.len;

			dvk_check_chunk(test, &lim, it.paddr, it.len, round);
			KUNIT_ASSERT_EQ_MSG(test, it.paddr, r->paddr + ro,
					    "round %u", round);
			KUNIT_EXPECT_PTR_EQ(test, it.provider,
					    dma_vec_range_provider(tbl, ri));
			if (ro + it.len < r->len && pos + it.len < off + len)
				KUNIT_EXPECT_TRUE_MSG(test,
						      !(end & lim.seg_boundary_mask) ||
						      !(end & (lim.align - 1)),
						      "round %u", round);
			pos += it.len;
			ro += it.len;
			if (ro == r->len) {
				ri++;
				ro = 0;
			}
		}
		KUNIT_ASSERT_EQ_MSG(test, pos, off + len, "round %u", round);
	}
}

/*
 * The steady-stride fast path of both iterators (issue 11) against a
 * reference walk built from dma_vec_chunk_len() alone: edge-case limits
 * with the stride each must get (0: every chunk through
 * dma_vec_chunk_len()), then random ones.
 */
static const struct dvk_stride_case {
	struct dma_vec_limits lim;
	u64 stride;
	u64 mask;
} dvk_stride_cases[] = {
	/* The benchmark's: 4 KiB chunks, no boundary. */
	{ { SZ_4K_ULL, U64_MAX, SZ_4K_ULL }, SZ_4K_ULL, SZ_4K_ULL - 1 },
	/* NVMe PRPs, MR pages: the boundary cuts. */
	{ { U64_MAX, SZ_4K_ULL - 1, SZ_4K_ULL }, SZ_4K_ULL, SZ_4K_ULL - 1 },
	{ { SZ_4K_ULL, SZ_4K_ULL - 1, SZ_4K_ULL }, SZ_4K_ULL, SZ_4K_ULL - 1 },
	/* A boundary smaller than max_seg, with and without alignment. */
	{ { 0x10000, 0xfff, 1 }, 0x1000, 0xfff },
	{ { 0x3000, 0x1fff, 0x1000 }, 0x2000, 0x1fff },
	{ { 0x3001, 0x1fff, 1 }, 0x2000, 0x1fff },
	/* A device's: 64 KiB segments inside 4 GiB windows, align 1. */
	{ { 0x10000, 0xffffffffULL, 1 }, 0x10000, 0xffff },
	/* max_seg no power of two: a multiple of align, or not. */
	{ { 0xfffffffcULL, U64_MAX, 4 }, 0xfffffffcULL, 3 },
	{ { 0xfffffffcULL, U64_MAX, 8 }, 0, U64_MAX },
	{ { 0xfffffffcULL, 0xffffffffULL, 4 }, 0, U64_MAX },
	{ { 0x3000, 0x3fff, 0x1000 }, 0, U64_MAX },
	{ { 0x3000, U64_MAX, 0x1000 }, 0x3000, 0xfff },
	/* A power-of-two max_seg under a larger boundary. */
	{ { 0x2000, 0xffff, 0x1000 }, 0x2000, 0x1fff },
	{ { 0x2000, 0x1fff, 0x2000 }, 0x2000, 0x1fff },
	/* align 1, tiny chunks. */
	{ { 1, 0, 1 }, 1, 0 },
	{ { 3, U64_MAX, 1 }, 3, 0 },
	{ { 3, 1, 1 }, 2, 1 },
	/* No limits at all (what NULL means). */
	{ { U64_MAX, U64_MAX, 1 }, U64_MAX, 0 },
	{ { U64_MAX, U64_MAX, 1ULL << 63 }, 0, U64_MAX },
	{ { 1ULL << 63, U64_MAX, 1ULL << 63 }, 1ULL << 63, (1ULL << 63) - 1 },
	{ { U64_MAX, (1ULL << 63) - 1, 1 }, 1ULL << 63, (1ULL << 63) - 1 },
};

/* Random valid limits, mostly regular ones. */
static void dvk_stride_rnd_lim(u64 *seed, struct dma_vec_limits *lim)
{
	u64 a = 1ULL << (dvk_rnd(seed) % 20);

	lim->align = a;
	switch (dvk_rnd(seed) % 5) {
	case 0:
		lim->max_seg = U64_MAX;
		break;
	case 1:
		lim->max_seg = a << (dvk_rnd(seed) % 20);
		break;
	case 2:
		lim->max_seg = a * (1 + dvk_rnd(seed) % 100);
		break;
	case 3:
		lim->max_seg = a + dvk_rnd(seed) % (a * 64);
		break;
	default:
		lim->max_seg = (0xffffffffULL & ~(a - 1)) - (dvk_rnd(seed) & 1);
		if (lim->max_seg < a)
			lim->max_seg = a;
		break;
	}
	lim->seg_boundary_mask = dvk_rnd(seed) % 3 ? U64_MAX :
				 (a << (dvk_rnd(seed) % 30)) - 1;
}

/* Bytes a chunk of @lim is at least cut to, but at range ends. */
static u64 dvk_stride_unit(const struct dma_vec_limits *lim)
{
	u64 unit = lim->max_seg & ~(lim->align - 1);

	if (lim->seg_boundary_mask < unit)
		unit = lim->seg_boundary_mask + 1;
	return unit;
}

/* A random range for @lim, sometimes ending at 2^64 or just below. */
static void dvk_stride_rnd_range(u64 *seed, const struct dma_vec_limits *lim,
				 struct dma_vec_drange *d)
{
	u64 unit = dvk_stride_unit(lim), len, addr;

	if (unit > 1ULL << 40)
		unit = 1ULL << 40;
	switch (dvk_rnd(seed) % 4) {
	case 0:
		len = 1 + dvk_rnd(seed) % 64;
		break;
	case 1:
		len = unit * (1 + dvk_rnd(seed) % 8) + dvk_rnd(seed) % 3;
		len = len > 1 ? len - 1 : 1;
		break;
	default:
		len = 1 + dvk_rnd(seed) % (unit * 16);
		break;
	}
	switch (dvk_rnd(seed) % 6) {
	case 0:
		addr = 0 - len;			/* last byte U64_MAX */
		break;
	case 1:
		addr = U64_MAX - len;		/* ends at 2^64 - 1 */
		break;
	case 2:
		addr = dvk_rnd(seed) % (1ULL << 24);
		break;
	default:
		/* Aligned to a random power of two, often the stride's. */
		addr = dvk_rnd(seed) & ~((1ULL << (dvk_rnd(seed) % 48)) - 1);
		if (dvk_rnd(seed) % 4 == 0)
			addr += dvk_rnd(seed) % 16;
		if (addr + (len - 1) < addr)
			addr = 0 - len;
		break;
	}
	d->addr = addr;
	d->len = len;
}

/* The DMA iterator against the reference, chunk by chunk. */
static void dvk_stride_dma(struct kunit *test, const struct dma_vec_limits *lim,
			   const struct dma_vec_drange *d, unsigned int nr,
			   unsigned int tag)
{
	struct dma_vec_dma_iter it;
	u64 pos = d[0].addr, left = d[0].len, want;
	unsigned int i = 0;

	KUNIT_ASSERT_EQ(test, dma_vec_dma_iter_init(&it, d, nr, lim), 0);
	while (dma_vec_dma_iter_next(&it)) {
		KUNIT_ASSERT_LT_MSG(test, i, nr, "walk %u", tag);
		want = dma_vec_chunk_len(pos, left, lim);
		if (it.addr != pos || it.len != want) {
			KUNIT_EXPECT_EQ_MSG(test, (u64)it.addr, pos,
					    "walk %u range %u", tag, i);
			KUNIT_EXPECT_EQ_MSG(test, it.len, want,
					    "walk %u range %u", tag, i);
			return;
		}
		pos += want;
		left -= want;
		if (!left && ++i < nr) {
			pos = d[i].addr;
			left = d[i].len;
		}
	}
	KUNIT_EXPECT_EQ_MSG(test, i, nr, "walk %u", tag);
	KUNIT_EXPECT_EQ_MSG(test, dma_vec_dma_iter_error(&it), 0, "walk %u",
			    tag);
}

/* The table iterator over a slice (@off, @len) against the reference. */
static void dvk_stride_tbl(struct kunit *test, const struct dma_vec_limits *lim,
			   const struct dma_vec_table *tbl, u64 off, u64 len,
			   unsigned int tag)
{
	const struct dma_vec_prange *r;
	struct dma_vec_slice s;
	struct dma_vec_iter it;
	u64 ro = 0, pos, left, want, done = 0;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, dma_vec_slice(tbl, off, len, &s), 0);
	KUNIT_ASSERT_EQ(test, dma_vec_iter_init(&it, &s, lim), 0);
	i = len ? dma_vec_find(tbl, off, &ro) : 0;
	r = &tbl->ranges[i];
	pos = r->paddr + ro;
	left = min(r->len - ro, len);
	while (dma_vec_iter_next(&it)) {
		KUNIT_ASSERT_LT_MSG(test, done, len, "walk %u", tag);
		want = dma_vec_chunk_len(pos, left, lim);
		if (it.paddr != pos || it.len != want || it.idx != i) {
			KUNIT_EXPECT_EQ_MSG(test, (u64)it.paddr, pos,
					    "walk %u range %u", tag, i);
			KUNIT_EXPECT_EQ_MSG(test, it.len, want,
					    "walk %u range %u", tag, i);
			KUNIT_EXPECT_EQ_MSG(test, it.idx, i, "walk %u", tag);
			return;
		}
		pos += want;
		left -= want;
		done += want;
		if (!left && done < len) {
			r = &tbl->ranges[++i];
			pos = r->paddr;
			left = min(r->len, len - done);
		}
	}
	KUNIT_EXPECT_EQ_MSG(test, done, len, "walk %u", tag);
}

/* One round: up to three ranges, walked as DMA ranges and as a table. */
static void dvk_stride_round(struct kunit *test, struct dma_vec_table *tbl,
			     u64 *seed, const struct dma_vec_limits *lim,
			     unsigned int tag)
{
	struct dma_vec_drange d[3];
	unsigned int nr = 1 + dvk_rnd(seed) % 3, i;
	u64 off, len;
	int ret;

	for (i = 0; i < nr; i++)
		dvk_stride_rnd_range(seed, lim, &d[i]);
	dvk_stride_dma(test, lim, d, nr, tag);

	dma_vec_table_release(tbl);
	for (i = 0; i < nr; i++) {
		/* A table's length must fit in 64 bits: drop what does not. */
		ret = dma_vec_append(tbl, d[i].addr, d[i].len, NULL, GFP_KERNEL);
		if (ret) {
			KUNIT_ASSERT_EQ(test, ret, -EOVERFLOW);
			KUNIT_ASSERT_NE(test, i, 0U);
			break;
		}
	}
	/* The whole table, then a slice that may start mid-range. */
	dvk_stride_tbl(test, lim, tbl, 0, dma_vec_len(tbl), tag);
	off = dvk_rnd(seed) % dma_vec_len(tbl);
	len = dvk_rnd(seed) % (dma_vec_len(tbl) - off + 1);
	dvk_stride_tbl(test, lim, tbl, off, len, tag);
}

static void dvk_stride_walks(struct kunit *test)
{
	static const struct dma_vec_drange edge[] = {
		{ 0, U64_MAX },			/* the whole space but a byte */
		{ 1, U64_MAX },			/* ... ending at 2^64 */
		{ U64_MAX, 1 },			/* the last byte */
		{ 0 - SZ_4K_ULL, SZ_4K_ULL },	/* the last page */
		{ U64_MAX - 0x10000, 0x10000 },	/* ending at 2^64 - 1 */
	};
	struct dma_vec_table *tbl = dvk_table(test);
	u64 seed = 0x2545f4914f6cdd1dULL;
	struct dma_vec_limits lim;
	unsigned int i, j, round;

	for (i = 0; i < ARRAY_SIZE(dvk_stride_cases); i++) {
		const struct dvk_stride_case *c = &dvk_stride_cases[i];
		struct dma_vec_dma_iter dit;

		KUNIT_ASSERT_TRUE_MSG(test, dma_vec_limits_valid(&c->lim),
				      "case %u", i);
		KUNIT_ASSERT_EQ(test, dma_vec_dma_iter_init(&dit, NULL, 0,
							    &c->lim), 0);
		KUNIT_EXPECT_EQ_MSG(test, dit.stride, c->stride, "case %u", i);
		if (c->stride)
			KUNIT_EXPECT_EQ_MSG(test, dit.stride_mask, c->mask,
					    "case %u", i);
		/* Only the edge ranges that make short walks. */
		for (j = 0; j < ARRAY_SIZE(edge); j++)
			if (edge[j].len / dvk_stride_unit(&c->lim) < 4096)
				dvk_stride_dma(test, &c->lim, &edge[j], 1,
					       i * 1000 + j);
		for (round = 0; round < 200; round++)
			dvk_stride_round(test, tbl, &seed, &c->lim,
					 i * 1000 + round);
	}
	for (round = 0; round < 3000; round++) {
		dvk_stride_rnd_lim(&seed, &lim);
		KUNIT_ASSERT_TRUE_MSG(test, dma_vec_limits_valid(&lim),
				      "round %u", round);
		dvk_stride_round(test, tbl, &seed, &lim, 100000 + round);
	}
}

static struct kunit_case dma_vec_iter_cases[] = {
	KUNIT_CASE_PARAM(dvk_limits_case, dvk_limits_gen_params),
	KUNIT_CASE_PARAM(dvk_chunk_case, dvk_chunk_gen_params),
	KUNIT_CASE(dvk_chunk_providers),
	KUNIT_CASE(dvk_random_walks),
	KUNIT_CASE(dvk_stride_walks),
	{}
};

static struct kunit_suite dma_vec_iter_suite = {
	.name = "dma_vec_iter",
	.test_cases = dma_vec_iter_cases,
};

/* ---- dma_vec_sg ---- */

/*
 * An sg_table whose entries describe the ranges @r through struct page
 * pointers that are computed, never dereferenced.
 */
static struct sg_table *dvk_sg_fill(struct kunit *test,
				    const struct dvc_range *r, unsigned int nr)
{
	struct sg_table *sgt = dvk_sgt(test);
	struct scatterlist *sg;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, 0, sg_alloc_table(sgt, nr, GFP_KERNEL));
	dvk_own_sgt(test, sgt);
	for_each_sg(sgt->sgl, sg, nr, i)
		sg_set_page(sg, pfn_to_page(PHYS_PFN(r[i].paddr)),
			    (unsigned int)r[i].len, offset_in_page(r[i].paddr));
	return sgt;
}

/* Entries merge within a provider; providers are found by address. */
static void dvk_from_sgt(struct kunit *test)
{
	static const struct dvc_range in[] = {
		{ 0x10000, 0x1000, DVC_HOST },
		{ 0x11000, 0x800, DVC_HOST },
		{ DVC_P0_BASE + 0x200, 0xe00, 0 },
		{ DVC_P0_BASE + 0x1000, 0x1000, 0 },
		{ DVC_P1_BASE, 0x1000, 1 },
		{ 0x20000, 0x100, DVC_HOST },
	};
	struct dma_vec_provider *provs = dvk_providers(test);
	struct dma_vec_provider *pp[] = { &provs[0], &provs[1] };
	struct dma_vec_table *tbl = dvk_table(test);
	struct sg_table *sgt = dvk_sg_fill(test, in, ARRAY_SIZE(in));

	KUNIT_ASSERT_EQ(test, 0, dma_vec_from_sgt(tbl, sgt, pp, 2, GFP_KERNEL));
	dvk_check_invariants(test, tbl);
	KUNIT_ASSERT_EQ(test, tbl->nr, 4U);
	KUNIT_EXPECT_EQ(test, tbl->ranges[0].paddr, 0x10000ULL);
	KUNIT_EXPECT_EQ(test, tbl->ranges[0].len, 0x1800ULL);
	KUNIT_EXPECT_EQ(test, tbl->ranges[1].paddr, DVC_P0_BASE + 0x200);
	KUNIT_EXPECT_EQ(test, tbl->ranges[1].len, 0x1e00ULL);
	KUNIT_EXPECT_NULL(test, dma_vec_range_provider(tbl, 0));
	KUNIT_EXPECT_PTR_EQ(test, dma_vec_range_provider(tbl, 1), &provs[0]);
	KUNIT_EXPECT_PTR_EQ(test, dma_vec_range_provider(tbl, 2), &provs[1]);
	KUNIT_EXPECT_NULL(test, dma_vec_range_provider(tbl, 3));
	KUNIT_EXPECT_EQ(test, tbl->nr_runs, 4U);

	/* Without providers every entry is host memory. */
	dma_vec_table_release(tbl);
	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_from_sgt(tbl, sgt, NULL, 0, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, tbl->nr_runs, 1U);
	KUNIT_EXPECT_EQ(test, tbl->nr, 4U);
	KUNIT_EXPECT_NULL(test, dma_vec_range_provider(tbl, 1));

	/* The import appends after what the table already holds. */
	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_from_sgt(tbl, sgt, NULL, 0, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, tbl->nr, 8U);
	KUNIT_EXPECT_EQ(test, dma_vec_len(tbl), 2 * 0x4700ULL);
	dvk_check_invariants(test, tbl);
}

/* A refused import changes nothing, even after entries merged. */
static void dvk_from_sgt_errors(struct kunit *test)
{
	static const struct dvc_range pre[] = {
		{ 0x1000, 0x1000, DVC_HOST }, { DVC_P1_BASE, 0x1000, 1 },
	};
	static const struct dvc_range straddle[] = {
		{ 0x2000, 0x1000, DVC_HOST },
		{ DVC_P1_BASE + DVC_P1_SIZE - 0x1000, 0x2000, 1 },
	};
	static const struct dvc_range zero[] = {
		{ DVC_P1_BASE + 0x1000, 0x1000, 1 }, { 0x9000, 0, DVC_HOST },
	};
	struct dma_vec_provider *provs = dvk_providers(test);
	struct dma_vec_provider *pp[] = { &provs[1] };
	struct dma_vec_table *tbl = dvk_table(test);
	struct dvk_snapshot snap;
	struct sg_table *sgt;

	dvk_build(test, tbl, provs, pre, ARRAY_SIZE(pre));
	dvk_snapshot_take(test, &snap, tbl);

	/* The first entry merges, the second straddles the window end. */
	sgt = dvk_sg_fill(test, straddle, ARRAY_SIZE(straddle));
	KUNIT_EXPECT_EQ(test, dma_vec_from_sgt(tbl, sgt, pp, 1, GFP_KERNEL),
			-ERANGE);
	dvk_snapshot_check(test, &snap, tbl);

	/* The first entry merges into the provider range, the next is empty. */
	sgt = dvk_sg_fill(test, zero, ARRAY_SIZE(zero));
	KUNIT_EXPECT_EQ(test, dma_vec_from_sgt(tbl, sgt, pp, 1, GFP_KERNEL),
			-EINVAL);
	dvk_snapshot_check(test, &snap, tbl);
}

/* Export, checked entry by entry against the walk it must follow. */
static void dvk_check_export(struct kunit *test,
			     const struct dma_vec_slice *s,
			     const struct dma_vec_limits *lim)
{
	struct sg_table *sgt = dvk_sgt(test);
	struct scatterlist *sg;
	struct dma_vec_iter it;
	unsigned int n = 0;

	KUNIT_ASSERT_EQ(test, 0, dma_vec_to_sgt(s, sgt, GFP_KERNEL));
	dvk_own_sgt(test, sgt);
	sg = sgt->sgl;
	dma_vec_for_each_chunk(s, lim, &it) {
		KUNIT_ASSERT_NOT_NULL(test, sg);
		KUNIT_EXPECT_EQ_MSG(test, sg_phys(sg), it.paddr, "entry %u", n);
		KUNIT_EXPECT_EQ_MSG(test, sg->length, it.len, "entry %u", n);
		KUNIT_EXPECT_LT_MSG(test, sg->offset, PAGE_SIZE, "entry %u", n);
		sg = sg_next(sg);
		n++;
	}
	KUNIT_EXPECT_NULL(test, sg);
	KUNIT_EXPECT_EQ(test, sgt->nents, n);
	KUNIT_EXPECT_EQ(test, sgt->orig_nents, n);
}

/* Host memory exports to a page scatterlist and imports back. */
static void dvk_to_sgt(struct kunit *test)
{
	static const struct dma_vec_limits sg_lim = DVC_SG_LIM;
	static const struct dvc_range in[] = {
		{ 0x10200, 0x1000, DVC_HOST },
		{ SZ_4G_ULL + 0x800, 9 * SZ_1G_ULL, DVC_HOST },
		{ 0x30000, 0x10, DVC_HOST },
	};
	struct dma_vec_table *tbl = dvk_table(test);
	struct dma_vec_table *back = dvk_table(test);
	struct sg_table *sgt = dvk_sgt(test);
	struct dma_vec_slice s;
	struct scatterlist *sg;
	unsigned int i;

	dvk_build(test, tbl, NULL, in, ARRAY_SIZE(in));
	dma_vec_slice_all(tbl, &s);
	dvk_check_export(test, &s, &sg_lim);

	/* 9 GiB from an unaligned start: entries < 4 GiB, cuts page aligned. */
	KUNIT_ASSERT_EQ(test, 0, dma_vec_to_sgt(&s, sgt, GFP_KERNEL));
	dvk_own_sgt(test, sgt);
	KUNIT_EXPECT_EQ(test, sgt->nents, 1U + 3U + 1U);
	for_each_sg(sgt->sgl, sg, sgt->nents, i) {
		if (i > 1 && i < 4)
			KUNIT_EXPECT_EQ_MSG(test, sg->offset, 0U, "entry %u", i);
		KUNIT_EXPECT_LE_MSG(test, sg->length, 0xfffff000U,
				    "entry %u", i);
	}

	/* Round trip: importing the export gives the same table. */
	KUNIT_ASSERT_EQ(test, 0,
			dma_vec_from_sgt(back, sgt, NULL, 0, GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, back->nr, tbl->nr);
	for (i = 0; i < tbl->nr; i++) {
		KUNIT_EXPECT_EQ(test, back->ranges[i].paddr,
				tbl->ranges[i].paddr);
		KUNIT_EXPECT_EQ(test, back->ranges[i].len, tbl->ranges[i].len);
	}

	/* A slice in the middle. */
	KUNIT_ASSERT_EQ(test, 0, dma_vec_slice(tbl, 0x800, 0x1000, &s));
	dvk_check_export(test, &s, &sg_lim);
}

/* BAR memory has no struct page: never in a page scatterlist. */
static void dvk_to_sgt_refusals(struct kunit *test)
{
	static const struct dvc_range in[] = {
		{ 0x10000, 0x1000, DVC_HOST },
		{ DVC_P0_BASE, 0x1000, 0 },
	};
	struct dma_vec_provider *provs = dvk_providers(test);
	struct dma_vec_table *tbl = dvk_table(test);
	struct sg_table *sgt = dvk_sgt(test);
	struct dma_vec_slice s;
	struct sg_table before;

	dvk_build(test, tbl, provs, in, ARRAY_SIZE(in));
	memset(sgt, 0x3c, sizeof(*sgt));
	before = *sgt;

	dma_vec_slice_all(tbl, &s);
	KUNIT_EXPECT_EQ(test, dma_vec_to_sgt(&s, sgt, GFP_KERNEL), -EOPNOTSUPP);
	KUNIT_EXPECT_MEMEQ(test, sgt, &before, sizeof(*sgt));
	KUNIT_ASSERT_EQ(test, 0, dma_vec_slice(tbl, 0xfff, 2, &s));
	KUNIT_EXPECT_EQ(test, dma_vec_to_sgt(&s, sgt, GFP_KERNEL), -EOPNOTSUPP);
	KUNIT_EXPECT_MEMEQ(test, sgt, &before, sizeof(*sgt));

	/* An empty slice has nothing to export. */
	KUNIT_ASSERT_EQ(test, 0, dma_vec_slice(tbl, 0x10, 0, &s));
	KUNIT_EXPECT_EQ(test, dma_vec_to_sgt(&s, sgt, GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_MEMEQ(test, sgt, &before, sizeof(*sgt));

	/* The host part alone is fine. */
	KUNIT_ASSERT_EQ(test, 0, dma_vec_slice(tbl, 0, 0x1000, &s));
	KUNIT_ASSERT_EQ(test, 0, dma_vec_to_sgt(&s, sgt, GFP_KERNEL));
	dvk_own_sgt(test, sgt);
	KUNIT_EXPECT_EQ(test, sgt->nents, 1U);
	KUNIT_EXPECT_EQ(test, sg_phys(sgt->sgl), 0x10000ULL);
}

static struct kunit_case dma_vec_sg_cases[] = {
	KUNIT_CASE(dvk_from_sgt),
	KUNIT_CASE(dvk_from_sgt_errors),
	KUNIT_CASE(dvk_to_sgt),
	KUNIT_CASE(dvk_to_sgt_refusals),
	{}
};

static struct kunit_suite dma_vec_sg_suite = {
	.name = "dma_vec_sg",
	.test_cases = dma_vec_sg_cases,
};

/* ---- dma_vec_copy ---- */

/*
 * Four separately allocated pages, described out of order and with
 * partial pages: page 2 from byte 100, page 0 whole, the first 50 bytes
 * of page 3, 1000 bytes of page 1 from byte 7.
 */
static const struct {
	unsigned int page;
	unsigned int off;
	unsigned int len;
} dvk_copy_layout[] = {
	{ 2, 100, PAGE_SIZE - 100 },
	{ 0, 0, PAGE_SIZE },
	{ 3, 0, 50 },
	{ 1, 7, 1000 },
};

#define DVK_COPY_LEN	(2 * PAGE_SIZE + 950)

static void dvk_copy_setup(struct kunit *test, struct dma_vec_table *tbl,
			   struct page **pages)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		pages[i] = dvk_page(test);
	for (i = 0; i < ARRAY_SIZE(dvk_copy_layout); i++)
		KUNIT_ASSERT_EQ(test, 0,
				dma_vec_append(tbl,
					       page_to_phys(pages[dvk_copy_layout[i].page]) +
					       dvk_copy_layout[i].off,
					       dvk_copy_layout[i].len, NULL,
					       GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, dma_vec_len(tbl), DVK_COPY_LEN);
}

static void dvk_copy_pages(struct kunit *test)
{
	struct dma_vec_table *tbl = dvk_table(test);
	struct dma_vec_slice slice;
	struct page *pages[4];
	u8 *src, *dst;
	size_t pos = 0;
	unsigned int i;

	dvk_copy_setup(test, tbl, pages);
	src = kunit_kmalloc(test, DVK_COPY_LEN, GFP_KERNEL);
	dst = kunit_kzalloc(test, DVK_COPY_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, src);
	KUNIT_ASSERT_NOT_NULL(test, dst);
	for (pos = 0; pos < DVK_COPY_LEN; pos++)
		src[pos] = dvk_pattern(pos);

	dma_vec_slice_all(tbl, &slice);
	KUNIT_ASSERT_EQ(test, 0, dma_vec_copy_from_buf(&slice, src));

	/* Each piece landed in its page, at its offset, nothing around it. */
	pos = 0;
	for (i = 0; i < ARRAY_SIZE(dvk_copy_layout); i++) {
		u8 *va = page_address(pages[dvk_copy_layout[i].page]);
		unsigned int off = dvk_copy_layout[i].off;
		unsigned int len = dvk_copy_layout[i].len;

		KUNIT_EXPECT_MEMEQ(test, va + off, src + pos, len);
		if (off)
			KUNIT_EXPECT_EQ(test, va[off - 1], 0);
		if (off + len < PAGE_SIZE)
			KUNIT_EXPECT_EQ(test, va[off + len], 0);
		pos += len;
	}

	KUNIT_ASSERT_EQ(test, 0, dma_vec_copy_to_buf(&slice, dst));
	KUNIT_EXPECT_MEMEQ(test, dst, src, DVK_COPY_LEN);

	/* A slice across three ranges. */
	memset(dst, 0, DVK_COPY_LEN);
	KUNIT_ASSERT_EQ(test, 0, dma_vec_slice(tbl, 50, PAGE_SIZE + 60,
					       &slice));
	KUNIT_ASSERT_EQ(test, 0, dma_vec_copy_to_buf(&slice, dst));
	KUNIT_EXPECT_MEMEQ(test, dst, src + 50, PAGE_SIZE + 60);
	KUNIT_EXPECT_EQ(test, dst[PAGE_SIZE + 60], 0);
}

/* A provider window at DVC_P0_BASE followed by a host page. */
static struct dma_vec_provider *dvk_copy_mixed(struct kunit *test,
					       struct dma_vec_table *tbl,
					       struct page *page,
					       void __iomem *cpu_addr)
{
	struct dma_vec_provider *prov;

	/* A non-zero bus offset: copies must use CPU addresses only. */
	prov = kunit_kzalloc(test, sizeof(*prov), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, prov);
	prov->base = DVC_P0_BASE;
	prov->size = 0x2000;
	prov->bus_offset = 0x7000000000ULL;
	prov->cpu_addr = cpu_addr;
	KUNIT_ASSERT_EQ(test, 0, dma_vec_append(tbl, DVC_P0_BASE + 0x800,
						0x1000, prov, GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, 0, dma_vec_append(tbl, page_to_phys(page),
						0x800, NULL, GFP_KERNEL));
	return prov;
}

/*
 * Provider memory is reached through the provider's CPU mapping.  A
 * kmalloc'ed buffer stands in for the iomem mapping of a BAR window, which
 * memcpy_toio() accepts unless the architecture uses CONFIG_INDIRECT_IOMEM
 * (UML with virtio PCI), whose accessors only take ioremap()ed cookies.
 */
static void dvk_copy_provider(struct kunit *test)
{
	struct dma_vec_table *tbl = dvk_table(test);
	struct page *page = dvk_page(test);
	struct dma_vec_slice slice;
	u8 *bar, *src, *dst;
	size_t i;

	if (IS_ENABLED(CONFIG_INDIRECT_IOMEM))
		kunit_skip(test, "CONFIG_INDIRECT_IOMEM: iomem needs ioremap()");

	bar = kunit_kzalloc(test, 0x2000, GFP_KERNEL);
	src = kunit_kmalloc(test, 0x1800, GFP_KERNEL);
	dst = kunit_kzalloc(test, 0x1800, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bar);
	KUNIT_ASSERT_NOT_NULL(test, src);
	KUNIT_ASSERT_NOT_NULL(test, dst);
	for (i = 0; i < 0x1800; i++)
		src[i] = dvk_pattern(i);
	dvk_copy_mixed(test, tbl, page, (void __force __iomem *)bar);

	dma_vec_slice_all(tbl, &slice);
	KUNIT_ASSERT_EQ(test, 0, dma_vec_copy_from_buf(&slice, src));
	KUNIT_EXPECT_MEMEQ(test, bar + 0x800, src, 0x1000);
	KUNIT_EXPECT_EQ(test, bar[0x7ff], 0);
	KUNIT_EXPECT_EQ(test, bar[0x1800], 0);
	KUNIT_EXPECT_MEMEQ(test, page_address(page), src + 0x1000, 0x800);

	KUNIT_ASSERT_EQ(test, 0, dma_vec_copy_to_buf(&slice, dst));
	KUNIT_EXPECT_MEMEQ(test, dst, src, 0x1800);

	/* A window across the BAR/host boundary. */
	memset(dst, 0, 0x1800);
	KUNIT_ASSERT_EQ(test, 0, dma_vec_slice(tbl, 0xff0, 0x20, &slice));
	KUNIT_ASSERT_EQ(test, 0, dma_vec_copy_to_buf(&slice, dst));
	KUNIT_EXPECT_MEMEQ(test, dst, src + 0xff0, 0x20);
	KUNIT_EXPECT_EQ(test, dst[0x20], 0);

	/* An empty slice copies nothing and succeeds. */
	KUNIT_ASSERT_EQ(test, 0, dma_vec_slice(tbl, 5, 0, &slice));
	KUNIT_EXPECT_EQ(test, dma_vec_copy_from_buf(&slice, NULL), 0);
	KUNIT_EXPECT_EQ(test, dma_vec_copy_to_buf(&slice, NULL), 0);
}

/* Without a CPU mapping nothing is copied, not even the host memory. */
static void dvk_copy_provider_unmapped(struct kunit *test)
{
	struct dma_vec_table *tbl = dvk_table(test);
	struct page *page = dvk_page(test);
	struct dma_vec_slice slice;
	u8 *buf;

	buf = kunit_kmalloc(test, 0x1800, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, 0xa5, 0x1800);
	dvk_copy_mixed(test, tbl, page, NULL);

	dma_vec_slice_all(tbl, &slice);
	KUNIT_EXPECT_EQ(test, dma_vec_copy_from_buf(&slice, buf), -EOPNOTSUPP);
	KUNIT_EXPECT_TRUE(test, mem_is_zero(page_address(page), PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, dma_vec_copy_to_buf(&slice, buf), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, buf[0], 0xa5);

	/* The host part alone is fine. */
	KUNIT_ASSERT_EQ(test, 0, dma_vec_slice(tbl, 0x1000, 0x800, &slice));
	KUNIT_EXPECT_EQ(test, dma_vec_copy_from_buf(&slice, buf), 0);
	KUNIT_EXPECT_MEMEQ(test, page_address(page), buf, 0x800);
}

static struct kunit_case dma_vec_copy_cases[] = {
	KUNIT_CASE(dvk_copy_pages),
	KUNIT_CASE(dvk_copy_provider),
	KUNIT_CASE(dvk_copy_provider_unmapped),
	{}
};

static struct kunit_suite dma_vec_copy_suite = {
	.name = "dma_vec_copy",
	.test_cases = dma_vec_copy_cases,
};

kunit_test_suites(&dma_vec_build_suite, &dma_vec_lookup_suite,
		  &dma_vec_iter_suite, &dma_vec_sg_suite, &dma_vec_copy_suite);

MODULE_DESCRIPTION("KUnit tests for dma_vec");
MODULE_LICENSE("GPL");
