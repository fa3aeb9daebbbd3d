// SPDX-License-Identifier: GPL-2.0
/*
 * The exporter side end to end: a simulated large-BAR GPU (examples/gpu)
 * exports fragmented VRAM through the p2p_map operation of its mmap()ed
 * buffers; dma_vec_from_user() resolves user addresses into a table; NICs
 * map it by bus address, through the host bridge and IOMMU, or are refused;
 * a reset revokes everything.  Every transfer moves real bytes through the
 * simulated DMA engine and is compared with what the GPU model uploaded.
 */
#include <stdio.h>
#include <stdlib.h>

#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <shim/sim.h>

#include <shim/gpu_model.h>
#include "helpers.h"

#define SZ_128G_ULL	(128ULL << 30)

/* Both VRAM BARs at fixed addresses, back to back. */
#define H0_MEM_BASE	(16ULL << 40)
#define VRAM0_PHYS	(H0_MEM_BASE + 256 * SZ_1G_ULL)
#define VRAM1_PHYS	(VRAM0_PHYS + SZ_128G_ULL)

/* User addresses of the simulated process. */
#define UADDR		0x7f0000000000UL
#define UADDR2		0x7e0000000000UL
#define UADDR3		0x7d0000000000UL

/* Bytes on either side of a block boundary that a window checks. */
#define WIN_HALF	0x800ULL

static unsigned long faults_expected;

static int exp_setup(void **state)
{
	int ret = dvt_setup(state);

	sim_reset();
	faults_expected = 0;
	return ret;
}

static int exp_teardown(void **state)
{
	if (sim_faults() != faults_expected)
		fail_msg("%lu DMA faults, %lu expected; last: %s", sim_faults(),
			 faults_expected, sim_last_fault());
	if (sim_mapping_errors())
		fail_msg("DMA API errors: %s", sim_last_mapping_error());
	assert_int_equal(sim_live_mappings(NULL), 0);
	assert_int_equal(sim_device_refs(), 0);
	sim_reset();
	return dvt_teardown(state);
}

static void expect_fault(int ret, const char *what)
{
	assert_int_equal(ret, -EFAULT);
	faults_expected++;
	assert_int_equal(sim_faults(), faults_expected);
	if (what && !strstr(sim_last_fault(), what))
		fail_msg("fault report \"%s\" lacks \"%s\"", sim_last_fault(),
			 what);
}

/*
 * The machine: an allow-listed host bridge with an IOMMU; below root port
 * 1 a switch with GPU 0, a NIC and GPU 1; below root port 2 another NIC;
 * and a NIC behind a second host bridge that is not on the allow-list.
 */
struct rig {
	struct gpu_device *gpu[2];
	struct pci_dev *nic_sw;		/* same switch: bus address */
	struct pci_dev *nic_rp;		/* other root port: host bridge, IOMMU */
	struct pci_dev *nic_far;	/* other host bridge: not supported */
	struct mm_struct *mm;
};

static void rig_build(struct rig *r)
{
	struct sim_host_bridge_desc d0 = {
		.domain = 0, .vendor = PCI_VENDOR_ID_INTEL, .device = 0x2030,
		.iommu = true, .mem_base = H0_MEM_BASE,
	};
	struct sim_host_bridge_desc d1 = {
		.domain = 1, .vendor = PCI_VENDOR_ID_INTEL, .device = 0x1234,
		.iommu = true,
	};
	struct gpu_desc g0 = { .vram_phys = VRAM0_PHYS, .seed = 1 };
	struct gpu_desc g1 = { .vram_phys = VRAM1_PHYS, .seed = 2 };
	struct pci_host_bridge *h0 = sim_add_host_bridge(&d0);
	struct pci_host_bridge *h1 = sim_add_host_bridge(&d1);
	struct pci_dev *rp1 = sim_add_root_port(h0, PCI_DEVFN(1, 0));
	struct pci_dev *rp2 = sim_add_root_port(h0, PCI_DEVFN(2, 0));
	struct pci_dev *rp3 = sim_add_root_port(h1, PCI_DEVFN(1, 0));
	struct pci_dev *dsp[3];

	sim_add_switch(rp1->subordinate, 3, dsp);
	r->gpu[0] = gpu_create(dsp[0]->subordinate, &g0);
	r->nic_sw = sim_add_endpoint(dsp[1]->subordinate, 0, 0);
	r->gpu[1] = gpu_create(dsp[2]->subordinate, &g1);
	r->nic_rp = sim_add_endpoint(rp2->subordinate, 0, 0);
	r->nic_far = sim_add_endpoint(rp3->subordinate, 0, 0);
	assert_false(IS_ERR(r->gpu[0]));
	assert_false(IS_ERR(r->gpu[1]));
	assert_int_equal(pci_resource_start(r->gpu[0]->pdev, GPU_VRAM_BAR),
			 VRAM0_PHYS);
	assert_int_equal(pci_resource_len(r->gpu[0]->pdev, GPU_VRAM_BAR),
			 SZ_128G_ULL);
	r->mm = sim_mm_create();

	/* The oracle agrees with what the rig is meant to be. */
	assert_int_equal(sim_expected_map_type(r->gpu[0]->pdev,
					       &r->nic_sw->dev, NULL),
			 SIM_P2P_BUS_ADDR);
	assert_int_equal(sim_expected_map_type(r->gpu[0]->pdev,
					       &r->nic_rp->dev, NULL),
			 SIM_P2P_HOST_BRIDGE);
	assert_int_equal(sim_expected_map_type(r->gpu[0]->pdev,
					       &r->nic_far->dev, NULL),
			 SIM_P2P_NOT_SUPPORTED);
	assert_true(sim_dev_has_iommu(&r->nic_rp->dev));
}

static void rig_destroy(struct rig *r)
{
	sim_mm_destroy(r->mm);
	gpu_destroy(r->gpu[1]);
	gpu_destroy(r->gpu[0]);
}

/* Test data: a byte per buffer offset, different for every seed. */
static u8 pat(u64 seed, u64 off)
{
	u64 z = (seed ^ (off >> 3)) * 0x9e3779b97f4a7c15ULL;

	z ^= z >> 29;
	z *= 0xbf58476d1ce4e5b9ULL;
	return (u8)(z >> ((off & 7) * 8));
}

static void fill(u64 seed, u64 off, u8 *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = pat(seed, off + i);
}

/* A fragmented buffer: churn first, then the buffer fills the holes. */
static struct gpu_bo *frag_bo(struct gpu_device *gpu, u64 size,
			      unsigned int min_ext)
{
	struct gpu_bo *bo;

	assert_int_equal(gpu_vram_churn(gpu, 4 * size, 8), 0);
	bo = gpu_bo_create(gpu, size);
	assert_false(IS_ERR(bo));
	assert_int_equal(bo->size, size);
	assert_true(bo->nr_ext >= min_ext);
	return bo;
}

/*
 * The windows a check looks at, in buffer offsets inside [base, base +
 * len): both sides of every block boundary (where the fragments meet),
 * the two ends, and a 6 MiB stretch in the middle.
 */
struct win {
	u64 off;
	u64 len;
};

static unsigned int windows(u64 base, u64 len, struct win **out)
{
	u64 end = base + len, b;
	unsigned int n = 0, max = len / GPU_BLOCK_SIZE + 4;
	struct win *w = calloc(max, sizeof(*w));

	assert_non_null(w);
	for (b = base & ~(GPU_BLOCK_SIZE - 1); b <= end; b += GPU_BLOCK_SIZE) {
		u64 lo = b > base + WIN_HALF ? b - WIN_HALF : base;
		u64 hi = min(end, b + WIN_HALF);

		if (lo < hi) {
			w[n].off = lo;
			w[n++].len = hi - lo;
		}
	}
	w[n].off = end - min(len, 3 * WIN_HALF);
	w[n].len = min(len, 3 * WIN_HALF);
	n++;
	w[n].off = base + len / 2 - min(len / 2, (u64)3 * SZ_1M);
	w[n].len = min(len, (u64)6 * SZ_1M);
	n++;
	assert_true(n <= max);
	*out = w;
	return n;
}

/* The GPU model uploads @seed's data into the windows (CPU, through BAR). */
static void upload(struct gpu_bo *bo, u64 base, u64 len, u64 seed)
{
	struct win *w;
	unsigned int n = windows(base, len, &w), i;

	for (i = 0; i < n; i++) {
		u8 *buf = malloc(w[i].len);

		assert_non_null(buf);
		fill(seed, w[i].off, buf, w[i].len);
		assert_int_equal(gpu_bo_write(bo, w[i].off, buf, w[i].len), 0);
		free(buf);
	}
	free(w);
}

/* Move bytes [@off, @off + @len) of the mapped range through the engine. */
static int dma_xfer(struct device *dev, const struct dma_vec_map *map,
		    u64 off, u8 *buf, u64 len, bool write)
{
	int n = sim_dma_ranges(dev, map->ranges, map->nr, off, buf, len, write);

	assert_int_not_equal(n, -EINVAL);
	return n < 0 ? n : 0;
}

/*
 * The device reads every window and finds @seed's data, then writes
 * @seed + 1's data into every window, which the GPU model downloads.
 * @base is the buffer offset of the first byte of the mapping.
 */
static void check_bytes(struct device *dev, const struct dma_vec_map *map,
			struct gpu_bo *bo, u64 base, u64 len, u64 seed)
{
	struct win *w;
	unsigned int n = windows(base, len, &w), i, pass;

	/* Windows overlap: all reads first, then all writes. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < n; i++) {
			u8 *got = malloc(w[i].len), *want = malloc(w[i].len);

			assert_non_null(got);
			assert_non_null(want);
			fill(seed + pass, w[i].off, want, w[i].len);
			if (!pass) {
				assert_int_equal(dma_xfer(dev, map,
							  w[i].off - base, got,
							  w[i].len, false), 0);
			} else {
				assert_int_equal(dma_xfer(dev, map,
							  w[i].off - base, want,
							  w[i].len, true), 0);
				assert_int_equal(gpu_bo_read(bo, w[i].off, got,
							     w[i].len), 0);
			}
			assert_memory_equal(got, want, w[i].len);
			free(got);
			free(want);
		}
	}
	/* Leave @seed's data behind for the next importer. */
	free(w);
	upload(bo, base, len, seed);
}

/* The table holds exactly bytes [@base, @base + @len) of @bo, in order. */
static void check_table(const struct dma_vec_table *tbl, unsigned int first,
			struct gpu_bo *bo, u64 base, u64 len,
			struct dma_vec_provider *prov)
{
	unsigned int i = first;
	u64 off = base;

	dvt_check_invariants(tbl);
	while (off < base + len) {
		u64 contig;
		phys_addr_t pa = gpu_bo_phys(bo, off, &contig);
		u64 n = min(contig, base + len - off);

		assert_true(i < tbl->nr);
		assert_int_equal(tbl->ranges[i].paddr, pa);
		assert_int_equal(tbl->ranges[i].len, n);
		assert_ptr_equal(dma_vec_range_provider(tbl, i), prov);
		off += n;
		i++;
	}
}

static void map_ok(struct dma_vec_map *map, const struct dma_vec_table *tbl,
		   struct pci_dev *nic, const struct dma_vec_map_ops *ops,
		   void *priv)
{
	memset(map, 0, sizeof(*map));
	assert_int_equal(dma_vec_map_table(map, tbl, &nic->dev,
					   DMA_BIDIRECTIONAL, 0, ops, priv,
					   GFP_KERNEL), 0);
}

/* A NIC below the GPU's switch: PCI bus addresses, nothing mapped. */
static void test_bus_addr(void **state)
{
	struct dma_vec_user u = { };
	struct dma_vec_table tbl;
	struct dma_vec_provider *prov;
	struct dma_vec_map map;
	struct gpu_bo *bo;
	struct rig r;
	const char *why;
	u64 bus_off;
	unsigned int i;

	rig_build(&r);
	bo = frag_bo(r.gpu[0], SZ_1G_ULL, 32);
	prov = gpu_provider(r.gpu[0]);
	upload(bo, 0, bo->size, 1);
	assert_false(IS_ERR(gpu_bo_mmap(bo, r.mm, UADDR, 0, bo->size, 0)));

	dma_vec_table_init(&tbl);
	assert_int_equal(dma_vec_from_user(r.mm, UADDR, SZ_1G_ULL, true, &tbl,
					   &u, GFP_KERNEL), 0);
	assert_int_equal(dma_vec_len(&tbl), SZ_1G_ULL);
	assert_int_equal(tbl.nr, bo->nr_ext);
	assert_int_equal(tbl.nr_runs, 1);
	check_table(&tbl, 0, bo, 0, SZ_1G_ULL, prov);
	assert_int_equal(bo->pin_count, 1);
	assert_int_equal(kref_read(&bo->ref), 2);

	assert_int_equal(dma_vec_classify(prov, &r.nic_sw->dev, GFP_KERNEL,
					  &why), DMA_VEC_MAP_BUS_ADDR);
	assert_non_null(strstr(why, "common upstream bridge"));
	map_ok(&map, &tbl, r.nic_sw, NULL, NULL);
	assert_int_equal(map.nr, tbl.nr);
	assert_null(map.iova);
	assert_int_equal(sim_live_mappings(&r.nic_sw->dev), 0);

	/* dma = phys + bus offset, and the offset is not zero here. */
	bus_off = pci_bus_address(r.gpu[0]->pdev, GPU_VRAM_BAR) -
		  pci_resource_start(r.gpu[0]->pdev, GPU_VRAM_BAR);
	assert_int_not_equal(bus_off, 0);
	assert_int_equal(prov->bus_offset, bus_off);
	for (i = 0; i < map.nr; i++) {
		assert_int_equal(map.ranges[i].addr,
				 tbl.ranges[i].paddr + bus_off);
		assert_int_equal(map.ranges[i].len, tbl.ranges[i].len);
	}
	check_bytes(&r.nic_sw->dev, &map, bo, 0, SZ_1G_ULL, 1);

	/* The CPU physical address is the classic mix-up: it faults. */
	{
		u8 b[8];

		expect_fault(sim_dma(&r.nic_sw->dev, tbl.ranges[0].paddr, b, 8,
				     false), NULL);
	}

	dma_vec_unmap(&map);
	dma_vec_put_user(&u);
	assert_int_equal(bo->pin_count, 0);
	assert_int_equal(kref_read(&bo->ref), 1);
	dma_vec_table_release(&tbl);
	gpu_bo_put(bo);
	rig_destroy(&r);
	(void)state;
}

/* A NIC behind another root port: through the host bridge and IOMMU. */
static void test_host_bridge_iommu(void **state)
{
	struct dma_vec_user u = { };
	struct dma_vec_table tbl;
	struct dma_vec_provider *prov;
	struct dma_vec_map map;
	struct gpu_bo *bo;
	struct rig r;
	const char *why;
	unsigned int iova;

	rig_build(&r);
	bo = frag_bo(r.gpu[0], SZ_1G_ULL, 32);
	prov = gpu_provider(r.gpu[0]);
	upload(bo, 0, bo->size, 7);
	assert_false(IS_ERR(gpu_bo_mmap(bo, r.mm, UADDR, 0, bo->size, 0)));
	dma_vec_table_init(&tbl);
	assert_int_equal(dma_vec_from_user(r.mm, UADDR, SZ_1G_ULL, false,
					   &tbl, &u, GFP_KERNEL), 0);
	assert_int_equal(dma_vec_classify(prov, &r.nic_rp->dev, GFP_KERNEL,
					  &why), DMA_VEC_MAP_THRU_HOST_BRIDGE);
	assert_non_null(strstr(why, "allow-listed"));

	for (iova = 0; iova < 2; iova++) {
		u8 b[8];

		sim_set_iova_api(iova);
		map_ok(&map, &tbl, r.nic_rp, NULL, NULL);
		if (iova) {
			/* The two-step API coalesces the fragments. */
			assert_non_null(map.iova);
			assert_int_equal(map.nr, 1);
			assert_int_equal(map.ranges[0].len, SZ_1G_ULL);
			assert_int_equal(sim_live_mappings(&r.nic_rp->dev),
					 tbl.nr + 1);
		} else {
			unsigned int i;

			assert_null(map.iova);
			assert_int_equal(map.nr, tbl.nr);
			assert_int_equal(sim_live_mappings(&r.nic_rp->dev),
					 tbl.nr);
			/* IOVAs: neither the CPU nor the bus address. */
			for (i = 0; i < map.nr; i++) {
				assert_int_equal(map.ranges[i].len,
						 tbl.ranges[i].len);
				assert_int_not_equal(map.ranges[i].addr,
						     tbl.ranges[i].paddr);
				assert_int_not_equal(map.ranges[i].addr,
						     tbl.ranges[i].paddr +
						     prov->bus_offset);
			}
		}
		check_bytes(&r.nic_rp->dev, &map, bo, 0, SZ_1G_ULL, 7);
		/* Without an IOMMU entry neither phys nor bus address work. */
		expect_fault(sim_dma(&r.nic_rp->dev, tbl.ranges[0].paddr, b, 8,
				     false), "IOMMU");
		expect_fault(sim_dma(&r.nic_rp->dev, tbl.ranges[0].paddr +
				     prov->bus_offset, b, 8, false), "IOMMU");
		dma_vec_unmap(&map);
		assert_int_equal(sim_live_mappings(NULL), 0);
	}

	dma_vec_put_user(&u);
	dma_vec_table_release(&tbl);
	gpu_bo_put(bo);
	rig_destroy(&r);
	(void)state;
}

/* A NIC behind a host bridge that is not on the allow-list: refused. */
static void test_not_supported(void **state)
{
	struct dma_vec_user u = { };
	static const struct dma_vec_map zero;
	struct dma_vec_table tbl;
	struct dma_vec_map map;
	struct gpu_bo *bo;
	struct rig r;
	const char *why;
	unsigned int iova;

	rig_build(&r);
	bo = frag_bo(r.gpu[0], SZ_1G_ULL, 32);
	assert_false(IS_ERR(gpu_bo_mmap(bo, r.mm, UADDR, 0, bo->size, 0)));
	dma_vec_table_init(&tbl);
	assert_int_equal(dma_vec_from_user(r.mm, UADDR, SZ_1G_ULL, true, &tbl,
					   &u, GFP_KERNEL), 0);
	assert_int_equal(dma_vec_classify(gpu_provider(r.gpu[0]),
					  &r.nic_far->dev, GFP_KERNEL, &why),
			 DMA_VEC_MAP_NOT_SUPPORTED);
	assert_non_null(strstr(why, "not allow-listed"));
	for (iova = 0; iova < 2; iova++) {
		sim_set_iova_api(iova);
		memset(&map, 0, sizeof(map));
		assert_int_equal(dma_vec_map_table(&map, &tbl, &r.nic_far->dev,
						   DMA_FROM_DEVICE, 0, NULL,
						   NULL, GFP_KERNEL),
				 -EREMOTEIO);
		assert_memory_equal(&map, &zero, sizeof(map));
		assert_int_equal(sim_live_mappings(NULL), 0);
		assert_int_equal(sim_map_calls(), 0);
	}
	dma_vec_put_user(&u);
	assert_int_equal(bo->pin_count, 0);
	dma_vec_table_release(&tbl);
	gpu_bo_put(bo);
	rig_destroy(&r);
	(void)state;
}

/* p2p_map honours vm_pgoff and the start and end inside the VMA. */
static void test_partial_vma(void **state)
{
	struct dma_vec_user u = { };
	/* The VMA maps the buffer from 6 MiB + 12 KiB on, for 512 MiB. */
	const u64 vma_off = 6 * SZ_1M + 3 * PAGE_SIZE;
	const u64 vma_len = 512 * SZ_1M;
	static const struct {
		u64 start;	/* in the VMA */
		u64 len;
	} cases[] = {
		{ 0, 512 * SZ_1M },
		{ SZ_1M + 123, 300 * SZ_1M + 77 },
		{ 512 * SZ_1M - 5 * SZ_1M - 1, 5 * SZ_1M + 1 },
		{ 17, 1 },
		{ GPU_BLOCK_SIZE - 3 * PAGE_SIZE - 1, 2 },
	};
	struct dma_vec_table tbl;
	struct dma_vec_map map;
	struct vm_area_struct *vma;
	struct gpu_bo *bo;
	struct rig r;
	unsigned int i;

	rig_build(&r);
	bo = frag_bo(r.gpu[0], SZ_1G_ULL, 32);
	vma = gpu_bo_mmap(bo, r.mm, UADDR, vma_off, vma_len, 0);
	assert_false(IS_ERR(vma));
	assert_int_equal(vma->vm_pgoff,
			 (gpu_bo_mmap_offset(bo) + vma_off) >> PAGE_SHIFT);
	assert_true(vma->vm_flags & VM_PFNMAP);
	assert_true(vma->vm_flags & VM_IO);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 base = vma_off + cases[i].start;

		upload(bo, base, cases[i].len, 100 + i);
		dma_vec_table_init(&tbl);
		assert_int_equal(dma_vec_from_user(r.mm, UADDR + cases[i].start,
						   cases[i].len, true, &tbl,
						   &u, GFP_KERNEL), 0);
		assert_int_equal(dma_vec_len(&tbl), cases[i].len);
		check_table(&tbl, 0, bo, base, cases[i].len,
			    gpu_provider(r.gpu[0]));
		map_ok(&map, &tbl, r.nic_sw, NULL, NULL);
		check_bytes(&r.nic_sw->dev, &map, bo, base, cases[i].len,
			    100 + i);
		dma_vec_unmap(&map);
		map_ok(&map, &tbl, r.nic_rp, NULL, NULL);
		check_bytes(&r.nic_rp->dev, &map, bo, base, cases[i].len,
			    100 + i);
		dma_vec_unmap(&map);
		dma_vec_put_user(&u);
		dma_vec_table_release(&tbl);
	}
	assert_int_equal(bo->pin_count, 0);
	assert_int_equal(r.gpu[0]->p2p_maps, ARRAY_SIZE(cases));
	gpu_bo_put(bo);
	rig_destroy(&r);
	(void)state;
}

/*
 * A table of the tail of @a (from @a_off, @seed's data) and the head of
 * @b (@seed + 1's data): the device reads all of it in one go and, if
 * @write, writes it back with other data, which the model downloads.
 */
static void check_span(struct pci_dev *nic, const struct dma_vec_table *tbl,
		       struct gpu_bo *a, u64 a_off, struct gpu_bo *b, u64 len,
		       u64 seed, bool write)
{
	u64 a_len = a->size - a_off;
	u8 *want = malloc(len), *got = malloc(len);
	struct dma_vec_map map;

	assert_non_null(want);
	assert_non_null(got);
	fill(seed, a_off, want, a_len);
	fill(seed + 1, 0, want + a_len, len - a_len);
	memset(&map, 0, sizeof(map));
	assert_int_equal(dma_vec_map_table(&map, tbl, &nic->dev,
					   write ? DMA_BIDIRECTIONAL :
						   DMA_TO_DEVICE,
					   0, NULL, NULL, GFP_KERNEL), 0);
	assert_int_equal(dma_xfer(&nic->dev, &map, 0, got, len, false), 0);
	assert_memory_equal(got, want, len);
	if (write) {
		/* The device writes across the VMA boundary. */
		fill(seed + 2, 0, got, len);
		assert_int_equal(dma_xfer(&nic->dev, &map, 0, got, len, true),
				 0);
		assert_int_equal(gpu_bo_read(a, a_off, got, a_len), 0);
		assert_int_equal(gpu_bo_read(b, 0, got + a_len, len - a_len),
				 0);
		fill(seed + 2, 0, want, len);
		assert_memory_equal(got, want, len);
		/* Put the data back for the next importer. */
		fill(seed, a_off, want, a_len);
		fill(seed + 1, 0, want + a_len, len - a_len);
		assert_int_equal(gpu_bo_write(a, a_off, want, a_len), 0);
		assert_int_equal(gpu_bo_write(b, 0, want + a_len, len - a_len),
				 0);
	} else if (sim_dev_has_iommu(&nic->dev) &&
		   dma_vec_classify(dma_vec_run(tbl, 0)->provider, &nic->dev,
				    GFP_KERNEL, NULL) ==
		   DMA_VEC_MAP_THRU_HOST_BRIDGE) {
		/* The IOMMU enforces the direction of the mapping. */
		expect_fault(dma_xfer(&nic->dev, &map, 0, got, 16, true),
			     NULL);
	}
	dma_vec_unmap(&map);
	free(want);
	free(got);
}

/* A user range over two VMAs: two buffers, then two GPUs. */
static void test_two_vmas(void **state)
{
	struct dma_vec_user u = { };
	const u64 a_size = 64 * SZ_1M, b_size = 32 * SZ_1M;
	const u64 a_off = a_size - 4 * SZ_1M, len = 8 * SZ_1M;
	struct dma_vec_provider *p0, *p1;
	struct gpu_bo *a, *b, *filler;
	struct dma_vec_table tbl;
	u8 *buf = malloc(len);
	struct rig r;

	assert_non_null(buf);
	rig_build(&r);
	p0 = gpu_provider(r.gpu[0]);
	p1 = gpu_provider(r.gpu[1]);

	/* Two buffers of one GPU, mapped back to back: one provider run. */
	a = frag_bo(r.gpu[0], a_size, 4);
	b = gpu_bo_create(r.gpu[0], b_size);
	assert_false(IS_ERR(b));
	fill(1, a_off, buf, a_size - a_off);
	assert_int_equal(gpu_bo_write(a, a_off, buf, a_size - a_off), 0);
	fill(2, 0, buf, len - (a_size - a_off));
	assert_int_equal(gpu_bo_write(b, 0, buf, len - (a_size - a_off)), 0);
	assert_false(IS_ERR(gpu_bo_mmap(a, r.mm, UADDR, 0, a_size, 0)));
	assert_false(IS_ERR(gpu_bo_mmap(b, r.mm, UADDR + a_size, 0, b_size,
					0)));
	dma_vec_table_init(&tbl);
	assert_int_equal(dma_vec_from_user(r.mm, UADDR + a_off, len, true,
					   &tbl, &u, GFP_KERNEL), 0);
	assert_int_equal(tbl.nr_runs, 1);
	assert_int_equal(a->pin_count, 1);
	assert_int_equal(b->pin_count, 1);
	check_span(r.nic_sw, &tbl, a, a_off, b, len, 1, true);
	check_span(r.nic_rp, &tbl, a, a_off, b, len, 1, true);
	sim_set_iova_api(false);
	check_span(r.nic_rp, &tbl, a, a_off, b, len, 1, true);
	sim_set_iova_api(true);
	dma_vec_put_user(&u);
	dma_vec_table_release(&tbl);
	assert_int_equal(a->pin_count + b->pin_count, 0);
	gpu_bo_put(a);
	gpu_bo_put(b);

	/*
	 * Two GPUs whose BARs touch: the last blocks of GPU 0 and the first
	 * of GPU 1 are physically contiguous, yet never merge.
	 */
	filler = gpu_bo_create(r.gpu[0], gpu_vram_free(r.gpu[0]) - a_size);
	assert_false(IS_ERR(filler));
	a = gpu_bo_create(r.gpu[0], a_size);
	b = gpu_bo_create(r.gpu[1], b_size);
	assert_false(IS_ERR(a));
	assert_false(IS_ERR(b));
	assert_int_equal(gpu_vram_free(r.gpu[0]), 0);
	assert_int_equal(gpu_bo_phys(a, a_size - 1, NULL) + 1, VRAM1_PHYS);
	assert_int_equal(gpu_bo_phys(b, 0, NULL), VRAM1_PHYS);
	fill(4, a_off, buf, a_size - a_off);
	assert_int_equal(gpu_bo_write(a, a_off, buf, a_size - a_off), 0);
	fill(5, 0, buf, len - (a_size - a_off));
	assert_int_equal(gpu_bo_write(b, 0, buf, len - (a_size - a_off)), 0);
	assert_false(IS_ERR(gpu_bo_mmap(a, r.mm, UADDR2, 0, a_size, 0)));
	assert_false(IS_ERR(gpu_bo_mmap(b, r.mm, UADDR2 + a_size, 0, b_size,
					GPU_MMAP_READ_ONLY)));
	dma_vec_table_init(&tbl);
	/* GPU 1's VMA is read-only: a device may read, not write. */
	assert_int_equal(dma_vec_from_user(r.mm, UADDR2 + a_off, len, true,
					   &tbl, &u, GFP_KERNEL), -EACCES);
	assert_int_equal(a->pin_count, 0);
	assert_int_equal(tbl.nr, 0);
	assert_int_equal(dma_vec_from_user(r.mm, UADDR2 + a_off, len, false,
					   &tbl, &u, GFP_KERNEL), 0);
	assert_int_equal(tbl.nr, 2);
	assert_int_equal(tbl.nr_runs, 2);
	assert_int_equal(tbl.ranges[0].paddr + tbl.ranges[0].len,
			 tbl.ranges[1].paddr);
	assert_ptr_equal(dma_vec_run(&tbl, 0)->provider, p0);
	assert_ptr_equal(dma_vec_run(&tbl, 1)->provider, p1);
	check_table(&tbl, 0, a, a_off, a_size - a_off, p0);
	check_table(&tbl, 1, b, 0, len - (a_size - a_off), p1);
	check_span(r.nic_sw, &tbl, a, a_off, b, len, 4, false);
	check_span(r.nic_rp, &tbl, a, a_off, b, len, 4, false);
	sim_set_iova_api(false);
	check_span(r.nic_rp, &tbl, a, a_off, b, len, 4, false);
	dma_vec_put_user(&u);
	dma_vec_table_release(&tbl);
	assert_int_equal(a->pin_count + b->pin_count, 0);
	gpu_bo_put(a);
	gpu_bo_put(b);
	gpu_bo_put(filler);
	rig_destroy(&r);
	free(buf);
	(void)state;
}

/* Every error of dma_vec_from_user() leaves the table and pins as they were. */
static void test_from_user_errors(void **state)
{
	struct dma_vec_user u = { };
	const u64 size = 64 * SZ_1M;
	struct dvt_snapshot snap, empty;
	struct dma_vec_checkpoint cp;
	struct dma_vec_table tbl, tbl2;
	struct gpu_bo *bo, *ro, *other;
	struct rig r;
	const struct {
		unsigned long start;
		unsigned long len;
		bool write;
		int ret;
	} cases[] = {
		/* A hole, and a hole after two good VMAs. */
		{ UADDR - PAGE_SIZE, 8, false, -EFAULT },
		{ UADDR + size - 8, size + 16, false, -EFAULT },
		/* Ordinary anonymous memory has no p2p_map. */
		{ UADDR3, 8, false, -EOPNOTSUPP },
		{ UADDR3 - 8, 16, false, -EOPNOTSUPP },
		/* The read-only mapping refuses device writes. */
		{ UADDR2, 8, true, -EACCES },
		{ UADDR2 - 8, 16, true, -EACCES },
		/* Nothing, and a range that wraps around. */
		{ UADDR, 0, false, -EINVAL },
		{ ULONG_MAX - PAGE_SIZE + 1, 2 * PAGE_SIZE, false, -EFAULT },
		{ UADDR, ULONG_MAX, false, -EFAULT },
	};
	unsigned int i, n;
	int ret;

	rig_build(&r);
	bo = frag_bo(r.gpu[0], size, 4);
	ro = gpu_bo_create(r.gpu[0], size);
	other = gpu_bo_create(r.gpu[1], size);
	assert_false(IS_ERR(ro));
	assert_false(IS_ERR(other));
	assert_false(IS_ERR(gpu_bo_mmap(bo, r.mm, UADDR, 0, size, 0)));
	assert_false(IS_ERR(gpu_bo_mmap(ro, r.mm, UADDR2, 0, size,
					GPU_MMAP_READ_ONLY)));
	/* Good VMAs right before the read-only one and the anonymous one. */
	assert_false(IS_ERR(gpu_bo_mmap(bo, r.mm, UADDR2 - SZ_1M, 0, SZ_1M,
					0)));
	assert_false(IS_ERR(gpu_bo_mmap(ro, r.mm, UADDR3 - SZ_1M, 0, SZ_1M,
					0)));
	assert_non_null(sim_vma_add(r.mm, UADDR3, UADDR3 + SZ_1M,
				    VM_READ | VM_WRITE, NULL, NULL));
	/* GPU 1's buffer right after GPU 0's. */
	assert_false(IS_ERR(gpu_bo_mmap(other, r.mm, UADDR + size, 0, size,
					0)));
	/* Overlaps and bad arguments. */
	assert_ptr_equal(gpu_bo_mmap(bo, r.mm, UADDR + PAGE_SIZE, 0, PAGE_SIZE,
				     0), ERR_PTR(-EEXIST));
	assert_ptr_equal(gpu_bo_mmap(bo, r.mm, UADDR3 + SZ_4M, 0, size + 1, 0),
			 ERR_PTR(-EINVAL));
	assert_ptr_equal(gpu_bo_mmap(bo, r.mm, UADDR3 + SZ_4M, PAGE_SIZE,
				     size, 0), ERR_PTR(-EINVAL));
	assert_ptr_equal(gpu_bo_mmap(bo, r.mm, UADDR3 + SZ_4M + 1, 0,
				     PAGE_SIZE, 0), ERR_PTR(-EINVAL));

	/* A table that already holds something, to see it is kept. */
	dma_vec_table_init(&tbl);
	assert_int_equal(dma_vec_append(&tbl, 0x100000000ULL, PAGE_SIZE, NULL,
					GFP_KERNEL), 0);
	dvt_snapshot_take(&snap, &tbl);
	dma_vec_checkpoint(&tbl, &cp);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ret = dma_vec_from_user(r.mm, cases[i].start, cases[i].len,
					cases[i].write, &tbl, &u, GFP_KERNEL);
		if (ret != cases[i].ret)
			fail_msg("case %u: %d, expected %d", i, ret,
				 cases[i].ret);
		dvt_snapshot_check(&snap, &tbl);
		assert_int_equal(r.gpu[0]->nr_pins + r.gpu[1]->nr_pins, 0);
	}

	/* The read-only mapping gives reads. */
	assert_int_equal(dma_vec_from_user(r.mm, UADDR2, size, false, &tbl,
					   &u, GFP_KERNEL), 0);
	assert_int_equal(ro->pin_count, 1);
	dma_vec_put_user(&u);
	dma_vec_rollback(&tbl, &cp);
	dvt_snapshot_check(&snap, &tbl);

	/* p2p_map fails in the second VMA: GPU 1 is resetting. */
	gpu_reset_begin(r.gpu[1]);
	assert_int_equal(dma_vec_from_user(r.mm, UADDR + size - SZ_1M,
					   2 * SZ_1M, false, &tbl, &u, GFP_KERNEL),
			 -EAGAIN);
	dvt_snapshot_check(&snap, &tbl);
	assert_int_equal(bo->pin_count, 0);
	assert_int_equal(kref_read(&bo->ref), 1);
	assert_int_equal(gpu_reset_end(r.gpu[1]), 0);

	/*
	 * Out of memory at each allocation in turn, in either VMA: into an
	 * empty table, each p2p_map call has to allocate.
	 */
	dma_vec_table_init(&tbl2);
	dvt_snapshot_take(&empty, &tbl2);
	for (n = 1;; n++) {
		shim_fail_nth(n);
		ret = dma_vec_from_user(r.mm, UADDR + size - SZ_1M, 2 * SZ_1M,
					false, &tbl2, &u, GFP_KERNEL);
		if (!ret)
			break;
		assert_int_equal(ret, -ENOMEM);
		dvt_snapshot_check(&empty, &tbl2);
		assert_int_equal(bo->pin_count + other->pin_count, 0);
	}
	shim_fail_nth(0);
	assert_true(n >= 3);
	assert_int_equal(tbl2.nr, 2);
	assert_int_equal(tbl2.nr_runs, 2);
	assert_int_equal(bo->pin_count, 1);
	assert_int_equal(other->pin_count, 1);
	dma_vec_put_user(&u);
	assert_int_equal(bo->pin_count + other->pin_count, 0);
	dma_vec_table_release(&tbl2);

	dvt_snapshot_drop(&empty);
	dvt_snapshot_drop(&snap);
	dma_vec_table_release(&tbl);
	gpu_bo_put(bo);
	gpu_bo_put(ro);
	gpu_bo_put(other);
	rig_destroy(&r);
	(void)state;
}

/*
 * An importer: counts invalidations; unmaps in the callback or later; and
 * may also let go of the memory (dma_vec_put_user()) in the callback.
 */
struct importer {
	struct dma_vec_map map;
	unsigned int calls;
	bool unmap_in_callback;
	struct dma_vec_user *put;
};

static void importer_invalidate(struct dma_vec_map *map, void *priv)
{
	struct importer *imp = priv;

	assert_ptr_equal(map, &imp->map);
	assert_true(test_bit(DVT_MAP_REVOKED, &map->flags));
	imp->calls++;
	if (imp->unmap_in_callback)
		dma_vec_unmap(map);
	if (imp->put)
		assert_int_equal(dma_vec_put_user(imp->put), 0);
}

static const struct dma_vec_map_ops importer_ops = {
	.invalidate = importer_invalidate,
};

/* A reset while two importers have the buffer mapped. */
static void test_revoke(void **state)
{
	struct dma_vec_user u = { }, u2 = { };
	const u64 size = 256 * SZ_1M;
	struct importer sw = { .unmap_in_callback = true };
	struct importer rp = { .unmap_in_callback = false };
	struct dma_vec_provider *old, *new;
	struct dma_vec_table tbl, tbl2;
	struct dma_vec_map again;
	dma_addr_t sw_addr, rp_addr;
	struct gpu_bo *bo;
	phys_addr_t old_pa;
	struct rig r;
	u8 b[16], want[16];

	rig_build(&r);
	bo = frag_bo(r.gpu[0], size, 8);
	upload(bo, 0, bo->size, 11);
	assert_false(IS_ERR(gpu_bo_mmap(bo, r.mm, UADDR, 0, bo->size, 0)));
	dma_vec_table_init(&tbl);
	assert_int_equal(dma_vec_from_user(r.mm, UADDR, size, true, &tbl,
					   &u, GFP_KERNEL), 0);
	old = gpu_provider(r.gpu[0]);
	old_pa = tbl.ranges[0].paddr;
	map_ok(&sw.map, &tbl, r.nic_sw, &importer_ops, &sw);
	map_ok(&rp.map, &tbl, r.nic_rp, &importer_ops, &rp);
	sw_addr = sw.map.ranges[0].addr;
	rp_addr = rp.map.ranges[0].addr;
	/* Both reach the first bytes of the buffer. */
	fill(11, 0, want, sizeof(want));
	assert_int_equal(sim_dma(&r.nic_sw->dev, sw_addr, b, 16, false), 0);
	assert_memory_equal(b, want, 16);
	assert_int_equal(sim_dma(&r.nic_rp->dev, rp_addr, b, 16, false), 0);
	assert_memory_equal(b, want, 16);
	/* Pinned in the current generation: it cannot move. */
	assert_int_equal(gpu_bo_move(bo), -EBUSY);

	gpu_reset_begin(r.gpu[0]);
	assert_int_equal(sw.calls, 1);
	assert_int_equal(rp.calls, 1);
	assert_null(sw.map.ranges);		/* unmapped from the callback */
	assert_non_null(rp.map.ranges);		/* not yet */
	assert_null(gpu_provider(r.gpu[0]));
	assert_true(old->__p2p.revoked);

	/* The old table cannot be mapped again. */
	memset(&again, 0, sizeof(again));
	assert_int_equal(dma_vec_map_table(&again, &tbl, &r.nic_sw->dev,
					   DMA_TO_DEVICE, 0, NULL, NULL,
					   GFP_KERNEL), -ENODEV);
	assert_null(again.ranges);
	/* The BAR is disabled: the old addresses fault, mapped or not. */
	expect_fault(sim_dma(&r.nic_sw->dev, sw_addr, b, 16, false),
		     "revoked");
	expect_fault(sim_dma(&r.nic_rp->dev, rp_addr, b, 16, true),
		     "revoked");
	assert_int_equal(gpu_bo_read(bo, 0, b, 16), -EIO);
	assert_int_equal(gpu_bo_move(bo), -EAGAIN);
	/* No new importers during the reset. */
	dma_vec_table_init(&tbl2);
	assert_int_equal(dma_vec_from_user(r.mm, UADDR, SZ_1M, true, &tbl2,
					   &u2, GFP_KERNEL), -EAGAIN);
	assert_int_equal(tbl2.nr, 0);

	/* The second importer unmaps after the callback. */
	dma_vec_unmap(&rp.map);
	assert_int_equal(sim_live_mappings(NULL), 0);

	assert_int_equal(gpu_reset_end(r.gpu[0]), 0);
	new = gpu_provider(r.gpu[0]);
	assert_non_null(new);
	assert_ptr_not_equal(new, old);
	assert_false(new->__p2p.revoked);
	assert_int_equal(sw.calls + rp.calls, 2);
	assert_int_equal(dma_vec_map_table(&again, &tbl, &r.nic_rp->dev,
					   DMA_TO_DEVICE, 0, NULL, NULL,
					   GFP_KERNEL), -ENODEV);

	/* Pins of the old generation no longer hold the buffer in place. */
	assert_int_equal(bo->pin_count, 1);
	assert_int_equal(gpu_bo_move(bo), 0);
	assert_int_not_equal(gpu_bo_phys(bo, 0, NULL), old_pa);
	dma_vec_put_user(&u);
	assert_int_equal(bo->pin_count, 0);
	assert_true(list_empty(&r.gpu[0]->retired));
	dma_vec_table_release(&tbl);

	/* The new generation: new addresses, the same bytes. */
	assert_int_equal(dma_vec_from_user(r.mm, UADDR, size, true, &tbl2,
					   &u, GFP_KERNEL), 0);
	check_table(&tbl2, 0, bo, 0, size, new);
	map_ok(&sw.map, &tbl2, r.nic_sw, &importer_ops, &sw);
	check_bytes(&r.nic_sw->dev, &sw.map, bo, 0, size, 11);
	map_ok(&rp.map, &tbl2, r.nic_rp, &importer_ops, &rp);
	check_bytes(&r.nic_rp->dev, &rp.map, bo, 0, size, 11);

	/* Migrating the pinned buffer revokes the importers again. */
	sw.unmap_in_callback = false;
	rp.unmap_in_callback = true;
	assert_int_equal(gpu_bo_migrate(bo), 0);
	assert_int_equal(sw.calls, 2);
	assert_int_equal(rp.calls, 2);
	assert_null(rp.map.ranges);
	dma_vec_unmap(&sw.map);
	assert_int_equal(gpu_bo_move(bo), 0);	/* the pin is stale */
	dma_vec_put_user(&u);
	dma_vec_table_release(&tbl2);

	/*
	 * Unbinding the GPU revokes its importers too; this one lets go of
	 * everything from the callback, the last reference to the buffer
	 * included.
	 */
	assert_int_equal(dma_vec_from_user(r.mm, UADDR, size, true, &tbl2,
					   &u, GFP_KERNEL), 0);
	sw.unmap_in_callback = true;
	sw.put = &u;
	map_ok(&sw.map, &tbl2, r.nic_sw, &importer_ops, &sw);
	check_bytes(&r.nic_sw->dev, &sw.map, bo, 0, size, 11);
	gpu_bo_put(bo);
	assert_int_equal(kref_read(&bo->ref), 1);
	gpu_destroy(r.gpu[0]);
	r.gpu[0] = NULL;
	assert_int_equal(sw.calls, 3);
	assert_null(sw.map.ranges);
	dma_vec_table_release(&tbl2);
	rig_destroy(&r);
	(void)state;
}

/* A fully used 128 GiB BAR: host memory only for what was touched. */
static void test_footprint(void **state)
{
	struct dma_vec_user u = { };
	struct dma_vec_table tbl;
	struct dma_vec_map map;
	struct gpu_bo *bo;
	struct rig r;
	u64 offs[3], size, v, free0;
	unsigned int i, iova;

	rig_build(&r);
	assert_int_equal(gpu_vram_churn(r.gpu[0], 256 * SZ_1M, 8), 0);
	free0 = gpu_vram_free(r.gpu[0]);
	bo = gpu_bo_create(r.gpu[0], free0);
	assert_false(IS_ERR(bo));
	size = bo->size;
	assert_true(size > SZ_128G_ULL - 256 * SZ_1M);
	assert_int_equal(gpu_vram_free(r.gpu[0]), 0);
	assert_ptr_equal(gpu_bo_create(r.gpu[0], GPU_BLOCK_SIZE),
			 ERR_PTR(-ENOSPC));
	assert_int_equal(sim_bar_backing(r.gpu[0]->pdev, GPU_VRAM_BAR), 0);

	offs[0] = 0;
	offs[1] = size / 2 + 40;
	offs[2] = size - 8;
	for (i = 0; i < ARRAY_SIZE(offs); i++)
		assert_int_equal(gpu_bo_write(bo, offs[i], &offs[i], 8), 0);
	assert_int_equal(sim_bar_backing(r.gpu[0]->pdev, GPU_VRAM_BAR),
			 3 * PAGE_SIZE);

	assert_false(IS_ERR(gpu_bo_mmap(bo, r.mm, UADDR, 0, size, 0)));
	dma_vec_table_init(&tbl);
	assert_int_equal(dma_vec_from_user(r.mm, UADDR, size, false, &tbl,
					   &u, GFP_KERNEL), 0);
	assert_int_equal(dma_vec_len(&tbl), size);
	assert_int_equal(tbl.nr, bo->nr_ext);
	/* A few KiB for ~128 GiB; struct pages would take 2 GiB. */
	assert_true(dma_vec_table_bytes(&tbl) <= 8 * SZ_1K);
	check_table(&tbl, 0, bo, 0, size, gpu_provider(r.gpu[0]));

	map_ok(&map, &tbl, r.nic_sw, NULL, NULL);
	for (i = 0; i < ARRAY_SIZE(offs); i++) {
		assert_int_equal(dma_xfer(&r.nic_sw->dev, &map, offs[i],
					  (u8 *)&v, 8, false), 0);
		assert_int_equal(v, offs[i]);
	}
	dma_vec_unmap(&map);
	for (iova = 0; iova < 2; iova++) {
		sim_set_iova_api(iova);
		map_ok(&map, &tbl, r.nic_rp, NULL, NULL);
		assert_int_equal(map.nr, iova ? 1 : tbl.nr);
		for (i = 0; i < ARRAY_SIZE(offs); i++) {
			assert_int_equal(dma_xfer(&r.nic_rp->dev, &map,
						  offs[i], (u8 *)&v, 8, false),
					 0);
			assert_int_equal(v, offs[i]);
		}
		dma_vec_unmap(&map);
	}
	/* Reading touched nothing new. */
	assert_int_equal(sim_bar_backing(r.gpu[0]->pdev, GPU_VRAM_BAR),
			 3 * PAGE_SIZE);

	dma_vec_put_user(&u);
	dma_vec_table_release(&tbl);
	gpu_bo_put(bo);
	assert_int_equal(gpu_vram_free(r.gpu[0]), free0);
	rig_destroy(&r);
	(void)state;
}

/* The model itself: deterministic churn, refcounts, bounds, moves. */
static void test_model(void **state)
{
	struct gpu_bo *x[2], *y, *bo;
	struct rig r;
	u8 in[64], out[64];
	unsigned int i;
	u64 free0;

	rig_build(&r);
	/* The same seed and history give the same fragments. */
	for (i = 0; i < 2; i++) {
		r.gpu[i]->rng = 42;
		assert_int_equal(gpu_vram_churn(r.gpu[i], 512 * SZ_1M, 8), 0);
		x[i] = gpu_bo_create(r.gpu[i], 256 * SZ_1M);
		assert_false(IS_ERR(x[i]));
	}
	assert_int_equal(x[0]->nr_ext, x[1]->nr_ext);
	assert_true(x[0]->nr_ext > 8);
	assert_memory_equal(x[0]->ext, x[1]->ext,
			    x[0]->nr_ext * sizeof(*x[0]->ext));
	/* Extents are maximal: a used block separates neighbours. */
	for (i = 1; i < x[0]->nr_ext; i++)
		assert_true(x[0]->ext[i].block >
			    x[0]->ext[i - 1].block + x[0]->ext[i - 1].nr);

	/* Freeing gives the VRAM back; references keep a buffer alive. */
	free0 = gpu_vram_free(r.gpu[0]);
	y = gpu_bo_create(r.gpu[0], 1);
	assert_false(IS_ERR(y));
	assert_int_equal(y->size, GPU_BLOCK_SIZE);
	assert_int_equal(gpu_vram_free(r.gpu[0]), free0 - GPU_BLOCK_SIZE);
	assert_ptr_equal(gpu_bo_get(y), y);
	gpu_bo_put(y);
	assert_int_equal(gpu_vram_free(r.gpu[0]), free0 - GPU_BLOCK_SIZE);
	gpu_bo_put(y);
	assert_int_equal(gpu_vram_free(r.gpu[0]), free0);
	assert_ptr_equal(gpu_bo_create(r.gpu[0], 0), ERR_PTR(-EINVAL));
	assert_int_equal(gpu_vram_churn(r.gpu[0], 1, 8), -EINVAL);

	/* CPU access: bounds, contents, and moves keep the contents. */
	bo = x[0];
	fill(3, 0, in, sizeof(in));
	assert_int_equal(gpu_bo_write(bo, GPU_BLOCK_SIZE - 32, in, 64), 0);
	assert_int_equal(gpu_bo_write(bo, bo->size - 32, in, 64), -EINVAL);
	assert_int_equal(gpu_bo_read(bo, bo->size + 1, out, 0), -EINVAL);
	assert_int_equal(gpu_bo_move(bo), 0);
	assert_int_equal(gpu_bo_read(bo, GPU_BLOCK_SIZE - 32, out, 64), 0);
	assert_memory_equal(in, out, 64);
	/* Only the two written pages were copied. */
	assert_int_equal(sim_bar_backing(r.gpu[0]->pdev, GPU_VRAM_BAR),
			 4 * PAGE_SIZE);

	for (i = 0; i < 2; i++)
		gpu_bo_put(x[i]);
	rig_destroy(&r);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_model, exp_setup, exp_teardown),
		cmocka_unit_test_setup_teardown(test_bus_addr, exp_setup, exp_teardown),
		cmocka_unit_test_setup_teardown(test_host_bridge_iommu, exp_setup, exp_teardown),
		cmocka_unit_test_setup_teardown(test_not_supported, exp_setup, exp_teardown),
		cmocka_unit_test_setup_teardown(test_partial_vma, exp_setup, exp_teardown),
		cmocka_unit_test_setup_teardown(test_two_vmas, exp_setup, exp_teardown),
		cmocka_unit_test_setup_teardown(test_from_user_errors, exp_setup, exp_teardown),
		cmocka_unit_test_setup_teardown(test_revoke, exp_setup, exp_teardown),
		cmocka_unit_test_setup_teardown(test_footprint, exp_setup, exp_teardown),
	};

	return cmocka_run_group_tests_name("exporter", tests, NULL, NULL);
}
