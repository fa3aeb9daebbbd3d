// SPDX-License-Identifier: GPL-2.0
/*
 * Iteration: the constrained chunk iterator over table slices and over
 * DMA range arrays, limit validation, and a randomized property check of
 * every chunk against the limits.
 */
#include <stdlib.h>

#include <linux/slab.h>

#include "helpers.h"

static void check_chunk_case_table(const struct dvc_chunk_case *c)
{
	const struct dma_vec_limits *lim = c->unlimited ? NULL : &c->lim;
	struct dma_vec_table t;
	struct dma_vec_slice s;
	struct dma_vec_iter it;
	unsigned int n = 0;
	u64 sum = 0;

	dma_vec_table_init(&t);
	dvt_build(&t, c->ranges, c->nr_ranges);
	assert_int_equal(dma_vec_slice(&t, c->offset, c->len, &s), 0);
	assert_int_equal(dma_vec_iter_init(&it, &s, lim), 0);
	while (dma_vec_iter_next(&it)) {
		if (n < DVC_MAX_CHUNKS && (n < 2 || c->nr_chunks <= DVC_MAX_CHUNKS)) {
			assert_int_equal(it.paddr, c->chunks[n].addr);
			assert_int_equal(it.len, c->chunks[n].len);
		}
		assert_null(it.provider);
		sum += it.len;
		n++;
	}
	assert_int_equal(n, c->nr_chunks);
	assert_int_equal(sum, c->len);
	/* Exhausted iterators stay exhausted. */
	assert_false(dma_vec_iter_next(&it));
	dma_vec_table_release(&t);
}

/* The same walk over DMA ranges: one drange per (merged) table range. */
static void check_chunk_case_dma(const struct dvc_chunk_case *c)
{
	const struct dma_vec_limits *lim = c->unlimited ? NULL : &c->lim;
	struct dma_vec_drange d[DVC_MAX_RANGES];
	struct dma_vec_dma_iter it;
	struct dma_vec_table t;
	unsigned int i, n = 0;
	u64 sum = 0;

	/* Only whole-table cases map directly onto a DMA range array. */
	dma_vec_table_init(&t);
	dvt_build(&t, c->ranges, c->nr_ranges);
	if (c->offset || c->len != dma_vec_len(&t)) {
		dma_vec_table_release(&t);
		return;
	}
	for (i = 0; i < t.nr; i++) {
		d[i].addr = t.ranges[i].paddr;
		d[i].len = t.ranges[i].len;
	}
	dma_vec_for_each_dma_chunk(d, t.nr, lim, &it) {
		if (n < DVC_MAX_CHUNKS && (n < 2 || c->nr_chunks <= DVC_MAX_CHUNKS)) {
			assert_int_equal(it.addr, c->chunks[n].addr);
			assert_int_equal(it.len, c->chunks[n].len);
		}
		sum += it.len;
		n++;
	}
	assert_int_equal(n, c->nr_chunks);
	assert_int_equal(sum, c->len);
	dma_vec_table_release(&t);
}

static void test_chunk_cases(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(dvc_chunk_cases); i++) {
		print_message("  case: %s\n", dvc_chunk_cases[i].name);
		check_chunk_case_table(&dvc_chunk_cases[i]);
		check_chunk_case_dma(&dvc_chunk_cases[i]);
	}
}

static void test_limits_cases(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(dvc_limits_cases); i++) {
		print_message("  case: %s\n", dvc_limits_cases[i].name);
		assert_int_equal(dma_vec_limits_valid(&dvc_limits_cases[i].lim),
				 dvc_limits_cases[i].valid);
	}
}

static void test_invalid_limits_walk_nothing(void **state)
{
	static const struct dma_vec_limits bad = { 0x800, U64_MAX, 0x1000 };
	static const struct dma_vec_drange d = { 0x1000, 0x1000 };
	struct dma_vec_dma_iter dit;
	struct dma_vec_table t;
	struct dma_vec_slice s;
	struct dma_vec_iter it;
	unsigned int n = 0;

	(void)state;
	dma_vec_table_init(&t);
	assert_int_equal(dma_vec_append(&t, 0x1000, 0x1000, NULL, GFP_KERNEL), 0);
	dma_vec_slice_all(&t, &s);
	assert_int_equal(dma_vec_iter_init(&it, &s, &bad), -EINVAL);
	assert_false(dma_vec_iter_next(&it));
	/* The loop macros cannot return the error: they warn. */
	dvt_expect_warns(2);
	dma_vec_for_each_chunk(&s, &bad, &it)
		n++;
	assert_int_equal(dma_vec_dma_iter_init(&dit, &d, 1, &bad), -EINVAL);
	assert_false(dma_vec_dma_iter_next(&dit));
	dma_vec_for_each_dma_chunk(&d, 1, &bad, &dit)
		n++;
	assert_int_equal(n, 0);
	dma_vec_table_release(&t);
}

static void test_iter_tracks_providers(void **state)
{
	static const struct dvc_range in[] = {
		{ 0x10000, 0x3000, DVC_HOST },
		{ DVC_P0_BASE, 0x2000, 0 },
		{ DVC_P1_BASE, 0x1000, 1 },
		{ 0x40000, 0x1000, DVC_HOST },
		{ DVC_P0_BASE + 0x10000, 0x2000, 0 },
	};
	static const struct dma_vec_limits page = { U64_MAX, 0xfff, 0x1000 };
	static const int owner[] = { DVC_HOST, DVC_HOST, 0, 0, 1, DVC_HOST };
	struct dma_vec_table t;
	struct dma_vec_slice s;
	struct dma_vec_iter it;
	unsigned int n = 0;

	(void)state;
	dma_vec_table_init(&t);
	dvt_build(&t, in, ARRAY_SIZE(in));
	/* From the middle of the first range to the middle of the last. */
	assert_int_equal(dma_vec_slice(&t, 0x1000, 0x6000, &s), 0);
	dma_vec_for_each_chunk(&s, &page, &it) {
		assert_true(n < ARRAY_SIZE(owner));
		assert_ptr_equal(it.provider, dvt_provider(owner[n]));
		n++;
	}
	assert_int_equal(n, 6);
	dma_vec_table_release(&t);
}

static u64 rnd(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Random tables, slices and limits: every chunk obeys the limits, chunks
 * tile the slice exactly in order, and a cut inside a range happens only
 * at a segment boundary or an aligned address.
 */
static void test_random_walks(void **state)
{
	u64 seed = 0x9e3779b97f4a7c15ULL;
	unsigned int round;

	(void)state;
	for (round = 0; round < 3000; round++) {
		struct dma_vec_limits lim;
		struct dma_vec_table t;
		struct dma_vec_slice s;
		struct dma_vec_iter it;
		unsigned int nr = 1 + rnd(&seed) % 40, i, ri;
		u64 pa = (rnd(&seed) % 64) << 12, off, len, pos, ro;

		dma_vec_table_init(&t);
		for (i = 0; i < nr; i++) {
			u64 l = 1 + rnd(&seed) % (rnd(&seed) & 1 ? 0x40000 : 0x1800);
			struct dma_vec_provider *p = rnd(&seed) % 4 ? NULL : &dvt_prov[0];
			u64 base = p ? p->base : 0;

			if (rnd(&seed) % 3)
				pa += (rnd(&seed) % 8) << 12;
			assert_int_equal(dma_vec_append(&t, base + pa, l, p,
							GFP_KERNEL), 0);
			pa += l;
		}
		lim.align = 1ULL << (rnd(&seed) % 14);
		lim.seg_boundary_mask = rnd(&seed) % 3 ? U64_MAX :
			(lim.align << (rnd(&seed) % 6)) - 1;
		lim.max_seg = rnd(&seed) % 3 ? U64_MAX :
			lim.align + rnd(&seed) % 0x20000;
		assert_true(dma_vec_limits_valid(&lim));

		off = rnd(&seed) % dma_vec_len(&t);
		len = rnd(&seed) % (dma_vec_len(&t) - off + 1);
		assert_int_equal(dma_vec_slice(&t, off, len, &s), 0);

		pos = off;
		ri = len ? dma_vec_find(&t, off, &ro) : 0;
		dma_vec_for_each_chunk(&s, &lim, &it) {
			const struct dma_vec_prange *r = &t.ranges[ri];
			u64 end = it.paddr + it.len;

			assert_true(it.len > 0 && it.len <= lim.max_seg);
			assert_int_equal(it.paddr, r->paddr + ro);
			assert_ptr_equal(it.provider, dma_vec_range_provider(&t, ri));
			assert_true(((it.paddr ^ (end - 1)) & ~lim.seg_boundary_mask) == 0);
			if (ro + it.len < r->len && pos + it.len < off + len)
				assert_true(!(end & lim.seg_boundary_mask) ||
					    !(end & (lim.align - 1)));
			pos += it.len;
			ro += it.len;
			if (ro == r->len) {
				ri++;
				ro = 0;
			}
		}
		assert_int_equal(pos, off + len);
		dma_vec_table_release(&t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, dvt_setup, dvt_teardown)
		T(test_chunk_cases),
		T(test_limits_cases),
		T(test_invalid_limits_walk_nothing),
		T(test_iter_tracks_providers),
		T(test_random_walks),
#undef T
	};

	return cmocka_run_group_tests_name("iter", tests, NULL, NULL);
}
