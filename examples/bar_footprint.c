// SPDX-License-Identifier: GPL-2.0
/*
 * bar_footprint: what it costs to describe a large, fragmented GPU BAR
 * allocation as a dma_vec_table, compared with the scatterlist based ways
 * of doing it today.
 *
 * A simulated GPU exports a 128 GiB BAR (a provider with no struct pages
 * and no CPU mapping).  A deterministic pseudo-random VRAM allocator hands
 * out about 90% of the BAR's 2 MiB blocks: runs of contiguous blocks
 * separated by holes, the runs in a shuffled order.  The blocks are
 * appended one by one; contiguous blocks merge into one range.
 *
 * The program prints the table, its memory footprint next to that of
 * ZONE_DEVICE struct pages + scatterlist, amdgpu-style and NVIDIA
 * p2p-style descriptions of the same memory, and walks the table with the
 * constrained iterator as an NVMe PRP builder and a scatterlist exporter
 * would, counting chunks without building any array.
 *
 * Usage: bar_footprint [--bar-gib N] [--block-mib N] [--fill PCT] [--seed S]
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/array_size.h>
#include <linux/dma_vec_p2p.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "example_util.h"

/* The simulated GPU: BAR1 at 8 TiB, seen 16 TiB higher on the PCI bus. */
#define GPU_BAR_BASE		0x80000000000ULL
#define GPU_BAR_BUS_OFFSET	0x100000000000ULL
#define GPU_BAR_NR		1

/* Reference sizes (see docs: DESIGN.md, "Facts the consumers need"). */
#define STRUCT_PAGE_BYTES	64	/* per 4 KiB page */
#define SG_ENTRY_BYTES		32	/* struct scatterlist */
#define NV_P2P_PAGE_SIZE	SZ_64K
#define NV_P2P_PAGE_BYTES	48	/* per 64 KiB page, approximately */

#define SHOW_RANGES		5

struct options {
	u64 bar_gib;
	u64 block_mib;
	u64 fill;
	u64 seed;
};

/* A run of contiguous allocated blocks. */
struct block_run {
	u64 first;
	u64 count;
};

/* splitmix64: small, fast, and the same sequence on every platform. */
static u64 rng_next(u64 *state)
{
	u64 z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0; the modulo bias is irrelevant here. */
static u64 rng_below(u64 *state, u64 n)
{
	return rng_next(state) % n;
}

static const char bar_footprint_help[] =
	"usage: %s [--bar-gib N] [--block-mib N] [--fill PCT] [--seed S]\n"
	"  --bar-gib N    BAR size in GiB (default 128)\n"
	"  --block-mib N  VRAM allocation block in MiB, a power of two (default 2)\n"
	"  --fill PCT     percentage of the BAR's blocks allocated, 1-100 (default 90)\n"
	"  --seed S       allocator seed (default 1)\n";

static int parse_options(int argc, char **argv, struct options *opt)
{
	/* Up to 64 TiB of BAR: the window must fit above its base. */
	const struct u64_option opts[] = {
		{ "bar-gib", 1, 65536, &opt->bar_gib },
		{ "block-mib", 1, 65536, &opt->block_mib },
		{ "fill", 1, 100, &opt->fill },
		{ "seed", 0, U64_MAX, &opt->seed },
	};

	opt->bar_gib = 128;
	opt->block_mib = 2;
	opt->fill = 90;
	opt->seed = 1;
	if (parse_u64_options(argc, argv, "bar_footprint", opts,
			      ARRAY_SIZE(opts), bar_footprint_help))
		return -EINVAL;
	if (opt->block_mib & (opt->block_mib - 1)) {
		fprintf(stderr, "bar_footprint: --block-mib must be a power of two\n");
		return -EINVAL;
	}
	if (opt->block_mib > opt->bar_gib * 1024) {
		fprintf(stderr, "bar_footprint: the block is larger than the BAR\n");
		return -EINVAL;
	}
	if ((opt->bar_gib * 1024 / opt->block_mib) > DMA_VEC_MAX_RANGES) {
		fprintf(stderr, "bar_footprint: too many blocks\n");
		return -EINVAL;
	}
	return 0;
}

/*
 * The VRAM allocator: pick exactly nr_blocks - nr_alloc free blocks
 * uniformly at random (selection sampling, no array of block numbers), so
 * the allocated blocks form runs separated by holes; then hand the runs
 * out in a shuffled order.  Returns the runs, or NULL without memory.
 */
static struct block_run *allocate_vram(u64 nr_blocks, u64 nr_alloc, u64 seed,
				       u64 *nr_runs)
{
	u64 holes_left = nr_blocks - nr_alloc;
	u64 state = seed;
	struct block_run *runs;
	u64 b, n = 0;
	bool in_run = false;

	/* At most one run per hole, plus one. */
	runs = calloc(holes_left + 1, sizeof(*runs));
	if (!runs)
		return NULL;

	for (b = 0; b < nr_blocks; b++) {
		bool hole = rng_below(&state, nr_blocks - b) < holes_left;

		if (hole) {
			holes_left--;
			in_run = false;
			continue;
		}
		if (!in_run) {
			runs[n].first = b;
			runs[n].count = 0;
			n++;
			in_run = true;
		}
		runs[n - 1].count++;
	}

	/* Fisher-Yates: the buffer's blocks come in no particular order. */
	for (b = n; b > 1; b--) {
		u64 j = rng_below(&state, b);
		struct block_run t = runs[b - 1];

		runs[b - 1] = runs[j];
		runs[j] = t;
	}
	*nr_runs = n;
	return runs;
}

static void print_cost(const char *what, u64 bytes, u64 ref)
{
	double ratio = (double)bytes / (double)ref;
	char b[32];

	printf("  %-44s %12s  %9.*fx dma_vec\n", what,
	       human(bytes, b, sizeof(b)), ratio < 10 ? 1 : 0, ratio);
}

int main(int argc, char **argv)
{
	/* NVMe PRP: every chunk inside one 4 KiB controller page. */
	static const struct dma_vec_limits prp_lim = {
		.max_seg = U64_MAX,
		.seg_boundary_mask = 0xfff,
		.align = 0x1000,
	};
	/* A scatterlist export: page-aligned entries below 4 GiB. */
	static const struct dma_vec_limits sg_lim = {
		.max_seg = 0xfffff000,
		.seg_boundary_mask = U64_MAX,
		.align = 0x1000,
	};
	struct dma_vec_provider prov;
	struct dma_vec_table tbl;
	struct dma_vec_slice all;
	struct dma_vec_iter it;
	struct block_run *runs;
	struct options opt;
	u64 bar_bytes, block_bytes, nr_blocks, nr_alloc, nr_runs;
	u64 seen, prp_chunks, prp_bytes, sg_chunks, sg_bytes, tbl_bytes;
	u64 pages_cost, sg_cost, amd_cost, nv_cost;
	char b1[32], b2[32], b3[32];
	int ret;

	if (parse_options(argc, argv, &opt))
		return 2;

	bar_bytes = opt.bar_gib * SZ_1G;
	block_bytes = opt.block_mib * SZ_1M;
	nr_blocks = bar_bytes / block_bytes;
	nr_alloc = (nr_blocks * opt.fill + 50) / 100;
	if (!nr_alloc)
		nr_alloc = 1;

	ret = dma_vec_provider_init(&prov, NULL, GPU_BAR_NR, GPU_BAR_BASE,
				    bar_bytes, GPU_BAR_BUS_OFFSET, NULL);
	if (ret) {
		fprintf(stderr, "dma_vec_provider_init: %s\n", strerror(-ret));
		return 1;
	}

	runs = allocate_vram(nr_blocks, nr_alloc, opt.seed, &nr_runs);
	if (!runs) {
		fprintf(stderr, "bar_footprint: out of memory\n");
		return 1;
	}

	printf("GPU BAR%d: %s at phys 0x%llx, bus 0x%llx (no struct pages, no CPU mapping)\n",
	       GPU_BAR_NR, human(prov.size, b1, sizeof(b1)),
	       (unsigned long long)prov.base,
	       (unsigned long long)(prov.base + prov.bus_offset));
	printf("VRAM buffer: %llu of %llu %s blocks (%llu%%), in %llu runs, seed %llu\n\n",
	       (unsigned long long)nr_alloc, (unsigned long long)nr_blocks,
	       human(block_bytes, b1, sizeof(b1)),
	       (unsigned long long)opt.fill, (unsigned long long)nr_runs,
	       (unsigned long long)opt.seed);

	/*
	 * Append block by block, as an exporter walking its allocator's
	 * block list would; contiguous blocks merge.  The exporter knows how
	 * many runs it has, so it reserves exactly that many ranges.
	 */
	dma_vec_table_init(&tbl);
	ret = dma_vec_table_reserve(&tbl, nr_runs, GFP_KERNEL);
	for (u64 k = 0; !ret && k < nr_runs; k++) {
		for (u64 j = 0; !ret && j < runs[k].count; j++) {
			phys_addr_t pa = prov.base +
					 (runs[k].first + j) * block_bytes;

			ret = dma_vec_append(&tbl, pa, block_bytes, &prov,
					     GFP_KERNEL);
		}
	}
	free(runs);
	if (ret) {
		fprintf(stderr, "dma_vec_append: %s\n", strerror(-ret));
		dma_vec_table_release(&tbl);
		return 1;
	}

	printf("dma_vec_table: %u ranges, %s\n", dma_vec_nr_ranges(&tbl),
	       human(dma_vec_len(&tbl), b1, sizeof(b1)));
	printf("  %5s  %-18s  %-18s  %10s\n", "range", "phys", "bus", "length");
	seen = 0;
	dma_vec_for_each_range(&tbl, &it) {
		if (it.idx < SHOW_RANGES)
			printf("  %5u  0x%016llx  0x%016llx  %10s\n", it.idx,
			       (unsigned long long)it.paddr,
			       (unsigned long long)(it.paddr + prov.bus_offset),
			       human(it.len, b1, sizeof(b1)));
		seen += it.len;
	}
	if (dma_vec_nr_ranges(&tbl) > SHOW_RANGES)
		printf("  %5s  (%u more)\n", "...",
		       dma_vec_nr_ranges(&tbl) - SHOW_RANGES);

	/* Constrained walks: count chunks, build nothing. */
	dma_vec_slice_all(&tbl, &all);
	prp_chunks = prp_bytes = 0;
	dma_vec_for_each_chunk(&all, &prp_lim, &it) {
		prp_chunks++;
		prp_bytes += it.len;
	}
	sg_chunks = sg_bytes = 0;
	dma_vec_for_each_chunk(&all, &sg_lim, &it) {
		if (it.provider != &prov)
			break;
		sg_chunks++;
		sg_bytes += it.len;
	}

	tbl_bytes = dma_vec_table_bytes(&tbl);
	pages_cost = bar_bytes / SZ_4K * STRUCT_PAGE_BYTES;
	sg_cost = sg_chunks * SG_ENTRY_BYTES;
	amd_cost = nr_alloc * SG_ENTRY_BYTES;
	nv_cost = (dma_vec_len(&tbl) + NV_P2P_PAGE_SIZE - 1) /
		  NV_P2P_PAGE_SIZE * NV_P2P_PAGE_BYTES;

	printf("\nConstrained iteration over dma_vec_slice_all() (no array built):\n");
	printf("  NVMe PRP chunks  {max_seg U64_MAX, boundary 0xfff, align 4K}: %llu (%s)\n",
	       (unsigned long long)prp_chunks,
	       human(prp_bytes, b1, sizeof(b1)));
	printf("    a PRP list holding them would take %s\n",
	       human(prp_chunks * 8, b1, sizeof(b1)));
	printf("  sg export chunks {max_seg 0xfffff000, no boundary, align 4K}: %llu (%s)\n",
	       (unsigned long long)sg_chunks,
	       human(sg_bytes, b1, sizeof(b1)));

	printf("\nMemory to describe %s of VRAM in a %s BAR:\n",
	       human(dma_vec_len(&tbl), b1, sizeof(b1)),
	       human(bar_bytes, b2, sizeof(b2)));
	printf("  %-44s %12s\n", "dma_vec_table (dma_vec_table_bytes())",
	       human(tbl_bytes, b3, sizeof(b3)));
	print_cost("(a) ZONE_DEVICE struct pages, whole BAR", pages_cost,
		   tbl_bytes);
	print_cost("(b) scatterlist, entries < 4 GiB", sg_cost, tbl_bytes);
	print_cost("(a)+(b) struct pages + sg", pages_cost + sg_cost,
		   tbl_bytes);
	print_cost("(c) amdgpu-style, one sg entry per block", amd_cost,
		   tbl_bytes);
	print_cost("(d) NVIDIA p2p-style, 64 KiB pages x 48 B", nv_cost,
		   tbl_bytes);
	printf("\nstruct pages + sg: %s, dma_vec: %s -> %.0fx less\n",
	       human(pages_cost + sg_cost, b1, sizeof(b1)),
	       human(tbl_bytes, b2, sizeof(b2)),
	       (double)(pages_cost + sg_cost) / (double)tbl_bytes);

	/* The walks must account for every byte, exactly once. */
	ret = 0;
	if (seen != dma_vec_len(&tbl) || prp_bytes != seen ||
	    sg_bytes != seen || dma_vec_len(&tbl) != nr_alloc * block_bytes ||
	    dma_vec_range_provider(&tbl, 0) != &prov) {
		fprintf(stderr, "bar_footprint: inconsistent walk\n");
		ret = 1;
	}
	dma_vec_table_release(&tbl);
	return ret;
}
