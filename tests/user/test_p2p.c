// SPDX-License-Identifier: GPL-2.0
/*
 * P2P: providers from PCI BARs, the topology matrix against the 6.12
 * rules, mapping a table for a device with every map type (bytes moved
 * through the simulated DMA engine), IOVA coalescing, failure injection at
 * every step, revocation, syncs and bounce buffers.
 */
#include <stdlib.h>

#include <asm/processor.h>
#include <linux/bitops.h>
#include <linux/dma-mapping.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <shim/sim.h>

#include "helpers.h"
#include "dma_vec_p2p_cases.h"

struct topo {
	struct pci_host_bridge *hb[DVC_NR_NODES];
	struct pci_dev *n[DVC_NR_NODES];
};

static const int dvt_pcie_type[] = {
	[DVC_NODE_RP] = PCI_EXP_TYPE_ROOT_PORT,
	[DVC_NODE_USP] = PCI_EXP_TYPE_UPSTREAM,
	[DVC_NODE_DSP] = PCI_EXP_TYPE_DOWNSTREAM,
	[DVC_NODE_EP] = PCI_EXP_TYPE_ENDPOINT,
};

/* The machine of dvc_nodes[]; every endpoint has a 1 GiB BAR 0. */
static void build_topo(struct topo *t, bool iommu)
{
	unsigned int i, domain = 0;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < DVC_NR_NODES; i++) {
		const struct dvc_node *nd = &dvc_nodes[i];
		struct sim_pci_desc d = {
			.type = dvt_pcie_type[nd->type],
			.devfn = nd->devfn,
			.vendor = nd->vendor,
			.device = nd->device,
		};
		struct pci_bus *bus;

		if (nd->type == DVC_NODE_HB) {
			struct sim_host_bridge_desc h = {
				.domain = domain++,
				.vendor = nd->vendor,
				.device = nd->device,
				.iommu = iommu,
			};

			t->hb[i] = sim_add_host_bridge(&h);
			assert_non_null(t->hb[i]);
			continue;
		}
		bus = t->hb[nd->parent] ? t->hb[nd->parent]->bus :
		      t->n[nd->parent]->subordinate;
		if (nd->type == DVC_NODE_RP || nd->type == DVC_NODE_DSP) {
			d.acs = true;
			d.acs_ctrl = nd->acs_redirect ? PCI_ACS_RR | PCI_ACS_CR : 0;
		}
		if (nd->type == DVC_NODE_EP) {
			d.dma_bits = 64;
			d.bar[0].size = SZ_1G;
			d.bar[0].prefetch = true;
		}
		t->n[i] = sim_add_pci(bus, &d);
		assert_non_null(t->n[i]);
	}
}

static void provider_on(struct dma_vec_provider *prov, struct pci_dev *pdev)
{
	assert_int_equal(dma_vec_provider_init_pci(prov, pdev, 0, 0, 0, NULL), 0);
}

static void test_matrix(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(dvc_p2p_cases); i++) {
		const struct dvc_p2p_case *c = &dvc_p2p_cases[i];
		struct dma_vec_provider prov;
		const char *why, *why2;
		struct device *client;
		struct topo t;

		print_message("  case: %s\n", c->name);
		dvt_resim();
		if (c->amd_zen)
			sim_set_cpu(X86_VENDOR_AMD, 0x17);
		build_topo(&t, false);
		client = &t.n[c->client]->dev;
		provider_on(&prov, t.n[c->provider]);
		assert_int_equal(dma_vec_classify(&prov, client, GFP_KERNEL, &why),
				 c->type);
		assert_non_null(why);
		/* The oracle reads the topology, not the PCI API: it agrees. */
		assert_int_equal(dvt_expected_type(t.n[c->provider], client),
				 c->type);
		/* The second answer comes from the cache, identical. */
		assert_int_equal(dma_vec_classify(&prov, client, GFP_KERNEL, &why2),
				 c->type);
		assert_ptr_equal(why, why2);
		dma_vec_provider_destroy(&prov);
	}
}

/* Family 0x16 is not Zen; a Hygon is not AMD. */
static void test_cpu_rule_edges(void **state)
{
	static const u8 cpu[][2] = {
		{ X86_VENDOR_AMD, 0x16 }, { X86_VENDOR_HYGON, 0x18 },
		{ X86_VENDOR_AMD, 0x19 },
	};
	static const enum dma_vec_map_type expect[] = {
		DMA_VEC_MAP_NOT_SUPPORTED, DMA_VEC_MAP_NOT_SUPPORTED,
		DMA_VEC_MAP_THRU_HOST_BRIDGE,
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cpu); i++) {
		struct dma_vec_provider prov;
		struct topo t;

		dvt_resim();
		sim_set_cpu(cpu[i][0], cpu[i][1]);
		build_topo(&t, false);
		provider_on(&prov, t.n[DVC_EPG]);
		assert_int_equal(dma_vec_classify(&prov, &t.n[DVC_EPH]->dev,
						  GFP_KERNEL, NULL), expect[i]);
		dma_vec_provider_destroy(&prov);
	}
}

static void test_not_pci(void **state)
{
	struct dma_vec_provider prov, bare;
	struct device *plain;
	const char *why;
	struct topo t;

	(void)state;
	build_topo(&t, false);
	plain = sim_add_device("plain", NULL, NULL);
	provider_on(&prov, t.n[DVC_EPA]);
	assert_int_equal(dma_vec_classify(&prov, plain, GFP_KERNEL, &why),
			 DMA_VEC_MAP_NOT_SUPPORTED);
	assert_non_null(strstr(why, "client"));
	assert_int_equal(dma_vec_provider_init(&bare, NULL, 0, 0x100000000000ULL,
					       SZ_1M, 0, NULL), 0);
	assert_int_equal(dma_vec_classify(&bare, &t.n[DVC_EPA]->dev, GFP_KERNEL,
					  &why), DMA_VEC_MAP_NOT_SUPPORTED);
	assert_non_null(strstr(why, "provider"));
	dma_vec_provider_destroy(&bare);
	dma_vec_provider_destroy(&prov);
}

/* A failed cache allocation costs a recomputation, not the answer. */
static void test_classify_cache_enomem(void **state)
{
	struct dma_vec_provider prov;
	struct topo t;

	(void)state;
	build_topo(&t, false);
	provider_on(&prov, t.n[DVC_EPA]);
	shim_fail_nth(1);
	assert_int_equal(dma_vec_classify(&prov, &t.n[DVC_EPB]->dev, GFP_KERNEL,
					  NULL), DMA_VEC_MAP_BUS_ADDR);
	assert_false(shim_fail_pending());
	assert_true(list_empty(&prov.__p2p.clients));
	assert_int_equal(dma_vec_classify(&prov, &t.n[DVC_EPB]->dev, GFP_KERNEL,
					  NULL), DMA_VEC_MAP_BUS_ADDR);
	assert_false(list_empty(&prov.__p2p.clients));
	dma_vec_provider_destroy(&prov);
}

static void test_provider_init_pci(void **state)
{
	struct dma_vec_provider prov, before;
	struct pci_dev *ep;
	struct topo t;

	(void)state;
	build_topo(&t, false);
	ep = t.n[DVC_EPA];
	memset(&prov, 0x6b, sizeof(prov));
	before = prov;
	assert_int_equal(dma_vec_provider_init_pci(&prov, ep, -1, 0, 0, NULL),
			 -EINVAL);
	assert_int_equal(dma_vec_provider_init_pci(&prov, ep, PCI_STD_NUM_BARS,
						   0, 0, NULL), -EINVAL);
	/* BAR 2 is not implemented. */
	assert_int_equal(dma_vec_provider_init_pci(&prov, ep, 2, 0, 0, NULL),
			 -EINVAL);
	assert_int_equal(dma_vec_provider_init_pci(&prov, ep, 0, SZ_1G, 0, NULL),
			 -ERANGE);
	assert_int_equal(dma_vec_provider_init_pci(&prov, ep, 0, SZ_1M,
						   SZ_1G, NULL), -ERANGE);
	assert_memory_equal(&prov, &before, sizeof(prov));

	assert_int_equal(dma_vec_provider_init_pci(&prov, ep, 0, SZ_1M, SZ_2M,
						   NULL), 0);
	assert_ptr_equal(prov.owner, &ep->dev);
	assert_int_equal(prov.base, pci_resource_start(ep, 0) + SZ_1M);
	assert_int_equal(prov.size, SZ_2M);
	/* The simulated host bridges have a non-zero bus offset. */
	assert_int_equal(prov.bus_offset,
			 pci_bus_address(ep, 0) - pci_resource_start(ep, 0));
	assert_int_not_equal(prov.bus_offset, 0);
	dma_vec_provider_destroy(&prov);

	assert_int_equal(dma_vec_provider_init_pci(&prov, ep, 0, SZ_1M, 0, NULL),
			 0);
	assert_int_equal(prov.size, SZ_1G - SZ_1M);
	dma_vec_provider_destroy(&prov);
}

/* BAR ranges at these offsets, deliberately not page aligned at the end. */
static const struct { u64 off, len; } bar_ranges[] = {
	{ 0x0, 0x10000 }, { 0x40000, 0x3000 }, { 0x100123, 0x2000 },
};

static void build_bar_table(struct dma_vec_table *tbl,
			    struct dma_vec_provider *prov)
{
	unsigned int i;

	dma_vec_table_init(tbl);
	for (i = 0; i < ARRAY_SIZE(bar_ranges); i++)
		assert_int_equal(dma_vec_append(tbl, prov->base + bar_ranges[i].off,
						bar_ranges[i].len, prov,
						GFP_KERNEL), 0);
}

static void fill(u8 *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (u8)(seed + i * 7 + (i >> 8));
}

/* Device writes a pattern through every DMA range; CPU side checks it. */
static void dma_write_pattern(struct device *dev, const struct dma_vec_map *m,
			      unsigned int seed)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++) {
		u8 *buf = malloc(m->ranges[i].len);

		assert_non_null(buf);
		fill(buf, m->ranges[i].len, seed + i);
		assert_int_equal(sim_dma(dev, m->ranges[i].addr, buf,
					 m->ranges[i].len, true), 0);
		free(buf);
	}
}

static void check_bar_pattern(struct pci_dev *ep, unsigned int seed)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bar_ranges); i++) {
		u8 *want = malloc(bar_ranges[i].len);
		u8 *got = malloc(bar_ranges[i].len);

		assert_non_null(want);
		assert_non_null(got);
		fill(want, bar_ranges[i].len, seed + i);
		assert_int_equal(sim_bar_read(ep, 0, bar_ranges[i].off, got,
					      bar_ranges[i].len), 0);
		assert_memory_equal(got, want, bar_ranges[i].len);
		free(want);
		free(got);
	}
}

static void test_map_bus_addr(void **state)
{
	unsigned int iommu;

	(void)state;
	for (iommu = 0; iommu < 2; iommu++) {
		struct dma_vec_provider prov;
		struct dma_vec_table tbl;
		struct dma_vec_map m = { };
		struct device *dev;
		struct topo t;
		unsigned int i;

		dvt_resim();
		build_topo(&t, iommu);
		dev = &t.n[DVC_EPB]->dev;
		provider_on(&prov, t.n[DVC_EPA]);
		build_bar_table(&tbl, &prov);
		assert_int_equal(dma_vec_map_table(&m, &tbl, dev, DMA_BIDIRECTIONAL,
						   0, NULL, NULL, GFP_KERNEL), 0);
		assert_int_equal(m.nr, tbl.nr);
		assert_int_equal(m.run_types[0], DMA_VEC_MAP_BUS_ADDR);
		for (i = 0; i < m.nr; i++) {
			assert_int_equal(m.ranges[i].addr,
					 tbl.ranges[i].paddr + prov.bus_offset);
			assert_int_equal(m.ranges[i].len, tbl.ranges[i].len);
		}
		/* Bus addresses need nothing from the DMA API. */
		assert_int_equal(sim_live_mappings(dev), 0);
		dma_write_pattern(dev, &m, 3);
		check_bar_pattern(t.n[DVC_EPA], 3);
		/* The CPU physical address is not what the peer decodes. */
		dvt_expect_fault(sim_dma(dev, tbl.ranges[0].paddr, &i, 1, true),
				 NULL);
		dma_vec_unmap(&m);
		assert_null(m.ranges);
		dma_vec_table_release(&tbl);
		dma_vec_provider_destroy(&prov);
	}
}

static void test_map_host_bridge(void **state)
{
	unsigned int iommu;

	(void)state;
	for (iommu = 0; iommu < 2; iommu++) {
		struct dma_vec_provider prov;
		struct dma_vec_table tbl;
		struct dma_vec_map m = { };
		struct device *dev;
		struct topo t;
		unsigned int i;

		dvt_resim();
		sim_set_iova_api(false);
		build_topo(&t, iommu);
		dev = &t.n[DVC_EPD]->dev;
		provider_on(&prov, t.n[DVC_EPA]);
		build_bar_table(&tbl, &prov);
		assert_int_equal(dma_vec_map_table(&m, &tbl, dev, DMA_FROM_DEVICE,
						   0, NULL, NULL, GFP_KERNEL), 0);
		assert_int_equal(m.run_types[0], DMA_VEC_MAP_THRU_HOST_BRIDGE);
		assert_int_equal(m.nr, tbl.nr);
		assert_int_equal(sim_live_mappings(dev), tbl.nr);
		for (i = 0; i < m.nr && !iommu; i++)
			assert_int_equal(m.ranges[i].addr, tbl.ranges[i].paddr);
		dma_write_pattern(dev, &m, 9);
		check_bar_pattern(t.n[DVC_EPA], 9);
		/* A from-device mapping cannot be read by the device. */
		if (iommu)
			dvt_expect_fault(sim_dma(dev, m.ranges[0].addr, &i, 1,
						 false), NULL);
		dma_vec_unmap(&m);
		assert_int_equal(sim_live_mappings(dev), 0);
		dma_vec_table_release(&tbl);
		dma_vec_provider_destroy(&prov);
	}
}

struct ram {
	u8 *va[3];
	phys_addr_t pa[3];
};

static void ram_alloc(struct ram *r, size_t size)
{
	unsigned int i;

	for (i = 0; i < 3; i++) {
		r->va[i] = shim_ram_alloc(size, &r->pa[i]);
		assert_non_null(r->va[i]);
	}
}

static void ram_free(struct ram *r)
{
	unsigned int i;

	for (i = 0; i < 3; i++)
		shim_ram_free(r->va[i]);
}

static void test_map_host_memory(void **state)
{
	unsigned int iommu;

	(void)state;
	for (iommu = 0; iommu < 2; iommu++) {
		struct dma_vec_table tbl;
		struct dma_vec_map m = { };
		u8 buf[0x1800];
		struct device *dev;
		struct topo t;
		struct ram r;
		unsigned int i;

		dvt_resim();
		sim_set_iova_api(false);
		build_topo(&t, iommu);
		dev = &t.n[DVC_EPB]->dev;
		ram_alloc(&r, 4 * PAGE_SIZE);
		dma_vec_table_init(&tbl);
		for (i = 0; i < 3; i++)
			assert_int_equal(dma_vec_append(&tbl, r.pa[i] + 0x800 * i,
							0x1800, NULL, GFP_KERNEL), 0);
		assert_int_equal(dma_vec_map_table(&m, &tbl, dev, DMA_FROM_DEVICE,
						   0, NULL, NULL, GFP_KERNEL), 0);
		assert_int_equal(m.run_types[0], DMA_VEC_MAP_HOST);
		assert_int_equal(sim_live_mappings(dev), 3);
		for (i = 0; i < 3; i++) {
			fill(buf, sizeof(buf), 40 + i);
			assert_int_equal(sim_dma(dev, m.ranges[i].addr, buf,
						 sizeof(buf), true), 0);
		}
		dma_vec_map_sync_for_cpu(&m);
		for (i = 0; i < 3; i++) {
			fill(buf, sizeof(buf), 40 + i);
			assert_memory_equal(r.va[i] + 0x800 * i, buf, sizeof(buf));
		}
		dma_vec_map_sync_for_device(&m);
		/* One byte past a range faults. */
		dvt_expect_fault(sim_dma(dev, m.ranges[0].addr + 0x1800, buf, 1,
					 true), NULL);
		dma_vec_unmap(&m);
		dma_vec_table_release(&tbl);
		ram_free(&r);
	}
}

/*
 * The two-step IOVA API: RAM pages and an allow-listed peer's BAR pages
 * become one IOVA range; an unaligned inner boundary falls back to one
 * mapping per range, as on 6.12.
 */
static void test_map_iova_coalescing(void **state)
{
	struct dma_vec_provider prov;
	struct dma_vec_table tbl;
	struct dma_vec_map m = { };
	struct device *dev;
	struct topo t;
	struct ram r;
	u8 *buf, *got;
	u64 off = 0;
	unsigned int i;

	(void)state;
	build_topo(&t, true);
	dev = &t.n[DVC_EPD]->dev;
	provider_on(&prov, t.n[DVC_EPA]);
	ram_alloc(&r, 4 * PAGE_SIZE);
	dma_vec_table_init(&tbl);
	assert_int_equal(dma_vec_append(&tbl, r.pa[0] + 0x200, 0x1e00, NULL,
					GFP_KERNEL), 0);
	assert_int_equal(dma_vec_append(&tbl, prov.base + 0x10000, 0x3000, &prov,
					GFP_KERNEL), 0);
	assert_int_equal(dma_vec_append(&tbl, r.pa[1], 0x2000, NULL,
					GFP_KERNEL), 0);
	assert_int_equal(dma_vec_append(&tbl, r.pa[2], 0x1234, NULL,
					GFP_KERNEL), 0);
	assert_int_equal(dma_vec_map_table(&m, &tbl, dev, DMA_BIDIRECTIONAL, 0,
					   NULL, NULL, GFP_KERNEL), 0);
	assert_non_null(m.iova);
	assert_int_equal(m.nr, 1);
	assert_int_equal(m.ranges[0].len, dma_vec_len(&tbl));
	assert_int_equal(m.run_types[1], DMA_VEC_MAP_THRU_HOST_BRIDGE);

	/* One transfer over the whole IOVA lands in all four pieces. */
	buf = malloc(dma_vec_len(&tbl));
	got = malloc(dma_vec_len(&tbl));
	assert_non_null(buf);
	assert_non_null(got);
	fill(buf, dma_vec_len(&tbl), 77);
	assert_int_equal(sim_dma(dev, m.ranges[0].addr, buf, dma_vec_len(&tbl),
				 true), 0);
	dma_vec_map_sync_for_cpu(&m);
	memcpy(got, r.va[0] + 0x200, 0x1e00);
	off += 0x1e00;
	assert_int_equal(sim_bar_read(t.n[DVC_EPA], 0, 0x10000, got + off,
				      0x3000), 0);
	off += 0x3000;
	memcpy(got + off, r.va[1], 0x2000);
	off += 0x2000;
	memcpy(got + off, r.va[2], 0x1234);
	assert_memory_equal(got, buf, dma_vec_len(&tbl));
	dma_vec_unmap(&m);
	assert_int_equal(sim_live_mappings(dev), 0);
	dma_vec_table_release(&tbl);

	/* An inner boundary off the IOMMU granule: range by range. */
	dma_vec_table_init(&tbl);
	for (i = 0; i < 3; i++)
		assert_int_equal(dma_vec_append(&tbl, r.pa[i] + 0x100, 0x1000,
						NULL, GFP_KERNEL), 0);
	assert_int_equal(dma_vec_map_table(&m, &tbl, dev, DMA_TO_DEVICE, 0,
					   NULL, NULL, GFP_KERNEL), 0);
	assert_null(m.iova);
	assert_int_equal(m.nr, 3);
	assert_int_equal(sim_live_mappings(dev), 3);
	dma_vec_unmap(&m);
	dma_vec_table_release(&tbl);

	free(buf);
	free(got);
	ram_free(&r);
	dma_vec_provider_destroy(&prov);
}

static void test_map_refusals(void **state)
{
	struct dma_vec_provider prov, gone;
	struct dma_vec_map m, before;
	struct dma_vec_table tbl, empty;
	struct topo t;

	(void)state;
	build_topo(&t, true);
	provider_on(&prov, t.n[DVC_EPA]);
	build_bar_table(&tbl, &prov);
	dma_vec_table_init(&empty);
	memset(&m, 0x5c, sizeof(m));
	before = m;

	/* Not reachable: nothing mapped, nothing changed, reason logged. */
	assert_int_equal(dma_vec_map_table(&m, &tbl, &t.n[DVC_EPG]->dev,
					   DMA_TO_DEVICE, 0, NULL, NULL,
					   GFP_KERNEL), -EREMOTEIO);
	assert_memory_equal(&m, &before, sizeof(m));
	assert_int_equal(sim_live_mappings(NULL), 0);

	assert_int_equal(dma_vec_map_table(&m, &empty, &t.n[DVC_EPB]->dev,
					   DMA_TO_DEVICE, 0, NULL, NULL,
					   GFP_KERNEL), -EINVAL);
	assert_int_equal(dma_vec_map_table(&m, &tbl, &t.n[DVC_EPB]->dev,
					   DMA_NONE, 0, NULL, NULL, GFP_KERNEL),
			 -EINVAL);
	assert_memory_equal(&m, &before, sizeof(m));

	/* A revoked provider takes no new mappings. */
	provider_on(&gone, t.n[DVC_EPB]);
	dma_vec_table_release(&tbl);
	build_bar_table(&tbl, &gone);
	dma_vec_provider_revoke(&gone);
	assert_int_equal(dma_vec_map_table(&m, &tbl, &t.n[DVC_EPA]->dev,
					   DMA_TO_DEVICE, 0, NULL, NULL,
					   GFP_KERNEL), -ENODEV);
	assert_memory_equal(&m, &before, sizeof(m));

	dma_vec_table_release(&tbl);
	dma_vec_provider_destroy(&gone);
	dma_vec_provider_destroy(&prov);
}

/* A table of host RAM and two providers' BARs, for client EP D. */
static void build_mixed(struct dma_vec_table *tbl, struct ram *r,
			struct dma_vec_provider *pa, struct dma_vec_provider *pd)
{
	dma_vec_table_init(tbl);
	assert_int_equal(dma_vec_append(tbl, r->pa[0], 0x2000, NULL,
					GFP_KERNEL), 0);
	assert_int_equal(dma_vec_append(tbl, pa->base, 0x4000, pa, GFP_KERNEL), 0);
	assert_int_equal(dma_vec_append(tbl, r->pa[1], 0x1000, NULL,
					GFP_KERNEL), 0);
	/* EP D's own BAR: the same function, a bus address. */
	assert_int_equal(dma_vec_append(tbl, pd->base, 0x1000, pd, GFP_KERNEL), 0);
	assert_int_equal(dma_vec_append(tbl, pa->base + 0x8000, 0x2000, pa,
					GFP_KERNEL), 0);
	assert_int_equal(dma_vec_append(tbl, r->pa[2], 0x3000, NULL,
					GFP_KERNEL), 0);
}

/*
 * Pad the mixed table with @n more host ranges of one page, none adjacent
 * to the one before: a mapping of this many ranges has its DMA range
 * array in an allocation of its own.
 */
static void pad_host(struct dma_vec_table *tbl, struct ram *r, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		assert_int_equal(dma_vec_append(tbl, r->pa[i & 1 ? 2 : 0],
						0x1000, NULL, GFP_KERNEL), 0);
}

/*
 * Every mapping operation and every allocation failing in turn, with and
 * without the IOVA API: -EIO or -ENOMEM, nothing left mapped, the mapping
 * untouched, nothing leaked.  Kind 2 is each of the first allocations
 * failing for a table of more than 4096 ranges, whose mapping puts its
 * DMA range array in an allocation of its own.
 */
static void test_map_failure_injection(void **state)
{
	unsigned int iova, kind;

	(void)state;
	for (iova = 0; iova < 2; iova++) {
		for (kind = 0; kind < 3; kind++) {
			unsigned long n, fired = 0;
			struct device *dev;
			struct topo t;
			struct ram r;

			dvt_resim();
			sim_set_iova_api(iova);
			/* The simulated IOMMU is too slow for 4096 maps. */
			build_topo(&t, kind != 2);
			dev = &t.n[DVC_EPD]->dev;
			ram_alloc(&r, 4 * PAGE_SIZE);
			for (n = 1; ; n++) {
				struct dma_vec_provider pa, pd;
				struct dma_vec_map m, before;
				struct dma_vec_table tbl;
				long live;
				bool hit;
				int ret;

				/* Fresh providers: empty classification caches. */
				provider_on(&pa, t.n[DVC_EPA]);
				provider_on(&pd, t.n[DVC_EPD]);
				build_mixed(&tbl, &r, &pa, &pd);
				if (kind == 2)
					pad_host(&tbl, &r, 4096);
				live = shim_live_objects();
				memset(&m, 0xa5, sizeof(m));
				before = m;
				if (kind)
					shim_fail_nth(n);
				else
					sim_fail_map_nth(n);
				ret = dma_vec_map_table(&m, &tbl, dev,
							DMA_BIDIRECTIONAL, 0,
							NULL, NULL, GFP_KERNEL);
				hit = kind ? !shim_fail_pending() :
					     !sim_fail_map_pending();
				shim_fail_nth(0);
				sim_fail_map_nth(0);
				if (ret) {
					assert_true(hit);
					assert_true(ret == -EIO || ret == -ENOMEM);
					assert_memory_equal(&m, &before,
							    sizeof(m));
					assert_int_equal(sim_live_mappings(NULL), 0);
					/* At most the cache entries remain. */
					assert_true(shim_live_objects() <= live + 2);
					fired++;
				} else {
					/* A failure of the IOVA API or of a
					 * cache entry is absorbed. */
					assert_true(sim_live_mappings(dev) > 0);
					dma_vec_unmap(&m);
					assert_int_equal(sim_live_mappings(NULL), 0);
				}
				dma_vec_table_release(&tbl);
				dma_vec_provider_destroy(&pa);
				dma_vec_provider_destroy(&pd);
				/* Past the mapping's own allocations: done. */
				if (!hit || (kind == 2 && n == 6))
					break;
			}
			print_message("  iova %u, %s: %lu of %lu failures refused\n",
				      iova, kind == 2 ? "allocations, large" :
				      kind ? "allocations" : "mappings",
				      fired, n - 1);
			assert_true(fired >= (kind == 2 ? 2 : 1));
			ram_free(&r);
		}
	}
}

static void test_unmap_twice(void **state)
{
	struct dma_vec_provider prov;
	struct dma_vec_table tbl;
	struct dma_vec_map m = { };
	struct topo t;

	(void)state;
	build_topo(&t, true);
	provider_on(&prov, t.n[DVC_EPA]);
	build_bar_table(&tbl, &prov);
	assert_int_equal(dma_vec_map_table(&m, &tbl, &t.n[DVC_EPD]->dev,
					   DMA_TO_DEVICE, 0, NULL, NULL,
					   GFP_KERNEL), 0);
	dma_vec_unmap(&m);
	dvt_expect_warns(1);
	dma_vec_unmap(&m);
	assert_int_equal(sim_live_mappings(NULL), 0);
	assert_int_equal(sim_mapping_errors(), 0);
	dma_vec_table_release(&tbl);
	dma_vec_provider_destroy(&prov);
}

struct importer {
	struct dma_vec_map map;
	unsigned int calls;
	bool unmap_in_callback;
};

static void importer_invalidate(struct dma_vec_map *map, void *priv)
{
	struct importer *imp = priv;

	assert_ptr_equal(map, &imp->map);
	imp->calls++;
	if (imp->unmap_in_callback)
		dma_vec_unmap(map);
}

static const struct dma_vec_map_ops importer_ops = {
	.invalidate = importer_invalidate,
};

/*
 * One buffer mapped by two importers (a bus-address peer and one through
 * the host bridge); the exporter revokes: both are told once, new maps
 * fail, and the old addresses fault once the BAR is disabled.
 */
static void test_revoke(void **state)
{
	struct importer nic = { .unmap_in_callback = true }, nvme = { };
	struct dma_vec_provider *prov;
	struct dma_vec_table tbl;
	struct dma_vec_map again = { };
	dma_addr_t old_bus, old_hb;
	struct topo t;
	u8 b = 1;

	(void)state;
	sim_set_iova_api(false);
	build_topo(&t, true);
	/* On the heap, so a use after the exporter frees it is caught. */
	prov = kmalloc(sizeof(*prov), GFP_KERNEL);
	assert_non_null(prov);
	provider_on(prov, t.n[DVC_EPA]);
	build_bar_table(&tbl, prov);
	assert_int_equal(dma_vec_map_table(&nic.map, &tbl, &t.n[DVC_EPB]->dev,
					   DMA_BIDIRECTIONAL, 0, &importer_ops,
					   &nic, GFP_KERNEL), 0);
	assert_int_equal(dma_vec_map_table(&nvme.map, &tbl, &t.n[DVC_EPD]->dev,
					   DMA_BIDIRECTIONAL, 0, &importer_ops,
					   &nvme, GFP_KERNEL), 0);
	assert_true(dma_vec_map_bytes(&nvme.map) >=
		    sizeof(nvme.map) + tbl.nr * sizeof(struct dma_vec_drange));
	old_bus = nic.map.ranges[1].addr;
	old_hb = nvme.map.ranges[1].addr;
	assert_int_equal(sim_dma(&t.n[DVC_EPB]->dev, old_bus, &b, 1, true), 0);

	dma_vec_provider_revoke(prov);
	assert_int_equal(nic.calls, 1);
	assert_int_equal(nvme.calls, 1);
	assert_null(nic.map.ranges);
	assert_int_equal(dma_vec_map_bytes(&nic.map), sizeof(nic.map));
	assert_true(test_bit(DVT_MAP_REVOKED, &nvme.map.flags));
	/* Revoking again tells nobody again. */
	dma_vec_provider_revoke(prov);
	assert_int_equal(nvme.calls, 1);

	assert_int_equal(dma_vec_map_table(&again, &tbl, &t.n[DVC_EPB]->dev,
					   DMA_TO_DEVICE, 0, NULL, NULL,
					   GFP_KERNEL), -ENODEV);

	/* The exporter now pulls the memory: the old addresses fault. */
	sim_bar_enable(t.n[DVC_EPA], 0, false);
	dvt_expect_fault(sim_dma(&t.n[DVC_EPB]->dev, old_bus, &b, 1, true),
			 "revoked");
	dvt_expect_fault(sim_dma(&t.n[DVC_EPD]->dev, old_hb, &b, 1, true), NULL);

	/* ... and frees the provider before the importer gets to unmap. */
	dma_vec_provider_destroy(prov);
	kfree(prov);
	dma_vec_unmap(&nvme.map);
	assert_int_equal(sim_live_mappings(NULL), 0);
	dma_vec_table_release(&tbl);
}

/*
 * A device with a 32-bit mask: host RAM above 4 GiB is bounced (the data
 * shows up on sync), a BAR above 4 GiB reached through the host bridge is
 * refused, never bounced.
 */
/*
 * The topology, plus a 32-bit device on a root port of its own and a page
 * of host RAM it cannot reach (above 4 GiB): mappings of it bounce.
 */
static struct pci_dev *dev32_above_ram(struct topo *t, u8 **ram,
				       phys_addr_t *pa)
{
	struct sim_pci_desc d32 = {
		.type = PCI_EXP_TYPE_ENDPOINT, .devfn = 0,
		.vendor = 0x1af4, .device = 0x1000, .dma_bits = 32,
	};
	struct pci_dev *rp, *ep;

	build_topo(t, false);
	rp = sim_add_root_port(t->hb[DVC_HB0], PCI_DEVFN(9, 0));
	ep = sim_add_pci(rp->subordinate, &d32);
	assert_non_null(ep);
	*ram = shim_ram_alloc(PAGE_SIZE, pa);
	assert_non_null(*ram);
	assert_true(*pa > DMA_BIT_MASK(32));
	return ep;
}

static void test_bounce_and_mmio(void **state)
{
	struct dma_vec_provider prov;
	struct dma_vec_table tbl;
	struct dma_vec_map m = { }, before;
	struct pci_dev *ep;
	u8 buf[64], *ram;
	phys_addr_t pa;
	struct topo t;

	(void)state;
	ep = dev32_above_ram(&t, &ram, &pa);

	dma_vec_table_init(&tbl);
	assert_int_equal(dma_vec_append(&tbl, pa + 0x40, sizeof(buf), NULL,
					GFP_KERNEL), 0);
	assert_int_equal(dma_vec_map_table(&m, &tbl, &ep->dev, DMA_FROM_DEVICE,
					   0, NULL, NULL, GFP_KERNEL), 0);
	assert_int_equal(sim_swiotlb_bounces(), 1);
	fill(buf, sizeof(buf), 5);
	assert_int_equal(sim_dma(&ep->dev, m.ranges[0].addr, buf, sizeof(buf),
				 true), 0);
	assert_int_equal(ram[0x40], 0);
	dma_vec_map_sync_for_cpu(&m);
	assert_memory_equal(ram + 0x40, buf, sizeof(buf));
	dma_vec_unmap(&m);
	dma_vec_table_release(&tbl);

	/* MMIO beyond the mask: an error (the DMA layer WARNs), no bounce. */
	provider_on(&prov, t.n[DVC_EPA]);
	build_bar_table(&tbl, &prov);
	memset(&m, 0, sizeof(m));
	before = m;
	dvt_expect_warns(1);
	shim_set_quiet_log(true);
	assert_int_equal(dma_vec_map_table(&m, &tbl, &ep->dev, DMA_TO_DEVICE, 0,
					   NULL, NULL, GFP_KERNEL), -EIO);
	assert_memory_equal(&m, &before, sizeof(m));
	assert_int_equal(sim_swiotlb_bounces(), 1);
	dma_vec_table_release(&tbl);
	dma_vec_provider_destroy(&prov);
	shim_ram_free(ram);
}

/*
 * The one-pass mapping of an I/O (dma_vec_io_*): every class a client can
 * have, host pieces cut at the mapping size and recorded beyond the inline
 * records, every refusal; nothing stays mapped or allocated after the end.
 */
static void test_io_map(void **state)
{
	struct dma_vec_provider prov, gone;
	struct dma_vec_drange d;
	struct dma_vec_io io;
	unsigned int i, c;
	struct topo t;
	long live;
	struct ram r;

	(void)state;
	build_topo(&t, false);
	provider_on(&prov, t.n[DVC_EPA]);
	live = shim_live_objects();

	/* Every client, by the class the topology gives it. */
	for (c = 0; c < DVC_NR_NODES; c++) {
		struct device *dev;
		enum dma_vec_map_type type;
		phys_addr_t pa = prov.base + 0x3000;
		int ret;

		if (!t.n[c] || dvc_nodes[c].type != DVC_NODE_EP || c == DVC_EPA)
			continue;
		dev = &t.n[c]->dev;
		type = dvt_expected_type(t.n[DVC_EPA], dev);
		dma_vec_io_start(&io, dev, DMA_TO_DEVICE, 0, SIZE_MAX);
		/* Twice: the second comes from the I/O's own cache. */
		for (i = 0; i < 2; i++) {
			shim_set_quiet_log(true);
			ret = dma_vec_io_map(&io, pa, 0x2000, &prov, &d,
					     GFP_KERNEL);
			shim_set_quiet_log(false);
			if (type == DMA_VEC_MAP_NOT_SUPPORTED) {
				assert_int_equal(ret, -EREMOTEIO);
				continue;
			}
			assert_int_equal(ret, 0);
			assert_int_equal(d.len, 0x2000);
			if (type == DMA_VEC_MAP_BUS_ADDR)
				assert_int_equal(d.addr, pa + prov.bus_offset);
		}
		assert_int_equal(io.nr_recs,
				 type == DMA_VEC_MAP_THRU_HOST_BRIDGE ? 2 : 0);
		assert_int_equal(sim_live_mappings(dev), io.nr_recs);
		assert_int_equal(io.p2p, type != DMA_VEC_MAP_NOT_SUPPORTED);
		dma_vec_io_end(&io);
		assert_int_equal(sim_live_mappings(dev), 0);
	}

	/* Host pieces: cut at the mapping size, recorded past the inline. */
	ram_alloc(&r, 4 * PAGE_SIZE);
	dma_vec_io_start(&io, &t.n[DVC_EPB]->dev, DMA_FROM_DEVICE, 0,
			 PAGE_SIZE);
	for (i = 0; i < 3; i++) {
		phys_addr_t pa = r.pa[i] + 0x100;
		u64 left = 4 * PAGE_SIZE - 0x100;

		while (left) {
			assert_int_equal(dma_vec_io_map(&io, pa, left, NULL, &d,
							GFP_ATOMIC), 0);
			assert_true(d.len <= PAGE_SIZE);
			assert_int_equal((pa + d.len) % PAGE_SIZE, 0);
			pa += d.len;
			left -= d.len;
		}
	}
	assert_int_equal(io.nr_recs, 12);
	assert_true(io.recs != io.inl);
	assert_int_equal(sim_live_mappings(&t.n[DVC_EPB]->dev), 12);
	dma_vec_io_end(&io);
	assert_int_equal(sim_live_mappings(&t.n[DVC_EPB]->dev), 0);

	/* A failed record allocation leaves the piece unmapped. */
	dma_vec_io_start(&io, &t.n[DVC_EPB]->dev, DMA_FROM_DEVICE, 0,
			 SIZE_MAX);
	for (i = 0; i < DMA_VEC_IO_INLINE; i++)
		assert_int_equal(dma_vec_io_map(&io, r.pa[0] + i * PAGE_SIZE,
						PAGE_SIZE, NULL, &d,
						GFP_ATOMIC), 0);
	shim_fail_nth(1);
	assert_int_equal(dma_vec_io_map(&io, r.pa[1], PAGE_SIZE, NULL, &d,
					GFP_ATOMIC), -ENOMEM);
	assert_false(shim_fail_pending());
	assert_int_equal(io.nr_recs, DMA_VEC_IO_INLINE);
	assert_int_equal(sim_live_mappings(&t.n[DVC_EPB]->dev),
			 DMA_VEC_IO_INLINE);

	/* Refusals: nothing mapped, nothing recorded. */
	assert_int_equal(dma_vec_io_map(&io, r.pa[0], 0, NULL, &d, GFP_ATOMIC),
			 -EINVAL);
	assert_int_equal(dma_vec_io_map(&io, (phys_addr_t)-PAGE_SIZE,
					2 * PAGE_SIZE, NULL, &d, GFP_ATOMIC),
			 -EOVERFLOW);
	assert_int_equal(dma_vec_io_map(&io, prov.base - PAGE_SIZE,
					2 * PAGE_SIZE, &prov, &d, GFP_ATOMIC),
			 -ERANGE);
	/* A BAR address passed as host memory has no struct page. */
	assert_int_equal(dma_vec_io_map(&io, prov.base, PAGE_SIZE, NULL, &d,
					GFP_ATOMIC), -EFAULT);
	provider_on(&gone, t.n[DVC_EPB]);
	dma_vec_provider_revoke(&gone);
	assert_int_equal(dma_vec_io_map(&io, gone.base, PAGE_SIZE, &gone, &d,
					GFP_ATOMIC), -ENODEV);
	assert_int_equal(io.nr_recs, DMA_VEC_IO_INLINE);
	dma_vec_io_end(&io);
	assert_int_equal(sim_live_mappings(NULL), 0);
	assert_int_equal(dma_vec_provider_destroy(&gone), 0);

	ram_free(&r);
	assert_int_equal(dma_vec_provider_destroy(&prov), 0);
	assert_int_equal(shim_live_objects(), live);
}

/*
 * A batch of host ranges through dma_vec_io_map_host(): every range mapped
 * and recorded (the platform counts every unmap), a mapping refused in the
 * middle (those before it stay mapped and recorded, none after), no room
 * for the records (nothing mapped), a device whose unmaps do nothing
 * (nothing recorded), and one whose first bounce makes them count.
 */
static void test_io_map_host(void **state)
{
	struct dma_vec_prange in[6];
	struct dma_vec_drange out[6];
	struct dma_vec_io io;
	struct device *dev;
	unsigned int i, n, fail;
	struct pci_dev *ep;
	struct topo t;
	struct ram r;
	u8 buf[64], *ram;
	phys_addr_t pa;
	long live;

	(void)state;
	build_topo(&t, false);
	dev = &t.n[DVC_EPB]->dev;
	live = shim_live_objects();
	ram_alloc(&r, 2 * PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(in); i++) {
		in[i].paddr = r.pa[i % 3] + (i / 3) * PAGE_SIZE + 0x80;
		in[i].len = PAGE_SIZE - 0x80;
	}

	/* The n-th mapping of the batch refused: n - 1 stay, recorded. */
	for (fail = 0; fail <= ARRAY_SIZE(in); fail++) {
		dma_vec_io_start(&io, dev, DMA_TO_DEVICE, 0, SIZE_MAX);
		sim_fail_map_nth(fail);
		assert_int_equal(dma_vec_io_map_host(&io, in, out,
						     ARRAY_SIZE(in),
						     GFP_KERNEL, &n),
				 fail ? -EIO : 0);
		sim_fail_map_nth(0);
		assert_int_equal(n, fail ? fail - 1 : ARRAY_SIZE(in));
		for (i = 0; i < n; i++) {
			assert_int_equal(out[i].addr, in[i].paddr);
			assert_int_equal(out[i].len, in[i].len);
		}
		assert_int_equal(io.nr_recs, n);
		assert_int_equal(sim_live_mappings(dev), n);
		dma_vec_io_end(&io);
		assert_int_equal(sim_live_mappings(dev), 0);
	}

	/* No room for the records past the inline ones: nothing mapped. */
	dma_vec_io_start(&io, dev, DMA_TO_DEVICE, 0, SIZE_MAX);
	shim_fail_nth(1);
	assert_int_equal(dma_vec_io_map_host(&io, in, out, ARRAY_SIZE(in),
					     GFP_ATOMIC, &n), -ENOMEM);
	assert_false(shim_fail_pending());
	assert_int_equal(n, 0);
	assert_int_equal(io.nr_recs, 0);
	assert_int_equal(sim_live_mappings(dev), 0);
	dma_vec_io_end(&io);

	/* A device whose unmaps do nothing: mapped, nothing recorded. */
	sim_dev_set_skip_sync(dev, true);
	dma_vec_io_start(&io, dev, DMA_TO_DEVICE, 0, SIZE_MAX);
	assert_false(io.need_unmap);
	assert_int_equal(dma_vec_io_map_host(&io, in, out, ARRAY_SIZE(in),
					     GFP_ATOMIC, &n), 0);
	assert_int_equal(n, ARRAY_SIZE(in));
	assert_int_equal(io.nr_recs, 0);
	assert_int_equal(sim_live_mappings(dev), 0);
	dma_vec_io_end(&io);
	sim_dev_set_skip_sync(dev, false);
	ram_free(&r);
	assert_int_equal(shim_live_objects(), live);

	/*
	 * Bounced through swiotlb: on a device whose unmaps did nothing, the
	 * first bounce makes them count, and the batch is recorded after the
	 * fact; copied back at the end.
	 */
	ep = dev32_above_ram(&t, &ram, &pa);
	for (i = 0; i < ARRAY_SIZE(in); i++) {
		in[i].paddr = pa + i * (PAGE_SIZE / 8);
		in[i].len = sizeof(buf);
	}
	sim_dev_set_skip_sync(&ep->dev, true);
	dma_vec_io_start(&io, &ep->dev, DMA_FROM_DEVICE, 0,
			 dma_max_mapping_size(&ep->dev));
	assert_false(io.need_unmap);
	assert_int_equal(dma_vec_io_map_host(&io, in, out, 2, GFP_ATOMIC, &n),
			 0);
	assert_int_equal(n, 2);
	assert_int_equal(sim_swiotlb_bounces(), 2);
	assert_true(io.need_unmap);
	assert_int_equal(io.nr_recs, 2);
	fill(buf, sizeof(buf), 5);
	assert_int_equal(sim_dma(&ep->dev, out[1].addr, buf, sizeof(buf),
				 true), 0);
	dma_vec_io_end(&io);
	assert_memory_equal(ram + PAGE_SIZE / 8, buf, sizeof(buf));
	assert_int_equal(sim_live_mappings(NULL), 0);

	/* ... and no room for those records: the rest of the batch undone. */
	sim_dev_set_skip_sync(&ep->dev, true);
	dma_vec_io_start(&io, &ep->dev, DMA_FROM_DEVICE, 0,
			 dma_max_mapping_size(&ep->dev));
	shim_fail_nth(1);
	assert_int_equal(dma_vec_io_map_host(&io, in, out, ARRAY_SIZE(in),
					     GFP_ATOMIC, &n), -ENOMEM);
	assert_false(shim_fail_pending());
	assert_int_equal(n, DMA_VEC_IO_INLINE);
	assert_int_equal(io.nr_recs, DMA_VEC_IO_INLINE);
	assert_int_equal(sim_live_mappings(&ep->dev), DMA_VEC_IO_INLINE);
	dma_vec_io_end(&io);
	assert_int_equal(sim_live_mappings(NULL), 0);
	shim_ram_free(ram);
}

/* A device that cannot reach the host RAM: bounced, recorded, copied back. */
static void test_io_bounce(void **state)
{
	struct dma_vec_drange d;
	struct dma_vec_io io;
	struct pci_dev *ep;
	u8 buf[64], *ram;
	phys_addr_t pa;
	struct topo t;

	(void)state;
	ep = dev32_above_ram(&t, &ram, &pa);

	dma_vec_io_start(&io, &ep->dev, DMA_FROM_DEVICE, 0,
			 dma_max_mapping_size(&ep->dev));
	assert_int_equal(dma_vec_io_map(&io, pa + 0x40, sizeof(buf), NULL, &d,
					GFP_ATOMIC), 0);
	assert_int_equal(sim_swiotlb_bounces(), 1);
	assert_int_equal(io.nr_recs, 1);
	fill(buf, sizeof(buf), 9);
	assert_int_equal(sim_dma(&ep->dev, d.addr, buf, sizeof(buf), true), 0);
	assert_int_equal(ram[0x40], 0);
	dma_vec_io_end(&io);
	assert_memory_equal(ram + 0x40, buf, sizeof(buf));
	assert_int_equal(sim_live_mappings(NULL), 0);
	shim_ram_free(ram);
}

static void test_dev_limits(void **state)
{
	struct dma_vec_limits lim;
	struct sim_dev_desc dd = {
		.dma_bits = 64, .dma_parms = true, .max_seg = SZ_1M,
		.seg_boundary = SZ_4G - 1,
	};
	struct topo t;

	(void)state;
	build_topo(&t, false);
	dma_vec_dev_limits(&t.n[DVC_EPB]->dev, &lim);
	assert_int_equal(lim.max_seg, SZ_64K);
	assert_int_equal(lim.seg_boundary_mask, 0xffffffff);
	assert_true(dma_vec_limits_valid(&lim));
	dma_vec_dev_limits(sim_add_device("parms", NULL, &dd), &lim);
	assert_int_equal(lim.max_seg, SZ_1M);
	assert_int_equal(lim.seg_boundary_mask, SZ_4G - 1);
	assert_true(dma_vec_limits_valid(&lim));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, dvt_sim_setup, dvt_sim_teardown)
		T(test_matrix),
		T(test_cpu_rule_edges),
		T(test_not_pci),
		T(test_classify_cache_enomem),
		T(test_provider_init_pci),
		T(test_map_bus_addr),
		T(test_map_host_bridge),
		T(test_map_host_memory),
		T(test_map_iova_coalescing),
		T(test_map_refusals),
		T(test_map_failure_injection),
		T(test_unmap_twice),
		T(test_revoke),
		T(test_bounce_and_mmio),
		T(test_dev_limits),
		T(test_io_map),
		T(test_io_map_host),
		T(test_io_bounce),
#undef T
	};

	return cmocka_run_group_tests_name("p2p", tests, NULL, NULL);
}
