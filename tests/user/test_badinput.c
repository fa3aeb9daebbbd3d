// SPDX-License-Identifier: GPL-2.0
/*
 * The catalogue of bad inputs and misuses (docs/bad-input.md): every row of
 * tests/kunit/dma_vec_badinput_cases.h, one CMocka test each.  A row makes
 * one bad call on a fresh fixture and must get its answer with the table
 * unchanged, the out parameters untouched, no object leaked, no descriptor
 * block left allocated, nothing left mapped, and exactly its WARNs.
 */
#include <stdlib.h>

#include <linux/dmapool.h>
#include <linux/nvme.h>
#include <rdma/dma_vec.h>
#include <shim/sim.h>

#include "helpers.h"
#include "dma_vec_nvme.h"

static void dvb_fail_nth(unsigned int n)
{
	shim_fail_nth(n);
}

#include "dma_vec_badinput_cases.h"

static_assert(DVB_SGLS == DMA_VEC_NVME_SGLS);
static_assert(DVB_SGLS_DWORD == DMA_VEC_NVME_SGLS_DWORD);
static_assert(DVB_NVME_MAX_ENTRIES == DMA_VEC_NVME_MAX_ENTRIES);

static int dvb_nvme(const struct dvb_case *c, struct dma_pool *pool)
{
	struct dma_vec_nvme_ctrl ctrl = {
		.pool = c->nvme.no_pool ? NULL : pool,
		.pool_block = c->nvme.pool_block,
		.max_transfer = c->nvme.mdts,
		.page_shift = c->nvme.page_shift,
		.sgls = c->nvme.sgls,
	};
	const struct dma_vec_drange *dr = c->null_arg ? NULL : c->dr;
	struct dma_vec_nvme_data data, pdata;
	union nvme_data_ptr dptr, pdptr;
	int ret;

	memset(&data, DVB_POISON, sizeof(data));
	memset(&dptr, DVB_POISON, sizeof(dptr));
	pdata = data;
	pdptr = dptr;
	if (c->failinj)
		shim_fail_nth(c->failinj);
	if (c->op == DVB_NVME_PRPS)
		ret = dma_vec_nvme_setup_prps(&ctrl, dr, c->nr, &dptr, &data,
					      GFP_KERNEL);
	else if (c->op == DVB_NVME_SGLS)
		ret = dma_vec_nvme_setup_sgls(&ctrl, dr, c->nr, &dptr, &data,
					      GFP_KERNEL);
	else
		ret = dma_vec_nvme_setup_data(&ctrl, dr, c->nr, &dptr, &data,
					      GFP_KERNEL);
	if (!ret) {
		dma_vec_nvme_free_data(&data);
		return ret;
	}
	if (memcmp(&data, &pdata, sizeof(data)) ||
	    memcmp(&dptr, &pdptr, sizeof(dptr)) ||
	    shim_dma_pool_in_use(pool))
		return DVB_CLOBBERED;
	return ret;
}

static int dvb_rdma(const struct dvb_case *c, const struct dma_vec_table *tbl,
		    struct device *dev)
{
	const struct dma_vec_drange *dr = c->null_arg ? NULL : c->dr;
	struct dma_vec_rdma_rw_dev d = {
		.dma_dev = dev, .lim = c->lim, .max_sge = c->c,
		.max_sge_rd = c->c, .lkey = 1,
	};
	struct dma_vec_rdma_rw_ctx ctx, pctx;
	struct dma_vec_slice slice;
	u64 pages = 7, bytes = 7;
	int ret;

	if (c->op == DVB_RDMA_COUNT_MR_PAGES) {
		ret = dma_vec_rdma_count_mr_pages(dr, c->nr, c->a, &pages,
						  &bytes);
		return ret && (pages != 7 || bytes != 7) ? DVB_CLOBBERED : ret;
	}
	/*
	 * Invalid arguments leave the context alone; a range refused while
	 * mapping leaves it empty.  Either way nothing stays mapped.
	 */
	dma_vec_slice_all(tbl, &slice);
	memset(&ctx, DVB_POISON, sizeof(ctx));
	pctx = ctx;
	ret = dma_vec_rdma_rw_init(&ctx, &d, &slice, c->a, 2, c->b,
				   GFP_KERNEL);
	if (ret > 0)
		dma_vec_rdma_rw_destroy(&ctx);
	else if (ret == -EINVAL ? memcmp(&ctx, &pctx, sizeof(ctx)) :
		 ctx.nr_wrs || ctx.wrs != ctx.inl_wrs)
		return DVB_CLOBBERED;
	return sim_live_mappings(dev) ? DVB_CLOBBERED : ret;
}

static void test_row(void **state)
{
	static const struct sim_dev_desc dev_desc = { .dma_bits = 64 };
	const struct dvb_case *c = *state;
	struct dma_vec_table tbl, other;
	struct dvt_snapshot snap;
	struct dma_vec_provider prov, pprov;
	struct dma_pool *pool;
	struct device *dev;
	struct dvb_fix f = { .tbl = &tbl, .other = &other };
	void *ram;
	long live;
	int ret;

	dev = sim_add_device("dvb", NULL, &dev_desc);
	pool = dma_pool_create("dvb", dev, 4096, 4096, 0);
	assert_non_null(pool);
	ram = shim_ram_alloc(DVB_RAM_SIZE, &f.ram_pa);
	assert_non_null(ram);
	f.ram = ram;
	f.buf = malloc(DVB_BUF_SIZE);
	assert_non_null(f.buf);
	f.prov[0] = &dvt_prov[0];
	f.prov[1] = &dvt_prov[1];
	live = shim_live_objects();
	dma_vec_table_init(&tbl);
	dma_vec_table_init(&other);
	assert_int_equal(dvb_fixture_build(&f, &tbl, c->fix), 0);
	assert_int_equal(dvb_fixture_build(&f, &other, c->fix), 0);
	dvt_snapshot_take(&snap, &tbl);

	dvt_expect_warns(c->warns);
	if (c->op < DVB_NR_CORE_OPS) {
		ret = dvb_call_core(c, &f);
	} else if (c->op == DVB_PROVIDER_INIT) {
		memset(&prov, DVB_POISON, sizeof(prov));
		pprov = prov;
		ret = dma_vec_provider_init(&prov, NULL, 0, c->a, c->b, c->c,
					    NULL);
		if (ret && memcmp(&prov, &pprov, sizeof(prov)))
			ret = DVB_CLOBBERED;
	} else if (c->op <= DVB_NVME_DATA) {
		ret = dvb_nvme(c, pool);
	} else {
		ret = dvb_rdma(c, &tbl, dev);
	}
	assert_int_equal(ret, c->ret);
	/* A failure injection the call never reached is a broken row. */
	assert_false(shim_fail_pending());

	/*
	 * Nothing changed, no descriptor block left allocated; and once the
	 * tables are released (capacity grown before a failure is kept until
	 * then, as documented), nothing leaked.
	 */
	dvt_check_invariants(&tbl);
	dvt_snapshot_check(&snap, &tbl);
	assert_int_equal(shim_dma_pool_in_use(pool), 0);
	dvt_snapshot_drop(&snap);
	dma_vec_table_release(&tbl);
	dma_vec_table_release(&other);
	assert_int_equal(shim_live_objects(), live);
	free(f.buf);
	shim_ram_free(ram);
	dma_pool_destroy(pool);
}

/*
 * The shim's kvmalloc() refuses what 6.12's refuses: sizes above INT_MAX,
 * with a WARN unless __GFP_NOWARN, before any allocation is made.
 */
static void test_kvmalloc_limit(void **state)
{
	void *p;

	(void)state;
	dvt_expect_warns(2);
	assert_null(kvmalloc((size_t)INT_MAX + 1, GFP_KERNEL));
	assert_null(kvmalloc_array(0x10000000, 16, GFP_KERNEL));
	assert_null(kvmalloc((size_t)INT_MAX + 1, GFP_KERNEL | __GFP_NOWARN));
	assert_int_equal(shim_alloc_calls(), 0);
	p = kvmalloc(64, GFP_KERNEL);
	assert_non_null(p);
	kvfree(p);
}

int main(void)
{
	static struct CMUnitTest tests[DVB_NR_CASES + 1];
	unsigned int i;

	tests[DVB_NR_CASES] = (struct CMUnitTest)cmocka_unit_test_setup_teardown(
		test_kvmalloc_limit, dvt_setup, dvt_teardown);
	for (i = 0; i < DVB_NR_CASES; i++) {
		tests[i] = (struct CMUnitTest)cmocka_unit_test_prestate_setup_teardown(
			test_row, dvt_sim_setup, dvt_sim_teardown,
			(void *)&dvb_cases[i]);
		tests[i].name = dvb_cases[i].name;
	}
	/* DVB_ROW="glob" runs the matching rows only. */
	if (getenv("DVB_ROW"))
		cmocka_set_test_filter(getenv("DVB_ROW"));
	return _cmocka_run_group_tests("badinput", tests, DVB_NR_CASES + 1,
				       NULL, NULL);
}
