// SPDX-License-Identifier: GPL-2.0
/*
 * Scatterlist interop: import from a page sg_table (host and P2P pages),
 * export of host memory to a page sg_table, and the limits of the export.
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

static void test_from_sgt(void **state)
{
	static const struct dvc_range in[] = {
		{ 0x10000, 0x1000, DVC_HOST },
		{ 0x11000, 0x800, DVC_HOST },
		{ DVC_P0_BASE + 0x200, 0xe00, 0 },
		{ DVC_P0_BASE + 0x1000, 0x1000, 0 },
		{ DVC_P1_BASE, 0x1000, 1 },
		{ 0x20000, 0x100, DVC_HOST },
	};
	struct dma_vec_provider *provs[] = { &dvt_prov[0], &dvt_prov[1] };
	struct dma_vec_table t;
	struct sg_table sgt;

	(void)state;
	sg_fill(&sgt, in, ARRAY_SIZE(in));
	dma_vec_table_init(&t);
	assert_int_equal(dma_vec_from_sgt(&t, &sgt, provs, 2, GFP_KERNEL), 0);
	dvt_check_invariants(&t);
	assert_int_equal(t.nr, 4);
	assert_int_equal(t.ranges[0].paddr, 0x10000);
	assert_int_equal(t.ranges[0].len, 0x1800);
	assert_int_equal(t.ranges[1].paddr, DVC_P0_BASE + 0x200);
	assert_int_equal(t.ranges[1].len, 0x1e00);
	assert_ptr_equal(dma_vec_range_provider(&t, 1), &dvt_prov[0]);
	assert_ptr_equal(dma_vec_range_provider(&t, 2), &dvt_prov[1]);
	assert_null(dma_vec_range_provider(&t, 3));
	assert_int_equal(t.nr_runs, 4);

	/* Without providers every entry is host memory. */
	dma_vec_table_release(&t);
	assert_int_equal(dma_vec_from_sgt(&t, &sgt, NULL, 0, GFP_KERNEL), 0);
	assert_int_equal(t.nr_runs, 1);
	assert_int_equal(t.nr, 4);
	assert_null(dma_vec_range_provider(&t, 1));
	dma_vec_table_release(&t);
	sg_free_table(&sgt);
}

static void test_from_sgt_errors_leave_table_alone(void **state)
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
	struct dma_vec_provider *provs[] = { &dvt_prov[1] };
	struct dvt_snapshot snap;
	struct dma_vec_table t;
	struct sg_table sgt;
	unsigned int i;

	(void)state;
	dma_vec_table_init(&t);
	dvt_build(&t, pre, ARRAY_SIZE(pre));
	dvt_snapshot_take(&snap, &t);

	/* The first entry merges, the second straddles the window end. */
	sg_fill(&sgt, straddle, ARRAY_SIZE(straddle));
	assert_int_equal(dma_vec_from_sgt(&t, &sgt, provs, 1, GFP_KERNEL),
			 -ERANGE);
	dvt_snapshot_check(&snap, &t);
	sg_free_table(&sgt);

	/* The first entry merges into the provider range, the next is empty. */
	sg_fill(&sgt, zero, ARRAY_SIZE(zero));
	assert_int_equal(dma_vec_from_sgt(&t, &sgt, provs, 1, GFP_KERNEL),
			 -EINVAL);
	dvt_snapshot_check(&snap, &t);
	sg_free_table(&sgt);

	/* Growth failing half way through unwinds the merged entries too. */
	for (i = t.nr; i < t.cap; i++)
		assert_int_equal(dma_vec_append(&t, 0x100000 + i * 0x2000, 0x1000,
						NULL, GFP_KERNEL), 0);
	dvt_snapshot_drop(&snap);
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

static void check_export(const struct dma_vec_slice *s,
			 const struct dma_vec_limits *lim)
{
	struct scatterlist *sg;
	struct dma_vec_iter it;
	struct sg_table sgt;
	unsigned int n = 0;

	assert_int_equal(dma_vec_to_sgt(s, &sgt, GFP_KERNEL), 0);
	sg = sgt.sgl;
	dma_vec_for_each_chunk(s, lim, &it) {
		assert_non_null(sg);
		assert_int_equal(sg_phys(sg), it.paddr);
		assert_int_equal(sg->length, it.len);
		assert_true(sg->offset < PAGE_SIZE);
		sg = sg_next(sg);
		n++;
	}
	assert_null(sg);
	assert_int_equal(sgt.nents, n);
	assert_int_equal(sgt.orig_nents, n);
	sg_free_table(&sgt);
}

static void test_to_sgt(void **state)
{
	static const struct dma_vec_limits sg_lim = {
		0xfffff000ULL, U64_MAX, 0x1000
	};
	static const struct dvc_range in[] = {
		{ 0x10200, 0x1000, DVC_HOST },
		{ SZ_4G_ULL + 0x800, 9 * SZ_1G_ULL, DVC_HOST },
		{ 0x30000, 0x10, DVC_HOST },
	};
	struct dma_vec_table t, back;
	struct dma_vec_slice s;
	struct sg_table sgt;
	struct scatterlist *sg;
	unsigned int i;

	(void)state;
	dma_vec_table_init(&t);
	dvt_build(&t, in, ARRAY_SIZE(in));
	dma_vec_slice_all(&t, &s);
	check_export(&s, &sg_lim);

	/* 9 GiB from an unaligned start: entries < 4 GiB, cuts page aligned. */
	assert_int_equal(dma_vec_to_sgt(&s, &sgt, GFP_KERNEL), 0);
	assert_int_equal(sgt.nents, 1 + 3 + 1);
	for_each_sg(sgt.sgl, sg, sgt.nents, i) {
		if (i > 1 && i < 4)
			assert_int_equal(sg->offset, 0);
		assert_true(sg->length <= 0xfffff000U);
	}

	/* Round trip: importing the export gives the same table. */
	dma_vec_table_init(&back);
	assert_int_equal(dma_vec_from_sgt(&back, &sgt, NULL, 0, GFP_KERNEL), 0);
	assert_int_equal(back.nr, t.nr);
	for (i = 0; i < t.nr; i++) {
		assert_int_equal(back.ranges[i].paddr, t.ranges[i].paddr);
		assert_int_equal(back.ranges[i].len, t.ranges[i].len);
	}
	dma_vec_table_release(&back);
	sg_free_table(&sgt);

	/* A slice in the middle. */
	assert_int_equal(dma_vec_slice(&t, 0x800, 0x1000, &s), 0);
	check_export(&s, &sg_lim);
	dma_vec_table_release(&t);
}

static void test_to_sgt_refusals(void **state)
{
	static const struct dvc_range in[] = {
		{ 0x10000, 0x1000, DVC_HOST },
		{ DVC_P0_BASE, 0x1000, 0 },
	};
	struct sg_table sgt, before;
	struct dma_vec_table t;
	struct dma_vec_slice s;

	(void)state;
	dma_vec_table_init(&t);
	dvt_build(&t, in, ARRAY_SIZE(in));
	memset(&sgt, 0x3c, sizeof(sgt));
	before = sgt;

	/* BAR memory has no struct page: never in a page scatterlist. */
	dma_vec_slice_all(&t, &s);
	assert_int_equal(dma_vec_to_sgt(&s, &sgt, GFP_KERNEL), -EOPNOTSUPP);
	assert_memory_equal(&sgt, &before, sizeof(sgt));
	assert_int_equal(dma_vec_slice(&t, 0xfff, 2, &s), 0);
	assert_int_equal(dma_vec_to_sgt(&s, &sgt, GFP_KERNEL), -EOPNOTSUPP);
	assert_memory_equal(&sgt, &before, sizeof(sgt));

	assert_int_equal(dma_vec_slice(&t, 0x10, 0, &s), 0);
	assert_int_equal(dma_vec_to_sgt(&s, &sgt, GFP_KERNEL), -EINVAL);
	assert_memory_equal(&sgt, &before, sizeof(sgt));

	/* The host part alone exports; allocation failure leaks nothing. */
	assert_int_equal(dma_vec_slice(&t, 0, 0x1000, &s), 0);
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
		T(test_from_sgt),
		T(test_from_sgt_errors_leave_table_alone),
		T(test_to_sgt),
		T(test_to_sgt_refusals),
#undef T
	};

	return cmocka_run_group_tests_name("sg", tests, NULL, NULL);
}
