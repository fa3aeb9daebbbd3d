// SPDX-License-Identifier: GPL-2.0
/*
 * The exhaustive allocation-failure pass.  Each scenario is run once per
 * allocation it makes, with exactly that allocation failing; the call that
 * hit the failure must report -ENOMEM, leave its table exactly as it was
 * and leak nothing.  The scenarios cover every allocating function and
 * every shared build and chunk case.
 */
#include <linux/pfn.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "helpers.h"

struct ctx {
	struct dma_vec_table t;
	struct sg_table sgt;
	bool have_sgt;
	unsigned long enomem;
};

/* Buffers a table owns; it may keep capacity grown by a failed call. */
static long table_buffers(const struct dma_vec_table *t)
{
	return (t->ranges != NULL) + (t->marks != NULL) + (t->xruns != NULL);
}

/*
 * Run one table-modifying step and hold it to the failure contract: the
 * contents are as before, and every live object is accounted for by the
 * table itself (which frees it on release).
 */
#define STEP(c, call) ({						\
	struct dvt_snapshot __snap;					\
	long __live = shim_live_objects() - table_buffers(&(c)->t);	\
	int __ret;							\
									\
	dvt_snapshot_take(&__snap, &(c)->t);				\
	__ret = (call);							\
	if (__ret == -ENOMEM) {						\
		dvt_snapshot_check(&__snap, &(c)->t);			\
		assert_int_equal(shim_live_objects() -			\
				 table_buffers(&(c)->t), __live);	\
		(c)->enomem++;						\
	}								\
	dvt_snapshot_drop(&__snap);					\
	__ret; })

static int scenario_build_case(struct ctx *c, const void *arg)
{
	const struct dvc_build_case *bc = arg;
	unsigned int k;

	for (k = 0; k < bc->nr_ops; k++) {
		const struct dvc_append *op = &bc->ops[k];
		int ret = STEP(c, dma_vec_append(&c->t, op->paddr, op->len,
						 dvt_provider(op->prov),
						 GFP_KERNEL));

		if (ret == -ENOMEM)
			return ret;
		assert_int_equal(ret, op->ret);
	}
	assert_int_equal(c->t.nr, bc->nr_ranges);
	assert_int_equal(c->t.nr_runs, bc->nr_runs);
	return 0;
}

static int scenario_chunk_case_export(struct ctx *c, const void *arg)
{
	const struct dvc_chunk_case *cc = arg;
	struct dma_vec_slice s;
	unsigned int k;
	int ret;

	for (k = 0; k < cc->nr_ranges; k++) {
		ret = STEP(c, dma_vec_append(&c->t, cc->ranges[k].paddr,
					     cc->ranges[k].len, NULL,
					     GFP_KERNEL));
		if (ret)
			return ret;
	}
	assert_int_equal(dma_vec_slice(&c->t, cc->offset, cc->len, &s), 0);
	if (!cc->len)
		return 0;
	ret = STEP(c, dma_vec_to_sgt(&s, &c->sgt, GFP_KERNEL));
	if (ret)
		return ret;
	c->have_sgt = true;
	return 0;
}

/* Growth of ranges and runs many times over, with a reserve in between. */
static int scenario_grow(struct ctx *c, const void *arg)
{
	unsigned int i;
	int ret;

	(void)arg;
	for (i = 0; i < 150; i++) {
		bool bar = (i / 5) & 1;

		ret = STEP(c, dma_vec_append(&c->t, bar ?
					     DVC_P0_BASE + i * 0x3000ULL :
					     i * 0x3000ULL, 0x1000 + (i & 1),
					     bar ? &dvt_prov[0] : NULL,
					     GFP_KERNEL));
		if (ret)
			return ret;
		if (i == 70) {
			ret = STEP(c, dma_vec_table_reserve(&c->t, 400,
							    GFP_KERNEL));
			if (ret)
				return ret;
		}
	}
	assert_int_equal(c->t.nr, 150);
	assert_int_equal(c->t.nr_runs, 30);
	return 0;
}

/* Import of a long scatterlist into a non-empty table, then re-export. */
static int scenario_sgt_roundtrip(struct ctx *c, const void *arg)
{
	struct dma_vec_provider *provs[] = { &dvt_prov[1] };
	struct scatterlist *sg;
	struct sg_table in;
	struct dma_vec_slice s;
	unsigned int i;
	int ret;

	(void)arg;
	ret = STEP(c, dma_vec_append(&c->t, 0x1000, 0x1000, NULL, GFP_KERNEL));
	if (ret)
		return ret;
	ret = sg_alloc_table(&in, 60, GFP_KERNEL);
	if (ret) {
		/* The test's own allocation; nothing to check in dma_vec. */
		assert_int_equal(ret, -ENOMEM);
		c->enomem++;
		return ret;
	}
	for_each_sg(in.sgl, sg, 60, i) {
		phys_addr_t pa = i % 3 ? 0x100000 + i * 0x2000ULL :
				 DVC_P1_BASE + i * 0x1000ULL;

		sg_set_page(sg, pfn_to_page(PHYS_PFN(pa)), 0x1000, 0);
	}
	ret = STEP(c, dma_vec_from_sgt(&c->t, &in, provs, 1, GFP_KERNEL));
	sg_free_table(&in);
	if (ret)
		return ret;
	assert_int_equal(dma_vec_slice(&c->t, 0x2000, 0x2000, &s), 0);
	ret = STEP(c, dma_vec_to_sgt(&s, &c->sgt, GFP_KERNEL));
	if (ret)
		return ret;
	c->have_sgt = true;
	return 0;
}

static void ctx_fini(struct ctx *c)
{
	dma_vec_table_release(&c->t);
	if (c->have_sgt)
		sg_free_table(&c->sgt);
	c->have_sgt = false;
}

/*
 * Run @fn with the 1st, 2nd, ... allocation failing until a run makes no
 * allocation that fails.  Returns the number of failures injected.
 */
static unsigned long fail_each_allocation(int (*fn)(struct ctx *, const void *),
					  const void *arg)
{
	long live = shim_live_objects();
	unsigned long n;

	for (n = 1; ; n++) {
		struct ctx c = { };
		bool fired;
		int ret;

		dma_vec_table_init(&c.t);
		shim_fail_nth(n);
		ret = fn(&c, arg);
		fired = !shim_fail_pending();
		shim_fail_nth(0);
		if (fired) {
			/* The failure surfaced as -ENOMEM, nothing swallowed. */
			assert_int_equal(ret, -ENOMEM);
			assert_true(c.enomem >= 1);
		} else {
			assert_int_equal(ret, 0);
			assert_int_equal(c.enomem, 0);
		}
		ctx_fini(&c);
		assert_int_equal(shim_live_objects(), live);
		if (!fired)
			return n - 1;
	}
}

static void test_build_cases(void **state)
{
	unsigned long total = 0;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(dvc_build_cases); i++)
		total += fail_each_allocation(scenario_build_case,
					      &dvc_build_cases[i]);
	print_message("  %lu allocation failures injected\n", total);
	assert_true(total >= ARRAY_SIZE(dvc_build_cases) - 3);
}

static void test_chunk_cases(void **state)
{
	unsigned long total = 0;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(dvc_chunk_cases); i++)
		total += fail_each_allocation(scenario_chunk_case_export,
					      &dvc_chunk_cases[i]);
	print_message("  %lu allocation failures injected\n", total);
	assert_true(total >= 2 * ARRAY_SIZE(dvc_chunk_cases) - 1);
}

static void test_grow(void **state)
{
	unsigned long n;

	(void)state;
	n = fail_each_allocation(scenario_grow, NULL);
	print_message("  %lu allocation failures injected\n", n);
	/*
	 * Ranges grow to 1, 2, 4, 8, 16 (16 bytes each, kmalloc buckets of
	 * 16 to 256 bytes, no marks), then to 32, 64, 128, and the reserve
	 * of 400 fills its 8 KiB bucket: 512, each of these four with its
	 * own array of lookup marks; the 29 extra runs grow to 4, 8, 16, 32:
	 * seventeen allocations in all.
	 */
	assert_int_equal(n, 17);
}

static void test_sgt_roundtrip(void **state)
{
	unsigned long n;

	(void)state;
	n = fail_each_allocation(scenario_sgt_roundtrip, NULL);
	print_message("  %lu allocation failures injected\n", n);
	assert_true(n >= 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, dvt_setup, dvt_teardown)
		T(test_build_cases),
		T(test_chunk_cases),
		T(test_grow),
		T(test_sgt_roundtrip),
#undef T
	};

	return cmocka_run_group_tests_name("failinj", tests, NULL, NULL);
}
