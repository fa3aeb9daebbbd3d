// SPDX-License-Identifier: GPL-2.0
/*
 * The lifetime contract, one rule at a time (issue 12, findings 2 and 3):
 * a mapping outlives its table; a live mapping or provider is not reused
 * or destroyed under its users; user memory is released through the pins
 * p2p_map handed out, after munmap, after the range was remapped with
 * other memory, and never for a range that was not pinned.  The threaded
 * side of the same contract is tests/user/test_stress.c.
 */
#include <stdlib.h>

#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <shim/sim.h>

#include "helpers.h"

#define VA	0x7f0000000000UL

/* EP A's BAR 0 is a bus-address peer of EP B; host RAM goes via an IOMMU. */
struct machine {
	struct pci_dev *a, *b;
};

static void build_machine(struct machine *m)
{
	struct sim_host_bridge_desc h = {
		.vendor = 0x8086, .device = 0x1234, .iommu = true,
	};
	struct pci_host_bridge *hb = sim_add_host_bridge(&h);
	struct pci_dev *rp, *down[2];

	assert_non_null(hb);
	rp = sim_add_root_port(hb, PCI_DEVFN(1, 0));
	assert_non_null(sim_add_switch(rp->subordinate, 2, down));
	m->a = sim_add_endpoint(down[0]->subordinate, 0, SZ_1G);
	m->b = sim_add_endpoint(down[1]->subordinate, 0, 0);
	assert_non_null(m->a);
	assert_non_null(m->b);
}

/*
 * Finding 3: a table of host RAM and peer memory, mapped, then released
 * (its arrays freed) before the syncs and the unmap: the mapping recorded
 * all they need.  Both the coalesced IOVA path and the range-by-range one.
 */
static void test_map_outlives_table(void **state)
{
	unsigned int iova_api;

	(void)state;
	for (iova_api = 0; iova_api < 2; iova_api++) {
		struct dma_vec_provider *prov = calloc(1, sizeof(*prov));
		struct dma_vec_map map = { };
		struct dma_vec_table *tbl;
		phys_addr_t pa[2];
		struct machine m;
		void *ram[2];

		dvt_resim();
		sim_set_iova_api(iova_api);
		build_machine(&m);
		assert_non_null(prov);
		ram[0] = shim_ram_alloc(2 * PAGE_SIZE, &pa[0]);
		ram[1] = shim_ram_alloc(PAGE_SIZE, &pa[1]);
		assert_non_null(ram[0]);
		assert_non_null(ram[1]);
		assert_int_equal(dma_vec_provider_init_pci(prov, m.a, 0, 0, SZ_1M,
							   NULL), 0);
		tbl = kmalloc(sizeof(*tbl), GFP_KERNEL);
		assert_non_null(tbl);
		dma_vec_table_init(tbl);
		assert_int_equal(dma_vec_append(tbl, pa[0], 2 * PAGE_SIZE, NULL,
						GFP_KERNEL), 0);
		assert_int_equal(dma_vec_append(tbl, prov->base + 0x3000,
						0x2000, prov, GFP_KERNEL), 0);
		assert_int_equal(dma_vec_append(tbl, pa[1], PAGE_SIZE, NULL,
						GFP_KERNEL), 0);
		assert_int_equal(dma_vec_map_table(&map, tbl, &m.b->dev,
						   DMA_BIDIRECTIONAL, 0, NULL,
						   NULL, GFP_KERNEL), 0);
		if (iova_api)
			assert_non_null(map.iova);
		else
			assert_null(map.iova);

		/* The table goes first; ASan catches any later read of it. */
		dma_vec_table_release(tbl);
		kfree(tbl);
		dma_vec_map_sync_for_device(&map);
		dma_vec_map_sync_for_cpu(&map);
		dma_vec_unmap(&map);
		assert_int_equal(sim_live_mappings(NULL), 0);
		assert_int_equal(dma_vec_provider_destroy(prov), 0);
		free(prov);
		shim_ram_free(ram[0]);
		shim_ram_free(ram[1]);
	}
}

/* Finding 3: mapping into a live map is refused, nothing changed. */
static void test_map_live_map(void **state)
{
	struct dma_vec_provider prov = { };
	struct dma_vec_map map = { }, before;
	struct dma_vec_table tbl;
	struct machine m;

	(void)state;
	build_machine(&m);
	assert_int_equal(dma_vec_provider_init_pci(&prov, m.a, 0, 0, SZ_1M,
						   NULL), 0);
	dma_vec_table_init(&tbl);
	assert_int_equal(dma_vec_append(&tbl, prov.base, 0x1000, &prov,
					GFP_KERNEL), 0);
	assert_int_equal(dma_vec_map_table(&map, &tbl, &m.b->dev,
					   DMA_TO_DEVICE, 0, NULL, NULL,
					   GFP_KERNEL), 0);
	before = map;
	dvt_expect_warns(1);
	assert_int_equal(dma_vec_map_table(&map, &tbl, &m.b->dev,
					   DMA_TO_DEVICE, 0, NULL, NULL,
					   GFP_KERNEL), -EBUSY);
	assert_memory_equal(&map, &before, sizeof(map));
	dma_vec_unmap(&map);

	/* Unmapping or syncing what is not mapped: a WARN, nothing else. */
	dvt_expect_warns(3);
	dma_vec_unmap(&map);
	dma_vec_map_sync_for_cpu(&map);
	dma_vec_map_sync_for_device(&map);

	/* An unmapped map can be mapped again. */
	assert_int_equal(dma_vec_map_table(&map, &tbl, &m.b->dev,
					   DMA_TO_DEVICE, 0, NULL, NULL,
					   GFP_KERNEL), 0);
	dma_vec_unmap(&map);
	dma_vec_table_release(&tbl);
	assert_int_equal(dma_vec_provider_destroy(&prov), 0);
}

/*
 * A host range that is not RAM (here a BAR appended without its
 * provider, and a RAM page that runs past the end of RAM) is refused
 * before anything is mapped: no struct page is made up for it.
 */
static void test_map_host_not_ram(void **state)
{
	struct dma_vec_provider prov = { };
	struct dma_vec_map map = { };
	struct dma_vec_table tbl;
	struct machine m;
	phys_addr_t pa;
	void *ram;

	(void)state;
	build_machine(&m);
	assert_int_equal(dma_vec_provider_init_pci(&prov, m.a, 0, 0, SZ_1M,
						   NULL), 0);
	ram = shim_ram_alloc(0x1000, &pa);
	assert_non_null(ram);

	dma_vec_table_init(&tbl);
	assert_int_equal(dma_vec_append(&tbl, pa, 0x1000, NULL, GFP_KERNEL),
			 0);
	assert_int_equal(dma_vec_append(&tbl, prov.base, 0x1000, NULL,
					GFP_KERNEL), 0);
	assert_int_equal(dma_vec_map_table(&map, &tbl, &m.b->dev,
					   DMA_TO_DEVICE, 0, NULL, NULL,
					   GFP_KERNEL), -EFAULT);
	assert_true(mem_is_zero(&map, sizeof(map)));
	dma_vec_table_release(&tbl);

	/* Starts in RAM, ends past it. */
	dma_vec_table_init(&tbl);
	assert_int_equal(dma_vec_append(&tbl, shim_ram_top() - 0x1000, 0x2000,
					NULL, GFP_KERNEL), 0);
	assert_int_equal(dma_vec_map_table(&map, &tbl, &m.b->dev,
					   DMA_TO_DEVICE, 0, NULL, NULL,
					   GFP_KERNEL), -EFAULT);
	assert_true(mem_is_zero(&map, sizeof(map)));
	dma_vec_table_release(&tbl);

	shim_ram_free(ram);
	assert_int_equal(dma_vec_provider_destroy(&prov), 0);
}

/*
 * Finding 3: destroying a provider with live maps is refused and leaves
 * the links in place; after a revocation the provider can be destroyed
 * and freed, and the importers' later unmaps do not touch it.
 */
static void test_destroy_live_provider(void **state)
{
	struct dma_vec_provider *prov = calloc(1, sizeof(*prov));
	struct dma_vec_map map = { }, map2 = { };
	struct dma_vec_table tbl;
	struct machine m;

	(void)state;
	assert_non_null(prov);
	build_machine(&m);
	assert_int_equal(dma_vec_provider_init_pci(prov, m.a, 0, 0, SZ_1M,
						   NULL), 0);
	dma_vec_table_init(&tbl);
	assert_int_equal(dma_vec_append(&tbl, prov->base, 0x1000, prov,
					GFP_KERNEL), 0);
	assert_int_equal(dma_vec_map_table(&map, &tbl, &m.b->dev,
					   DMA_TO_DEVICE, 0, NULL, NULL,
					   GFP_KERNEL), 0);
	assert_int_equal(dma_vec_map_table(&map2, &tbl, &m.b->dev,
					   DMA_TO_DEVICE, 0, NULL, NULL,
					   GFP_KERNEL), 0);
	dvt_expect_warns(1);
	assert_int_equal(dma_vec_provider_destroy(prov), -EBUSY);
	/* Still a working provider: one importer unmaps normally. */
	dma_vec_unmap(&map);
	dma_vec_table_release(&tbl);

	dma_vec_provider_revoke(prov);
	assert_int_equal(dma_vec_provider_destroy(prov), 0);
	memset(prov, 0x6b, sizeof(*prov));
	free(prov);
	/* The other one unmaps after the provider is gone. */
	dma_vec_unmap(&map2);
}

/* ---- user memory (finding 2) ---- */

/*
 * A BAR exporter: its VMAs map a window of its provider linearly.  It
 * counts pins per exporter, and a pin remembers its exporter, so a
 * release that reaches the wrong exporter (or none) shows.
 */
struct exporter {
	struct dma_vec_provider prov;
	long pins;
	unsigned long releases;
};

static void exp_release(struct dma_vec_pin *pin)
{
	struct exporter *x = pin->cookie;

	assert_true(x->pins > 0);
	assert_true(pin->start < pin->end);
	x->pins--;
	x->releases++;
}

static int exp_p2p_map(struct vm_area_struct *vma, unsigned long start,
		       unsigned long end, bool write, struct dma_vec_table *tbl,
		       struct dma_vec_pin *pin, gfp_t gfp)
{
	struct exporter *x = vma->vm_private_data;
	int ret;

	ret = dma_vec_append(tbl, x->prov.base + (start - vma->vm_start),
			     end - start, &x->prov, gfp);
	if (ret)
		return ret;
	x->pins++;
	pin->release = exp_release;
	pin->cookie = x;
	return 0;
}

static const struct vm_operations_struct exp_ops = {
	.p2p_map = exp_p2p_map,
};

/* An exporter bug: success without a way to release. */
static int bad_p2p_map(struct vm_area_struct *vma, unsigned long start,
		       unsigned long end, bool write, struct dma_vec_table *tbl,
		       struct dma_vec_pin *pin, gfp_t gfp)
{
	return 0;
}

static const struct vm_operations_struct bad_ops = {
	.p2p_map = bad_p2p_map,
};

static void exporter_init(struct exporter *x, int idx)
{
	memset(x, 0, sizeof(*x));
	assert_int_equal(dma_vec_provider_init(&x->prov, NULL, idx,
					       0x10000000000ULL * (idx + 1),
					       SZ_1G, 0, NULL), 0);
}

static void add_vma(struct mm_struct *mm, unsigned long start,
		    unsigned long len, const struct vm_operations_struct *ops,
		    void *priv)
{
	mmap_write_lock(mm);
	assert_non_null(sim_vma_add(mm, start, start + len,
				    VM_READ | VM_WRITE | VM_SHARED | VM_IO |
				    VM_PFNMAP, ops, priv));
	mmap_write_unlock(mm);
}

static void munmap_vma(struct mm_struct *mm, unsigned long start)
{
	mmap_write_lock(mm);
	assert_int_equal(sim_vma_remove(mm, start), 0);
	mmap_write_unlock(mm);
}

/*
 * Obtained from two exporters' VMAs; then user space munmaps both,
 * remaps the first with anonymous memory and the second with a third
 * exporter: releasing reaches exactly the two exporters that pinned.
 */
static void test_put_user_after_munmap(void **state)
{
	struct exporter x[3];
	struct dma_vec_user u = { };
	struct dma_vec_table tbl;
	struct mm_struct *mm;
	int i;

	(void)state;
	for (i = 0; i < 3; i++)
		exporter_init(&x[i], i);
	mm = sim_mm_create();
	add_vma(mm, VA, 0x4000, &exp_ops, &x[0]);
	add_vma(mm, VA + 0x4000, 0x4000, &exp_ops, &x[1]);
	dma_vec_table_init(&tbl);
	assert_int_equal(dma_vec_from_user(mm, VA + 0x1000, 0x5000, true, &tbl,
					   &u, GFP_KERNEL), 0);
	assert_int_equal(u.nr, 2);
	assert_int_equal(tbl.nr_runs, 2);
	assert_int_equal(x[0].pins, 1);
	assert_int_equal(x[1].pins, 1);

	munmap_vma(mm, VA);
	munmap_vma(mm, VA + 0x4000);
	add_vma(mm, VA, 0x4000, NULL, NULL);		/* anonymous memory */
	add_vma(mm, VA + 0x4000, 0x4000, &exp_ops, &x[2]);

	assert_int_equal(dma_vec_put_user(&u), 0);
	assert_int_equal(x[0].pins, 0);
	assert_int_equal(x[1].pins, 0);
	assert_int_equal(x[0].releases, 1);
	assert_int_equal(x[1].releases, 1);
	assert_int_equal(x[2].releases, 0);
	assert_null(u.pins);
	assert_int_equal(u.nr, 0);

	/* Released twice, or never obtained: refused, nobody called. */
	dvt_expect_warns(1);
	assert_int_equal(dma_vec_put_user(&u), -EINVAL);
	assert_int_equal(x[0].releases + x[1].releases + x[2].releases, 2);
	dma_vec_table_release(&tbl);
	sim_mm_destroy(mm);
}

/* Bad ranges and a live handle are refused before any exporter is asked. */
static void test_from_user_refusals(void **state)
{
	struct dma_vec_user u = { }, before;
	struct exporter x;
	struct dma_vec_table tbl;
	struct mm_struct *mm;

	(void)state;
	exporter_init(&x, 0);
	mm = sim_mm_create();
	add_vma(mm, VA, 0x4000, &exp_ops, &x);
	add_vma(mm, VA + 0x8000, 0x1000, &bad_ops, NULL);
	dma_vec_table_init(&tbl);

	/* A range that wraps. */
	assert_int_equal(dma_vec_from_user(mm, ULONG_MAX - 0xfff, 0x2000, true,
					   &tbl, &u, GFP_KERNEL), -EFAULT);
	/* A hole after a good VMA: the good one is not even asked. */
	assert_int_equal(dma_vec_from_user(mm, VA, 0x5000, true, &tbl, &u,
					   GFP_KERNEL), -EFAULT);
	assert_int_equal(x.pins + x.releases, 0);
	assert_int_equal(tbl.nr, 0);
	assert_int_equal(u.nr, 0);

	/* A live handle is not overwritten. */
	assert_int_equal(dma_vec_from_user(mm, VA, 0x1000, true, &tbl, &u,
					   GFP_KERNEL), 0);
	before = u;
	dvt_expect_warns(1);
	assert_int_equal(dma_vec_from_user(mm, VA + 0x1000, 0x1000, true, &tbl,
					   &u, GFP_KERNEL), -EBUSY);
	assert_memory_equal(&u, &before, sizeof(u));
	assert_int_equal(x.pins, 1);
	assert_int_equal(dma_vec_put_user(&u), 0);
	assert_int_equal(x.pins, 0);
	dma_vec_table_release(&tbl);

	/* An exporter that pins without a release: refused, table as it was. */
	dma_vec_table_init(&tbl);
	dvt_expect_warns(1);
	assert_int_equal(dma_vec_from_user(mm, VA + 0x8000, 0x1000, false,
					   &tbl, &u, GFP_KERNEL), -EINVAL);
	assert_int_equal(tbl.nr, 0);
	assert_int_equal(u.nr, 0);
	dma_vec_table_release(&tbl);
	sim_mm_destroy(mm);
}

#define T(f)	cmocka_unit_test_setup_teardown(f, dvt_sim_setup, \
						dvt_sim_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_map_outlives_table),
		T(test_map_live_map),
		T(test_map_host_not_ram),
		T(test_destroy_live_provider),
		T(test_put_user_after_munmap),
		T(test_from_user_refusals),
	};

	return cmocka_run_group_tests_name("contract", tests, NULL, NULL);
}
