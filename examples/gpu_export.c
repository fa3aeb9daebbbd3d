// SPDX-License-Identifier: GPL-2.0
/*
 * gpu_export: a large-BAR GPU exports fragmented VRAM to three NICs.
 *
 * The simulated machine: an allow-listed host bridge with an IOMMU; below
 * its root port 1 a PCIe switch with the GPU (128 GiB VRAM BAR) and NIC 0;
 * below root port 2 NIC 1; and NIC 2 behind a second host bridge that is
 * not on the P2P allow-list.  All bus offsets are non-zero.
 *
 * Other clients churn the VRAM allocator, then a buffer (16 GiB of 2 MiB
 * blocks by default) is allocated in the holes, mmap()ed into a process
 * and resolved with dma_vec_from_user() through the GPU's p2p_map VMA
 * operation: no struct page anywhere.  Each NIC maps the table with
 * dma_vec_map_table(), with the two-step IOVA API on and off, and moves a
 * few MiB through the simulated DMA engine, checked byte for byte against
 * what the GPU wrote through its BAR.
 *
 * Usage: gpu_export [--size-gib N] [--max-blocks N] [--xfer-mib N] [--seed S]
 * Exits non-zero if a transfer, a check or the leak count fails.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/array_size.h>
#include <linux/dma-mapping.h>
#include <linux/dma_vec.h>
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <shim/shim.h>
#include <shim/sim.h>

#include <shim/gpu_model.h>

#include "example_util.h"

#define SZ_1M_ULL	(1ULL << 20)
#define SZ_1G_ULL	(1ULL << 30)
#define UADDR		0x7f0000000000UL

/* Reference sizes (DESIGN.md, "Facts the consumers need"). */
#define STRUCT_PAGE_BYTES	64	/* per 4 KiB page */
#define SG_ENTRY_BYTES		32	/* struct scatterlist */

#define NR_WINDOWS		4
#define SHOW_RANGES		2

struct options {
	u64 size_gib;
	u64 max_blocks;
	u64 xfer_mib;
	u64 seed;
};

struct importer {
	const char *what;
	struct pci_dev *pdev;
};

/* A stretch of the user range that transfers check. */
struct window {
	u64 off;	/* in the user range (= in the buffer) */
	u64 len;
};

static const char *type_name(enum dma_vec_map_type type)
{
	switch (type) {
	case DMA_VEC_MAP_HOST:
		return "HOST";
	case DMA_VEC_MAP_BUS_ADDR:
		return "BUS_ADDR";
	case DMA_VEC_MAP_THRU_HOST_BRIDGE:
		return "THRU_HOST_BRIDGE";
	case DMA_VEC_MAP_NOT_SUPPORTED:
		return "NOT_SUPPORTED";
	default:
		return "UNKNOWN";
	}
}

static const char gpu_export_help[] =
	"usage: %s [--size-gib N] [--max-blocks N] [--xfer-mib N] [--seed S]\n"
	"  --size-gib N    exported buffer in GiB, 1-31 (default 16)\n"
	"  --max-blocks N  other clients' buffers: 1-N blocks of 2 MiB (default 8)\n"
	"  --xfer-mib N    MiB each importer moves each way, 1-64 (default 4)\n"
	"  --seed S        allocator seed (default 1)\n";

static int parse_options(int argc, char **argv, struct options *opt)
{
	/* The churn takes 4x the buffer out of 128 GiB: at most 31 GiB. */
	const struct u64_option opts[] = {
		{ "size-gib", 1, 31, &opt->size_gib },
		{ "max-blocks", 1, 1024, &opt->max_blocks },
		{ "xfer-mib", 1, 64, &opt->xfer_mib },
		{ "seed", 0, U64_MAX, &opt->seed },
	};

	opt->size_gib = 16;
	opt->max_blocks = 8;
	opt->xfer_mib = 4;
	opt->seed = 1;
	if (parse_u64_options(argc, argv, "gpu_export", opts, ARRAY_SIZE(opts),
			      gpu_export_help))
		return -EINVAL;
	return 0;
}

/* Test data: one byte per buffer offset, different for every seed. */
static void fill(u64 seed, u64 off, u8 *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		u64 z = (seed ^ ((off + i) >> 3)) * 0x9e3779b97f4a7c15ULL;

		z ^= z >> 29;
		z *= 0xbf58476d1ce4e5b9ULL;
		buf[i] = (u8)(z >> (((off + i) & 7) * 8));
	}
}

/*
 * Windows across range boundaries: centred on the ends of the ranges a
 * quarter, half and three quarters into the table, and the buffer's tail.
 */
static void pick_windows(const struct dma_vec_table *tbl, u64 xfer,
			 struct window *w)
{
	u64 len = xfer / NR_WINDOWS, off = 0;
	unsigned int i, k = 0;

	for (i = 0; i < tbl->nr && k < NR_WINDOWS - 1; i++) {
		off += tbl->ranges[i].len;
		if (i + 1 == (k + 1) * tbl->nr / NR_WINDOWS || i + 1 == tbl->nr) {
			u64 c = min(off, tbl->len - len / 2);

			w[k].off = c > len / 2 ? c - len / 2 : 0;
			w[k].len = len;
			k++;
		}
	}
	while (k < NR_WINDOWS) {
		w[k].off = tbl->len - len;
		w[k++].len = len;
	}
}

static int upload(struct gpu_bo *bo, const struct window *w, u64 seed, u8 *buf)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < NR_WINDOWS && !ret; i++) {
		fill(seed, w[i].off, buf, w[i].len);
		ret = gpu_bo_write(bo, w[i].off, buf, w[i].len);
	}
	return ret;
}

/* Move bytes [@off, @off + @len) of the mapping through the DMA engine. */
static int dma_xfer(struct device *dev, const struct dma_vec_map *map,
		    u64 off, u8 *buf, u64 len, bool write, unsigned int *bursts)
{
	int n = sim_dma_ranges(dev, map->ranges, map->nr, off, buf, len, write);

	if (n < 0)
		return n;
	*bursts += n;
	return 0;
}

/*
 * The NIC reads every window (the GPU's data), then writes other data,
 * which the GPU reads back through its BAR; then the GPU's data is
 * restored for the next importer.
 */
static int check_windows(struct device *dev, const struct dma_vec_map *map,
			 struct gpu_bo *bo, const struct window *w, u64 seed,
			 u8 *got, u8 *want, unsigned int *bursts)
{
	unsigned int i;
	int ret;

	for (i = 0; i < NR_WINDOWS; i++) {
		fill(seed, w[i].off, want, w[i].len);
		ret = dma_xfer(dev, map, w[i].off, got, w[i].len, false,
			       bursts);
		if (ret)
			return ret;
		if (memcmp(got, want, w[i].len))
			return -EILSEQ;
		fill(seed + 1, w[i].off, want, w[i].len);
		ret = dma_xfer(dev, map, w[i].off, want, w[i].len, true,
			       bursts);
		if (!ret)
			ret = gpu_bo_read(bo, w[i].off, got, w[i].len);
		if (ret)
			return ret;
		if (memcmp(got, want, w[i].len))
			return -EILSEQ;
	}
	return upload(bo, w, seed, want);
}

static void print_ranges(const char *indent, const struct dma_vec_map *map,
			 const struct dma_vec_table *tbl)
{
	unsigned int i;
	char b[32];

	for (i = 0; i < map->nr && i < SHOW_RANGES; i++)
		printf("%sdma 0x%016llx + %-9s (phys 0x%016llx)\n", indent,
		       (unsigned long long)map->ranges[i].addr,
		       human(map->ranges[i].len, b, sizeof(b)),
		       map->nr == tbl->nr ?
		       (unsigned long long)tbl->ranges[i].paddr :
		       (unsigned long long)tbl->ranges[0].paddr);
	if (map->nr > SHOW_RANGES)
		printf("%s(%u more)\n", indent, map->nr - SHOW_RANGES);
}

/* Map for one importer, with the IOVA API on and off; 0 if all went well. */
static int run_importer(const struct importer *imp,
			const struct dma_vec_table *tbl,
			struct dma_vec_provider *prov, struct gpu_bo *bo,
			const struct window *w, u64 seed, u8 *got, u8 *want)
{
	struct device *dev = &imp->pdev->dev;
	enum dma_vec_map_type type;
	const char *why;
	unsigned int iova;
	char b1[32], b2[32], b3[32];
	int ret;

	type = dma_vec_classify(prov, dev, GFP_KERNEL, &why);
	printf("\n%s %s (%s)\n", imp->what, pci_name(imp->pdev),
	       sim_dev_has_iommu(dev) ? "behind an IOMMU" : "no IOMMU");
	printf("  dma_vec_classify: %s (%s)\n", type_name(type), why);

	for (iova = 0; iova < 2; iova++) {
		bool on = !iova;
		struct dma_vec_map map = { 0 };
		unsigned int bursts = 0;
		u64 moved = 0;

		sim_set_iova_api(on);
		ret = dma_vec_map_table(&map, tbl, dev, DMA_BIDIRECTIONAL, 0,
					NULL, NULL, GFP_KERNEL);
		printf("  IOVA API %-3s: ", on ? "on" : "off");
		if (ret) {
			printf("dma_vec_map_table: %s (%d), %lu live mappings\n",
			       strerror(-ret), ret, sim_live_mappings(NULL));
			if (type != DMA_VEC_MAP_NOT_SUPPORTED ||
			    ret != -EREMOTEIO || sim_live_mappings(NULL))
				return 1;
			continue;
		}
		if (type == DMA_VEC_MAP_NOT_SUPPORTED) {
			dma_vec_unmap(&map);
			return 1;
		}
		printf("%u phys ranges -> %u DMA ranges; table %s, mapping %s, %lu IOMMU mappings\n",
		       tbl->nr, map.nr, human(dma_vec_table_bytes(tbl), b1,
					      sizeof(b1)),
		       human(dma_vec_map_bytes(&map), b2, sizeof(b2)),
		       sim_live_mappings(dev));
		print_ranges("      ", &map, tbl);
		ret = check_windows(dev, &map, bo, w, seed, got, want, &bursts);
		for (unsigned int i = 0; i < NR_WINDOWS; i++)
			moved += 2 * w[i].len;
		if (ret)
			printf("      transfer FAILED: %s%s%s\n", strerror(-ret),
			       sim_faults() ? ": " : "", sim_last_fault());
		else
			printf("      moved %s in %u sim_dma bursts (read + write), every byte verified\n",
			       human(moved, b3, sizeof(b3)), bursts);
		dma_vec_unmap(&map);
		if (ret || sim_live_mappings(NULL))
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct dma_vec_user u = { };
	struct sim_host_bridge_desc hd0 = {
		.domain = 0, .vendor = PCI_VENDOR_ID_INTEL, .device = 0x2030,
		.iommu = true,
	};
	struct sim_host_bridge_desc hd1 = {
		.domain = 1, .vendor = PCI_VENDOR_ID_INTEL, .device = 0x1234,
		.iommu = true,
	};
	struct importer imp[3];
	struct window w[NR_WINDOWS];
	struct pci_host_bridge *h0, *h1;
	struct pci_dev *rp1, *rp2, *rp3, *dsp[2];
	struct dma_vec_provider *prov;
	struct dma_vec_table tbl;
	struct gpu_device *gpu;
	struct mm_struct *mm;
	struct options opt;
	struct gpu_bo *bo;
	u64 size, xfer, pages_cost, sg_cost;
	long live0 = shim_live_objects();
	char b1[32], b2[32], b3[32], b4[32];
	u8 *got = NULL, *want = NULL;
	unsigned int i;
	int ret, failed = 0;

	if (parse_options(argc, argv, &opt))
		return 2;
	size = opt.size_gib * SZ_1G_ULL;
	xfer = opt.xfer_mib * SZ_1M_ULL;

	sim_reset();
	h0 = sim_add_host_bridge(&hd0);
	h1 = sim_add_host_bridge(&hd1);
	rp1 = sim_add_root_port(h0, PCI_DEVFN(1, 0));
	rp2 = sim_add_root_port(h0, PCI_DEVFN(2, 0));
	rp3 = sim_add_root_port(h1, PCI_DEVFN(1, 0));
	sim_add_switch(rp1->subordinate, 2, dsp);
	gpu = gpu_create(dsp[0]->subordinate,
			 &(struct gpu_desc){ .seed = opt.seed });
	if (IS_ERR(gpu)) {
		fprintf(stderr, "gpu_create: %s\n", strerror(-PTR_ERR(gpu)));
		return 1;
	}
	imp[0] = (struct importer){ "NIC 0, below the GPU's switch:",
				    sim_add_endpoint(dsp[1]->subordinate, 0, 0) };
	imp[1] = (struct importer){ "NIC 1, below another root port:",
				    sim_add_endpoint(rp2->subordinate, 0, 0) };
	imp[2] = (struct importer){ "NIC 2, behind another host bridge:",
				    sim_add_endpoint(rp3->subordinate, 0, 0) };
	prov = gpu_provider(gpu);

	printf("GPU %s: VRAM BAR%d %s at phys 0x%llx, bus 0x%llx; provider without struct pages\n",
	       pci_name(gpu->pdev), GPU_VRAM_BAR, human(prov->size, b1, sizeof(b1)),
	       (unsigned long long)prov->base,
	       (unsigned long long)(prov->base + prov->bus_offset));
	printf("host bridges: %s allow-listed (8086:2030) with IOMMU, %s not allow-listed (8086:1234) with IOMMU\n",
	       dev_name(&h0->dev), dev_name(&h1->dev));

	/* Other clients fragment VRAM; the buffer lands in the holes. */
	ret = gpu_vram_churn(gpu, 4 * size, opt.max_blocks);
	bo = ret ? ERR_PTR(ret) : gpu_bo_create(gpu, size);
	if (IS_ERR(bo)) {
		fprintf(stderr, "VRAM allocation: %s\n", strerror(-PTR_ERR(bo)));
		gpu_destroy(gpu);
		return 1;
	}
	printf("VRAM: other clients churned %s in buffers of 1-%llu blocks; %s left free\n",
	       human(4 * size, b1, sizeof(b1)),
	       (unsigned long long)opt.max_blocks,
	       human(gpu_vram_free(gpu), b2, sizeof(b2)));
	printf("buffer: %s = %llu blocks of 2 MiB in %u extents, mmap offset 0x%llx\n",
	       human(bo->size, b1, sizeof(b1)),
	       (unsigned long long)(bo->size >> GPU_BLOCK_SHIFT), bo->nr_ext,
	       (unsigned long long)gpu_bo_mmap_offset(bo));

	/* A process maps it; the importer resolves the user range. */
	mm = sim_mm_create();
	dma_vec_table_init(&tbl);
	if (IS_ERR(gpu_bo_mmap(bo, mm, UADDR, 0, size, 0))) {
		failed = 1;
		goto out;
	}
	ret = dma_vec_from_user(mm, UADDR, size, true, &tbl, &u, GFP_KERNEL);
	if (ret) {
		fprintf(stderr, "dma_vec_from_user: %s\n", strerror(-ret));
		failed = 1;
		goto out;
	}
	printf("mmap at 0x%lx; dma_vec_from_user(): %u ranges, %u provider run, %s, table %s\n",
	       UADDR, dma_vec_nr_ranges(&tbl), tbl.nr_runs,
	       human(dma_vec_len(&tbl), b1, sizeof(b1)),
	       human(dma_vec_table_bytes(&tbl), b2, sizeof(b2)));
	for (i = 0; i < tbl.nr && i < SHOW_RANGES; i++)
		printf("  phys 0x%016llx + %s\n",
		       (unsigned long long)tbl.ranges[i].paddr,
		       human(tbl.ranges[i].len, b1, sizeof(b1)));
	if (tbl.nr > SHOW_RANGES)
		printf("  (%u more)\n", tbl.nr - SHOW_RANGES);
	if (tbl.nr != bo->nr_ext || dma_vec_len(&tbl) != size ||
	    dma_vec_range_provider(&tbl, 0) != prov)
		failed = 1;

	/* The GPU writes test data through its BAR. */
	pick_windows(&tbl, xfer, w);
	got = malloc(xfer / NR_WINDOWS);
	want = malloc(xfer / NR_WINDOWS);
	if (!got || !want || upload(bo, w, opt.seed, want)) {
		failed = 1;
		goto out_put;
	}
	for (i = 0; i < ARRAY_SIZE(imp); i++)
		failed |= run_importer(&imp[i], &tbl, prov, bo, w, opt.seed,
				       got, want);

	pages_cost = prov->size / PAGE_SIZE * STRUCT_PAGE_BYTES;
	sg_cost = (size >> GPU_BLOCK_SHIFT) * SG_ENTRY_BYTES;
	printf("\nfootprint: dma_vec table %s for %s; ZONE_DEVICE struct pages for the BAR %s + an sg entry per block %s\n",
	       human(dma_vec_table_bytes(&tbl), b1, sizeof(b1)),
	       human(size, b2, sizeof(b2)),
	       human(pages_cost, b3, sizeof(b3)),
	       human(sg_cost, b4, sizeof(b4)));
	printf("simulated BAR backing: %s touched of %s; DMA faults %lu, DMA API errors %lu\n",
	       human(sim_bar_backing(gpu->pdev, GPU_VRAM_BAR), b1, sizeof(b1)),
	       human(prov->size, b2, sizeof(b2)), sim_faults(),
	       sim_mapping_errors());
	if (sim_faults() || sim_mapping_errors())
		failed = 1;

out_put:
	dma_vec_put_user(&u);
	if (bo->pin_count)
		failed = 1;
out:
	free(got);
	free(want);
	dma_vec_table_release(&tbl);
	gpu_bo_put(bo);
	gpu_destroy(gpu);
	sim_reset();
	if (shim_live_objects() != live0) {
		fprintf(stderr, "gpu_export: %ld objects leaked\n",
			shim_live_objects() - live0);
		failed = 1;
	}
	printf("%s\n", failed ? "FAILED" : "OK");
	return failed;
}
