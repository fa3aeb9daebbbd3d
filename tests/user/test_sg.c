// SPDX-License-Identifier: GPL-2.0
/*
 * Scatterlist interop, the userspace-only part: allocation failures in the
 * import and the export (failure injection).  Import, export, their limits
 * and refusals are tested by the shared bodies of tests/kunit/dma_vec_kunit.c
 * (test kunit_core here, KUnit in the kernel).
 */
#include <linux/pfn.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "helpers.h"

static void sg_fill(struct sg_table *sgt, const struct dvc_range *r,
		    unsigned int nr)
{
	struct scatterlist *sg;
	unsigned int i;

	assert_int_equal(sg_alloc_table(sgt, nr, GFP_KERNEL), 0);
	for_each_sg(sgt->sgl, sg, nr, i)
		sg_set_page(sg, pfn_to_page(PHYS_PFN(r[i].paddr)),
			    (unsigned int)r[i].len, offset_in_page(r[i].paddr));
}

/* Growth failing half way through an import unwinds the merged entries. */
static void test_from_sgt_enomem(void **state)
{
	static const struct dvc_range pre[] = {
		{ 0x1000, 0x1000, DVC_HOST }, { DVC_P1_BASE, 0x1000, 1 },
	};
	struct dma_vec_provider *provs[] = { &dvt_prov[1] };
	struct dvt_snapshot snap;
	struct dma_vec_table t;
	struct sg_table sgt;
	unsigned int i;

	(void)state;
	dma_vec_table_init(&t);
	dvt_build(&t, pre, ARRAY_SIZE(pre));
	for (i = t.nr; i < t.cap; i++)
		assert_int_equal(dma_vec_append(&t, 0x100000 + i * 0x2000, 0x1000,
						NULL, GFP_KERNEL), 0);
	dvt_snapshot_take(&snap, &t);
	{
		const struct dvc_range grow[] = {
			{ t.ranges[t.nr - 1].paddr + 0x1000, 0x1000, DVC_HOST },
			{ 0x900000, 0x1000, DVC_HOST },
		};

		sg_fill(&sgt, grow, ARRAY_SIZE(grow));
	}
	shim_fail_nth(1);
	assert_int_equal(dma_vec_from_sgt(&t, &sgt, provs, 1, GFP_KERNEL),
			 -ENOMEM);
	dvt_snapshot_check(&snap, &t);
	sg_free_table(&sgt);

	dvt_snapshot_drop(&snap);
	dma_vec_table_release(&t);
}

/* A failed export allocation leaves nothing behind; a retry works. */
static void test_to_sgt_enomem(void **state)
{
	struct dma_vec_table t;
	struct dma_vec_slice s;
	struct sg_table sgt;

	(void)state;
	dma_vec_table_init(&t);
	assert_int_equal(dma_vec_append(&t, 0x10000, 0x1000, NULL, GFP_KERNEL),
			 0);
	dma_vec_slice_all(&t, &s);
	shim_fail_nth(1);
	assert_int_equal(dma_vec_to_sgt(&s, &sgt, GFP_KERNEL), -ENOMEM);
	assert_int_equal(dma_vec_to_sgt(&s, &sgt, GFP_KERNEL), 0);
	assert_int_equal(sgt.nents, 1);
	sg_free_table(&sgt);
	dma_vec_table_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, dvt_setup, dvt_teardown)
		T(test_from_sgt_enomem),
		T(test_to_sgt_enomem),
#undef T
	};

	return cmocka_run_group_tests_name("sg", tests, NULL, NULL);
}
