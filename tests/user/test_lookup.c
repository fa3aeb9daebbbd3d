// SPDX-License-Identifier: GPL-2.0
/*
 * Lookup of the range holding a byte offset, per-range providers and
 * slicing, against the shared find cases and a brute-force reference.
 */
#include <linux/slab.h>

#include "helpers.h"

static void build_find_table(struct dma_vec_table *t)
{
	unsigned int i;
	u64 pa = 0x100000;

	dma_vec_table_init(t);
	for (i = 0; i < DVC_FIND_NR_RANGES; i++) {
		u64 len = (i + 1) * SZ_4K_ULL;

		assert_int_equal(dma_vec_append(t, pa, len, NULL, GFP_KERNEL), 0);
		pa += len + SZ_4K_ULL;
	}
	assert_int_equal(dma_vec_len(t), DVC_FIND_LEN);
}

static void test_find_cases(void **state)
{
	struct dma_vec_table t;
	size_t i;

	(void)state;
	build_find_table(&t);
	for (i = 0; i < ARRAY_SIZE(dvc_find_cases); i++) {
		const struct dvc_find_case *c = &dvc_find_cases[i];
		u64 off = 0xdead;

		print_message("  case: %s\n", c->name);
		assert_int_equal(dma_vec_find(&t, c->offset, &off), c->idx);
		if (c->idx >= 0)
			assert_int_equal(off, c->range_off);
		else
			assert_int_equal(off, 0xdead);
	}
	assert_int_equal(dma_vec_find(&t, 5, NULL), 0);
	dma_vec_table_release(&t);
}

/* Every offset near every range boundary, against a linear walk. */
static void test_find_exhaustive(void **state)
{
	struct dma_vec_table t;
	unsigned int n, i;

	(void)state;
	for (n = 1; n <= 3 * DVT_MARK_STRIDE + 1; n++) {
		u64 start = 0;

		dma_vec_table_init(&t);
		for (i = 0; i < n; i++)
			assert_int_equal(dma_vec_append(&t, (u64)i << 32,
							1 + (i * 7919) % 5000,
							NULL, GFP_KERNEL), 0);
		for (i = 0; i < n; i++) {
			u64 len = t.ranges[i].len, probe[] = { 0, 1, len - 1 };
			unsigned int k;

			for (k = 0; k < ARRAY_SIZE(probe); k++) {
				u64 off;

				if (probe[k] >= len)
					continue;
				assert_int_equal(dma_vec_find(&t, start + probe[k],
							      &off), i);
				assert_int_equal(off, probe[k]);
			}
			start += len;
		}
		assert_int_equal(dma_vec_find(&t, start, NULL), -ERANGE);
		dma_vec_table_release(&t);
	}
}

static void test_slice(void **state)
{
	struct dma_vec_slice s, before;
	struct dma_vec_table t;

	(void)state;
	build_find_table(&t);
	memset(&before, 0x77, sizeof(before));

	s = before;
	assert_int_equal(dma_vec_slice(&t, DVC_FIND_LEN, 1, &s), -ERANGE);
	assert_memory_equal(&s, &before, sizeof(s));
	assert_int_equal(dma_vec_slice(&t, 0, DVC_FIND_LEN + 1, &s), -ERANGE);
	assert_int_equal(dma_vec_slice(&t, U64_MAX, 2, &s), -ERANGE);
	assert_int_equal(dma_vec_slice(&t, 1, U64_MAX, &s), -ERANGE);
	assert_int_equal(dma_vec_slice(&t, DVC_FIND_LEN + 1, 0, &s), -ERANGE);
	assert_memory_equal(&s, &before, sizeof(s));

	assert_int_equal(dma_vec_slice(&t, 0x1800, 0x3000, &s), 0);
	assert_ptr_equal(s.tbl, &t);
	assert_int_equal(s.first, 1);
	assert_int_equal(s.first_off, 0x800);
	assert_int_equal(s.len, 0x3000);

	assert_int_equal(dma_vec_slice(&t, DVC_FIND_LEN, 0, &s), 0);
	assert_int_equal(s.len, 0);

	dma_vec_slice_all(&t, &s);
	assert_int_equal(s.first, 0);
	assert_int_equal(s.first_off, 0);
	assert_int_equal(s.len, DVC_FIND_LEN);
	dma_vec_table_release(&t);
}

static void test_range_provider_runs(void **state)
{
	struct dma_vec_table t;
	unsigned int i;

	(void)state;
	dma_vec_table_init(&t);
	/* Runs of varying length: 3 host, 5 p0, 1 p1, 7 host, 2 p0 ... */
	for (i = 0; i < 300; i++) {
		unsigned int sel = (i / 3) % 3;
		struct dma_vec_provider *p = sel ? &dvt_prov[sel - 1] : NULL;
		u64 pa = (p ? p->base : 0x100000) + (u64)i * 0x2000;

		assert_int_equal(dma_vec_append(&t, pa, 0x1000, p, GFP_KERNEL), 0);
	}
	for (i = 0; i < 300; i++) {
		unsigned int sel = (i / 3) % 3;

		assert_ptr_equal(dma_vec_range_provider(&t, i),
				 sel ? &dvt_prov[sel - 1] : NULL);
	}
	assert_int_equal(t.nr_runs, 100);
	dvt_check_invariants(&t);
	dma_vec_table_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, dvt_setup, dvt_teardown)
		T(test_find_cases),
		T(test_find_exhaustive),
		T(test_slice),
		T(test_range_provider_runs),
#undef T
	};

	return cmocka_run_group_tests_name("lookup", tests, NULL, NULL);
}
