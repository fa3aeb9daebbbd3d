// SPDX-License-Identifier: GPL-2.0
/*
 * rdma_pages: how many MR translation entries an RDMA NIC needs to register
 * a large, fragmented GPU allocation, with the best page size the DMA
 * ranges allow (dma_vec_rdma_best_page_size(), the idea of
 * ib_umem_find_best_pgsz()) versus fixed 4 KiB pages.
 *
 * On the simulated platform, a GPU with a large BAR and an RDMA NIC sit
 * below one PCIe switch.  A pseudo-random VRAM allocator hands out 2 MiB
 * blocks of the BAR in a shuffled order (fragmented: hardly any two
 * neighbours are contiguous); the buffer is a dma_vec table of those
 * blocks, mapped for the NIC (PCI bus addresses, no IOMMU, no struct
 * page), and the MR page list is sized by walking the DMA ranges with the
 * rules of ib_sg_to_pages(), without building it.
 *
 * Usage: rdma_pages [--alloc-gib N] [--block-mib N] [--seed S]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/dma_vec.h>
#include <rdma/dma_vec.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <shim/sim.h>

#include "example_util.h"


/* mlx5-like MR page sizes: 4 KiB up to 2 GiB, every power of two. */
#define MR_PGSZ_BITMAP	0xfffff000UL
/* A translation entry (an MTT entry of mlx5) is 8 bytes. */
#define MR_ENTRY_BYTES	8

struct options {
	u64 alloc_gib;
	u64 block_mib;
	u64 seed;
};

static const char rdma_pages_help[] =
	"usage: %s [--alloc-gib N] [--block-mib N] [--seed S]\n"
	"  --alloc-gib N  GPU allocation in GiB (default 128)\n"
	"  --block-mib N  VRAM block in MiB, a power of two (default 2)\n"
	"  --seed S       allocator seed (default 1)\n";

static int parse_options(int argc, char **argv, struct options *o)
{
	const struct u64_option opts[] = {
		{ "alloc-gib", 1, 1024, &o->alloc_gib },
		{ "block-mib", 1, 1024, &o->block_mib },
		{ "seed", 0, U64_MAX, &o->seed },
	};

	o->alloc_gib = 128;
	o->block_mib = 2;
	o->seed = 1;
	if (parse_u64_options(argc, argv, "rdma_pages", opts, ARRAY_SIZE(opts),
			      rdma_pages_help))
		return -1;
	if (o->block_mib & (o->block_mib - 1)) {
		fprintf(stderr, "rdma_pages: --block-mib must be a power of two\n");
		return -1;
	}
	return 0;
}

static u64 rng(u64 *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dULL;
}

static void entries_line(const char *what, u64 entries, u64 page)
{
	printf("  %-34s %10llu entries of %7llu KiB pages = %8llu KiB of translation\n",
	       what, (unsigned long long)entries,
	       (unsigned long long)(page >> 10),
	       (unsigned long long)(entries * MR_ENTRY_BYTES >> 10));
}

int main(int argc, char **argv)
{
	struct sim_host_bridge_desc hd = {
		.vendor = PCI_VENDOR_ID_INTEL, .device = 0x3c00,
	};
	struct sim_pci_desc gd = {
		.type = PCI_EXP_TYPE_ENDPOINT, .vendor = 0x10de, .device = 0x2330,
		.dma_bits = 64,
	};
	struct sim_pci_desc nd = {
		.type = PCI_EXP_TYPE_ENDPOINT, .vendor = 0x15b3, .device = 0x1021,
		.dma_bits = 64,
	};
	struct dma_vec_provider prov;
	struct dma_vec_table tbl;
	struct dma_vec_map map = { };
	struct pci_dev *down[2], *gpu, *nic, *rp;
	struct pci_host_bridge *hb;
	u64 alloc, block, bar, nr_blocks, nr, seed, *idx;
	u64 pages_best, pages_4k, bytes_best, bytes_4k;
	unsigned long pgsz;
	struct options opt;
	int ret;

	if (parse_options(argc, argv, &opt))
		return 2;
	alloc = opt.alloc_gib * SZ_1G;
	block = opt.block_mib * SZ_1M;
	nr = alloc / block;
	/* The allocation takes half of a BAR twice its size. */
	bar = 1;
	while (bar < 2 * alloc)
		bar <<= 1;
	nr_blocks = bar / block;

	hb = sim_add_host_bridge(&hd);
	rp = sim_add_root_port(hb, PCI_DEVFN(1, 0));
	sim_add_switch(rp->subordinate, 2, down);
	gd.bar[0].size = bar;
	gd.bar[0].prefetch = true;
	gpu = sim_add_pci(down[0]->subordinate, &gd);
	nic = sim_add_pci(down[1]->subordinate, &nd);
	ret = dma_vec_provider_init_pci(&prov, gpu, 0, 0, 0, NULL);
	if (ret) {
		fprintf(stderr, "dma_vec_provider_init_pci: %s\n", strerror(-ret));
		return 1;
	}

	/* A random half of the BAR's blocks, in allocation (random) order. */
	idx = malloc(nr_blocks * sizeof(*idx));
	if (!idx)
		return 1;
	for (u64 i = 0; i < nr_blocks; i++)
		idx[i] = i;
	seed = opt.seed * 2 + 1;
	for (u64 i = nr_blocks - 1; i > 0; i--) {
		u64 j = rng(&seed) % (i + 1), t = idx[i];

		idx[i] = idx[j];
		idx[j] = t;
	}
	dma_vec_table_init(&tbl);
	ret = dma_vec_table_reserve(&tbl, nr, GFP_KERNEL);
	for (u64 i = 0; !ret && i < nr; i++)
		ret = dma_vec_append(&tbl, prov.base + idx[i] * block, block,
				     &prov, GFP_KERNEL);
	free(idx);
	if (!ret)
		ret = dma_vec_map_table(&map, &tbl, &nic->dev, DMA_BIDIRECTIONAL,
					0, NULL, NULL, GFP_KERNEL);
	if (ret) {
		fprintf(stderr, "rdma_pages: building the buffer: %s\n",
			strerror(-ret));
		return 1;
	}

	pgsz = dma_vec_rdma_best_page_size(map.ranges, map.nr, MR_PGSZ_BITMAP,
					   map.ranges[0].addr);
	ret = dma_vec_rdma_count_mr_pages(map.ranges, map.nr, pgsz,
					  &pages_best, &bytes_best);
	if (!ret)
		ret = dma_vec_rdma_count_mr_pages(map.ranges, map.nr, SZ_4K,
						  &pages_4k, &bytes_4k);
	if (ret || !pgsz) {
		fprintf(stderr, "rdma_pages: sizing the MR failed\n");
		return 1;
	}

	printf("GPU allocation: %llu GiB in %llu MiB blocks from a %llu GiB BAR, %u DMA ranges for the NIC (bus addresses)\n",
	       (unsigned long long)opt.alloc_gib,
	       (unsigned long long)opt.block_mib,
	       (unsigned long long)(bar / SZ_1G), map.nr);
	printf("MR translation entries (ib_sg_to_pages rules, %d B each):\n",
	       MR_ENTRY_BYTES);
	entries_line("best page size (umem-style)", pages_best, pgsz);
	entries_line("fixed 4 KiB pages", pages_4k, SZ_4K);
	printf("  %llux fewer entries with the best page size\n",
	       (unsigned long long)(pages_4k / pages_best));

	dma_vec_unmap(&map);
	dma_vec_table_release(&tbl);
	dma_vec_provider_destroy(&prov);
	sim_reset();

	/* Both walks must cover the whole buffer, and agree. */
	if (bytes_best != alloc || bytes_4k != alloc ||
	    pages_4k != pages_best * (pgsz / SZ_4K)) {
		fprintf(stderr, "rdma_pages: the walks do not account for every byte\n");
		return 1;
	}
	return 0;
}
