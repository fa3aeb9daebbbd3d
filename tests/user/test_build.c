// SPDX-License-Identifier: GPL-2.0
/*
 * Building tables, the userspace-only part: provider initialisation (the
 * P2P layer), reservation failure (failure injection) and the WARN of an
 * out-of-bounds lookup.  The append and merge rules, reservation, footprint,
 * lookup, slicing and checkpoint/rollback are tested by the shared bodies of
 * tests/kunit/dma_vec_kunit.c (test kunit_core here, KUnit in the kernel).
 */
#include <linux/slab.h>

#include "helpers.h"

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

/* Allocation counting: an empty table allocates nothing, a reserved one
 * serves its appends without another allocation. */
static void test_alloc_counts(void **state)
{
	struct dma_vec_table t;
	unsigned long calls;
	unsigned int i;

	(void)state;
	dma_vec_table_init(&t);
	dma_vec_table_release(&t);
	assert_int_equal(shim_alloc_calls(), 0);
	assert_int_equal(dma_vec_table_reserve(&t, 100, GFP_KERNEL), 0);
	calls = shim_alloc_calls();
	for (i = 0; i < 100; i++)
		assert_int_equal(dma_vec_append(&t, i * 0x2000, 0x1000, NULL,
						GFP_KERNEL), 0);
	assert_int_equal(shim_alloc_calls(), calls);
	dvt_check_invariants(&t);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, dvt_setup, dvt_teardown)
		T(test_provider_init),
		T(test_reserve_enomem),
		T(test_alloc_counts),
		T(test_range_provider_out_of_bounds),
#undef T
	};

	return cmocka_run_group_tests_name("build", tests, NULL, NULL);
}
