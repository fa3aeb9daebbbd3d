// SPDX-License-Identifier: GPL-2.0
/*
 * Building tables: providers, append and merge rules, every error path,
 * reservation, footprint and release.
 */
#include <linux/slab.h>

#include "helpers.h"

static void test_build_cases(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(dvc_build_cases); i++) {
		const struct dvc_build_case *c = &dvc_build_cases[i];
		struct dma_vec_table t;
		unsigned int k;

		print_message("  case: %s\n", c->name);
		dma_vec_table_init(&t);
		for (k = 0; k < c->nr_ops; k++) {
			const struct dvc_append *op = &c->ops[k];
			struct dvt_snapshot snap;

			dvt_snapshot_take(&snap, &t);
			assert_int_equal(dma_vec_append(&t, op->paddr, op->len,
							dvt_provider(op->prov),
							GFP_KERNEL), op->ret);
			if (op->ret)
				dvt_snapshot_check(&snap, &t);
			dvt_snapshot_drop(&snap);
		}
		dvt_check_invariants(&t);
		assert_int_equal(dma_vec_nr_ranges(&t), c->nr_ranges);
		assert_int_equal(t.nr_runs, c->nr_runs);
		for (k = 0; k < c->nr_ranges; k++) {
			assert_int_equal(t.ranges[k].paddr, c->ranges[k].paddr);
			assert_int_equal(t.ranges[k].len, c->ranges[k].len);
			assert_ptr_equal(dma_vec_range_provider(&t, k),
					 dvt_provider(c->ranges[k].prov));
		}
		dma_vec_table_release(&t);
	}
}

static void test_range_sizes(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct dma_vec_prange), 16);
	assert_int_equal(sizeof(struct dma_vec_drange), 16);
}

static void test_provider_init(void **state)
{
	struct dma_vec_provider p, before;
	char window[64];

	(void)state;
	memset(&p, 0x5a, sizeof(p));
	before = p;
	assert_int_equal(dma_vec_provider_init(&p, NULL, 0, 0x1000, 0, 0, NULL),
			 -EINVAL);
	assert_memory_equal(&p, &before, sizeof(p));
	assert_int_equal(dma_vec_provider_init(&p, NULL, 0, U64_MAX - 0xfff,
					       0x2000, 0, NULL), -EOVERFLOW);
	assert_memory_equal(&p, &before, sizeof(p));

	assert_int_equal(dma_vec_provider_init(&p, (struct device *)window, 2,
					       U64_MAX - 0xfff, 0x1000,
					       (u64)-0x1000, window), 0);
	assert_ptr_equal(p.owner, window);
	assert_ptr_equal(p.cpu_addr, window);
	assert_int_equal(p.base, U64_MAX - 0xfff);
	assert_int_equal(p.size, 0x1000);
	assert_int_equal(p.bus_offset, (u64)-0x1000);
	assert_int_equal(p.__p2p.bar, 2);
}

static void test_empty_table(void **state)
{
	struct dma_vec_table t;
	u64 off = 7;

	(void)state;
	dma_vec_table_init(&t);
	assert_int_equal(dma_vec_len(&t), 0);
	assert_int_equal(dma_vec_nr_ranges(&t), 0);
	assert_int_equal(shim_alloc_calls(), 0);
	assert_int_equal(dma_vec_find(&t, 0, &off), -ERANGE);
	assert_int_equal(off, 7);
	assert_int_equal(dma_vec_table_bytes(&t), sizeof(t));
	dvt_check_invariants(&t);
	dma_vec_table_release(&t);
	dma_vec_table_release(&t);
}

static void test_reserve(void **state)
{
	struct dma_vec_table t;
	unsigned long calls;
	unsigned int i;

	(void)state;
	dma_vec_table_init(&t);
	assert_int_equal(dma_vec_table_reserve(&t, 100, GFP_KERNEL), 0);
	assert_true(t.cap >= 100);
	calls = shim_alloc_calls();
	for (i = 0; i < 100; i++)
		assert_int_equal(dma_vec_append(&t, i * 0x2000, 0x1000, NULL,
						GFP_KERNEL), 0);
	assert_int_equal(shim_alloc_calls(), calls);
	assert_int_equal(dma_vec_table_reserve(&t, 10, GFP_KERNEL), 0);
	assert_int_equal(shim_alloc_calls(), calls);
	assert_int_equal(dma_vec_table_reserve(&t, DMA_VEC_MAX_RANGES + 1,
					       GFP_KERNEL), -E2BIG);
	assert_int_equal(t.nr, 100);
	dvt_check_invariants(&t);
	dma_vec_table_release(&t);
}

static void test_reserve_enomem(void **state)
{
	struct dma_vec_table t;
	struct dvt_snapshot snap;

	(void)state;
	dma_vec_table_init(&t);
	assert_int_equal(dma_vec_append(&t, 0x1000, 0x1000, NULL, GFP_KERNEL), 0);
	dvt_snapshot_take(&snap, &t);
	shim_fail_nth(1);
	assert_int_equal(dma_vec_table_reserve(&t, 1000, GFP_KERNEL), -ENOMEM);
	dvt_snapshot_check(&snap, &t);
	dvt_snapshot_drop(&snap);
	dma_vec_table_release(&t);
}

static void test_many_ranges(void **state)
{
	const unsigned int n = 1U << 20;
	struct dma_vec_table t;
	unsigned int i;
	size_t bytes;

	(void)state;
	dma_vec_table_init(&t);
	for (i = 0; i < n; i++)
		assert_int_equal(dma_vec_append(&t, (u64)i * 0x4000, 0x1000,
						NULL, GFP_KERNEL), 0);
	assert_int_equal(dma_vec_nr_ranges(&t), n);
	assert_int_equal(dma_vec_len(&t), (u64)n * 0x1000);
	bytes = dma_vec_table_bytes(&t);
	/* 16 bytes a range plus lookup marks (half a byte a range). */
	assert_true(bytes >= (size_t)n * 16);
	assert_true(bytes <= sizeof(t) + (size_t)t.cap * 16 + t.cap / 2 + 8);
	assert_int_equal(t.nr_runs, 1);
	assert_null(t.xruns);
	dma_vec_table_release(&t);
	assert_int_equal(t.nr, 0);
	assert_null(t.ranges);
}

static void test_runs_grow(void **state)
{
	struct dma_vec_table t;
	unsigned int i;

	(void)state;
	dma_vec_table_init(&t);
	/* Alternate host and provider so that every range is a run. */
	for (i = 0; i < 200; i++)
		assert_int_equal(dma_vec_append(&t, i & 1 ? DVC_P0_BASE + i * 0x2000 :
						i * 0x2000, 0x1000,
						i & 1 ? &dvt_prov[0] : NULL,
						GFP_KERNEL), 0);
	assert_int_equal(t.nr, 200);
	assert_int_equal(t.nr_runs, 200);
	for (i = 0; i < 200; i++) {
		assert_int_equal(dma_vec_run(&t, i)->first, i);
		assert_int_equal(dma_vec_run_end(&t, i), i + 1);
	}
	dvt_check_invariants(&t);
	assert_true(dma_vec_table_bytes(&t) >=
		    sizeof(t) + 200 * 16 + 199 * sizeof(struct dma_vec_run));
	dma_vec_table_release(&t);
}

static void test_range_provider_out_of_bounds(void **state)
{
	struct dma_vec_table t;

	(void)state;
	dma_vec_table_init(&t);
	assert_int_equal(dma_vec_append(&t, DVC_P0_BASE, 0x1000, &dvt_prov[0],
					GFP_KERNEL), 0);
	assert_ptr_equal(dma_vec_range_provider(&t, 0), &dvt_prov[0]);
	dvt_expect_warns(1);
	assert_null(dma_vec_range_provider(&t, 1));
	dma_vec_table_release(&t);
}

static void test_for_each_range(void **state)
{
	static const struct dvc_range in[] = {
		{ 0x1000, 0x1000, DVC_HOST }, { 0x5000, 0x2000, DVC_HOST },
		{ DVC_P0_BASE, 0x3000, 0 },
	};
	struct dma_vec_table t;
	struct dma_vec_iter it;
	unsigned int seen = 0;

	(void)state;
	dma_vec_table_init(&t);
	dvt_build(&t, in, ARRAY_SIZE(in));
	dma_vec_for_each_range(&t, &it) {
		assert_int_equal(it.idx, seen);
		assert_int_equal(it.paddr, in[seen].paddr);
		assert_int_equal(it.len, in[seen].len);
		assert_ptr_equal(it.provider, dvt_provider(in[seen].prov));
		seen++;
	}
	assert_int_equal(seen, 3);
	assert_int_equal(dma_vec_run_end(&t, 0), 2);
	assert_int_equal(dma_vec_run_end(&t, 1), 3);
	dma_vec_table_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, dvt_setup, dvt_teardown)
		T(test_range_sizes),
		T(test_provider_init),
		T(test_empty_table),
		T(test_build_cases),
		T(test_reserve),
		T(test_reserve_enomem),
		T(test_many_ranges),
		T(test_runs_grow),
		T(test_range_provider_out_of_bounds),
		T(test_for_each_range),
#undef T
	};

	return cmocka_run_group_tests_name("build", tests, NULL, NULL);
}
