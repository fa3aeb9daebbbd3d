// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel benchmarks of dma_vec against the scatterlist paths it replaces.
 *
 * Hosted by KUnit so that scripts/bench.sh can build and run it in a UML
 * kernel next to the dma_vec series; it asserts nothing about timings.
 * Every case measures both sides in the same run, on the same memory
 * layout, and prints one machine-readable line per measurement:
 *
 *   # <case>: dma_vec_bench: case=<c> layout=<l> bytes=<n> side=<s>
 *	median=<ns> min=<ns> max=<ns> unit=<u>
 *
 * (on one line), which the script turns into CSV.  Medians over
 * dma_vec_bench.reps repetitions; dma_vec_bench.short=1 runs every case
 * once with small loop counts, to prove the benchmarks work.
 *
 * The memory the benchmarks map is real RAM referenced by PFN and never
 * written: on UML, dma-direct maps it without touching it, so 1 GiB
 * layouts cost no allocation.  The data pointers built by the NVMe cases
 * are written into real dma_pool pages.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/bvec.h>
#include <linux/dma-mapping.h>
#include <linux/dma_vec.h>
#include <linux/dma_vec_p2p.h>
#include <linux/dmapool.h>
#include <linux/ktime.h>
#include <linux/memblock.h>
#include <linux/mempool.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nvme.h>
#include <linux/pci-p2pdma.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "dma_vec_bench_sg.h"
#include "dma_vec_nvme.h"

static unsigned int reps = 15;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "Repetitions per measurement (median reported)");

static bool short_mode;
module_param_named(short, short_mode, bool, 0444);
MODULE_PARM_DESC(short, "Run each case once, with small loop counts");

#define DVB_MAX_REPS	63

/* Layouts of the memory under test. */
enum dvb_layout {
	DVB_CONTIG,	/* one physically contiguous range */
	DVB_2M,		/* 2 MiB blocks, never adjacent */
	DVB_4K,		/* 4 KiB pages, never adjacent */
};

static const char *const dvb_layout_name[] = {
	[DVB_CONTIG] = "contiguous",
	[DVB_2M] = "2M-blocks",
	[DVB_4K] = "4K-pages",
};

/* Length of one piece of a layout. */
static u64 dvb_piece(enum dvb_layout l, u64 total)
{
	switch (l) {
	case DVB_2M:
		return SZ_2M;
	case DVB_4K:
		return DVB_PAGE;
	default:
		return total;
	}
}

/*
 * Physical address of piece @i of a layout starting at @base: pieces are
 * one piece apart, so no two are adjacent and nothing merges them.
 */
static phys_addr_t dvb_piece_addr(enum dvb_layout l, phys_addr_t base,
				  u64 total, unsigned long i)
{
	return base + (u64)i * 2 * dvb_piece(l, total);
}

struct dvb_stats {
	u64 v[DVB_MAX_REPS];
	unsigned int n;
};

/* Measurements live on the heap: a few of them overflow a kernel stack. */
static struct dvb_stats *dvb_stats(struct kunit *test)
{
	struct dvb_stats *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	return s;
}

static int dvb_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static unsigned int dvb_reps(void)
{
	if (short_mode)
		return 1;
	return clamp(reps, 1U, (unsigned int)DVB_MAX_REPS);
}

static void dvb_report(struct kunit *test, const char *name,
		       enum dvb_layout l, u64 bytes, const char *side,
		       struct dvb_stats *s, const char *unit)
{
	sort(s->v, s->n, sizeof(s->v[0]), dvb_cmp_u64, NULL);
	kunit_info(test,
		   "dma_vec_bench: case=%s layout=%s bytes=%llu side=%s median=%llu min=%llu max=%llu unit=%s\n",
		   name, dvb_layout_name[l], bytes, side, s->v[s->n / 2],
		   s->v[0], s->v[s->n - 1], unit);
}

/*
 * Run @body @loops times and record the time per unit in picoseconds,
 * a unit being 1/@per of one run of @body.  @body sets @err to stop at
 * the first failure; a failed measurement is not recorded.
 */
#define DVB_TIME(s, loops, per, err, body)				\
	do {								\
		struct dvb_stats *__s = (s);				\
		unsigned long __i, __n = (loops);			\
		int *__err = &(err);					\
		u64 __t0 = ktime_get_ns();				\
									\
		for (__i = 0; __i < __n && !*__err; __i++) {		\
			body;						\
		}							\
		if (!*__err)						\
			__s->v[__s->n++] =				\
				div64_u64((ktime_get_ns() - __t0) * 1000,\
					  (u64)__n * (per));		\
	} while (0)

/*
 * Bytes an allocation really takes: the vmalloc area, the slab object
 * (ksize()), or the pages of a page allocator allocation (a scatterlist
 * chunk of a whole page, a large kmalloc()).
 */
static size_t dvb_alloc_size(const void *p)
{
	struct folio *folio;

	if (!p)
		return 0;
	if (is_vmalloc_addr(p))
		return get_vm_area_size(find_vm_area(p));
	folio = virt_to_folio(p);
	if (!folio_test_slab(folio))
		return folio_size(folio);
	return ksize(p);
}

/*
 * The start of @span bytes of RAM at the top of memory, below 4 GiB (the
 * KUnit device has a 32-bit DMA mask), clear of the kernel image.
 */
static phys_addr_t dvb_ram_base(struct kunit *test, u64 span)
{
	u64 top = min_t(u64, PFN_PHYS(max_pfn), SZ_4G);

	if (top < span + PFN_PHYS(min_low_pfn) + SZ_64M)
		kunit_skip(test, "%llu MiB of RAM needed (mem= on the command line)",
			   (unsigned long long)(span >> 20));
	return ALIGN_DOWN(top - span, SZ_2M);
}

static struct device *dvb_device(struct kunit *test)
{
	struct device *dev = kunit_device_register(test, "dma_vec_bench");

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	/* As a driver's probe does; it also sets up the DMA sync state. */
	KUNIT_ASSERT_EQ(test, 0, dma_set_mask_and_coherent(dev,
							   DMA_BIT_MASK(32)));
	return dev;
}

/*
 * Append the pieces of a layout covering @total bytes at @base.  Piece i
 * is at dvb_piece_addr(), reached by a step rather than computed for each
 * piece: the scatterlist side's page array is made beforehand and not
 * counted, so the addresses here should cost no more than reading it.
 */
static int dvb_build(struct dma_vec_table *tbl, enum dvb_layout l,
		     phys_addr_t base, u64 total,
		     struct dma_vec_provider *prov)
{
	u64 piece = dvb_piece(l, total), step = 2 * piece;
	unsigned long i, n = div64_u64(total, piece);
	phys_addr_t paddr = base;
	int rc;

	rc = dma_vec_table_reserve(tbl, n, GFP_KERNEL);
	if (rc)
		return rc;
	for (i = 0; i < n; i++, paddr += step) {
		rc = dma_vec_append(tbl, paddr, piece, prov, GFP_KERNEL);
		if (rc)
			return rc;
	}
	return 0;
}

/* struct page pointers of the same layout, for the scatterlist side. */
static struct page **dvb_pages(struct kunit *test, enum dvb_layout l,
			       phys_addr_t base, u64 total)
{
	unsigned long n = total / DVB_PAGE, i, per = dvb_piece(l, total) /
						     DVB_PAGE;
	struct page **pages;

	pages = kvmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pages);
	for (i = 0; i < n; i++)
		pages[i] = pfn_to_page(PHYS_PFN(dvb_piece_addr(l, base, total,
							       i / per)) +
				       i % per);
	return pages;
}

/* Bytes the chunks of a scatterlist table really take. */
static size_t dvb_sgt_alloc_size(struct sg_table *sgt)
{
	struct scatterlist *sg = sgt->sgl, *last;
	unsigned int left = sgt->orig_nents;
	size_t bytes = 0;

	while (sg && left) {
		bytes += dvb_alloc_size(sg);
		if (left <= SG_MAX_SINGLE_ALLOC)
			break;
		last = &sg[SG_MAX_SINGLE_ALLOC - 1];
		left -= SG_MAX_SINGLE_ALLOC - 1;
		sg = sg_chain_ptr(last);
	}
	return bytes;
}

/*
 * (a) Representation memory: what a table of each layout really
 * allocates (kmalloc and vmalloc rounding included), next to a
 * scatterlist of the same memory and the ZONE_DEVICE struct pages a
 * scatterlist needs for BAR memory.  Sizes are counts, not timings.
 */
static void dvb_memory(struct kunit *test)
{
	static const struct {
		enum dvb_layout l;
		u64 total;
	} cases[] = {
		{ DVB_CONTIG, 128ULL * SZ_1G },
		{ DVB_2M, 128ULL * SZ_1G },
		{ DVB_4K, SZ_1G },
	};
	struct dma_vec_provider prov = {
		.base = 0x10000000000ULL,
		.size = 512ULL * SZ_1G,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 total = cases[i].total, pieces;
		struct dvb_stats *s = dvb_stats(test);
		struct dma_vec_table tbl;
		struct sg_table sgt;
		size_t bytes;

		s->n = 1;
		dma_vec_table_init(&tbl);
		KUNIT_ASSERT_EQ(test, 0, dvb_build(&tbl, cases[i].l, prov.base,
						   total, &prov));
		bytes = sizeof(tbl) + dvb_alloc_size(tbl.ranges) +
			dvb_alloc_size(tbl.marks) + dvb_alloc_size(tbl.xruns);
		s->v[0] = bytes;
		dvb_report(test, "memory", cases[i].l, total, "dma_vec", s,
			   "bytes");
		s->v[0] = dma_vec_table_bytes(&tbl);
		dvb_report(test, "memory", cases[i].l, total,
			   "dma_vec-logical", s, "bytes");
		dma_vec_table_release(&tbl);

		/* The scatterlist: entries of at most 4 GiB - 4 KiB. */
		pieces = div64_u64(total, dvb_piece(cases[i].l, total));
		if (cases[i].l == DVB_CONTIG)
			pieces = DIV_ROUND_UP_ULL(total, SZ_4G - DVB_PAGE);
		KUNIT_ASSERT_EQ(test, 0, sg_alloc_table(&sgt, pieces,
							GFP_KERNEL));
		s->v[0] = sizeof(sgt) + dvb_sgt_alloc_size(&sgt);
		dvb_report(test, "memory", cases[i].l, total, "sg", s,
			   "bytes");
		sg_free_table(&sgt);
		s->v[0] = total / PAGE_SIZE * sizeof(struct page);
		dvb_report(test, "memory", cases[i].l, total,
			   "zone-device-pages", s, "bytes");
	}
}

/*
 * The floor of the dma_vec side's memory: allocate what its table and its
 * mapping took in the last run, from the same allocator (vmalloc or
 * kmalloc), write each page once, free.  Under UML a fresh vmalloc page
 * costs a host mapping and a fault, far more than on hardware; this side
 * shows how much of the dma_vec side that is.
 */
struct dvb_allocs {
	size_t bytes[2];
	bool vm[2];
};

static void dvb_note_alloc(struct dvb_allocs *a, unsigned int i,
			   const void *p)
{
	a->bytes[i] = dvb_alloc_size(p);
	a->vm[i] = is_vmalloc_addr(p);
}

static int dvb_bulk_alloc_floor(const struct dvb_allocs *a)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(a->bytes); i++) {
		char *p = a->vm[i] ? vmalloc(a->bytes[i]) :
				     kmalloc(a->bytes[i], GFP_KERNEL);
		size_t off;

		if (!p)
			return -ENOMEM;
		for (off = 0; off < a->bytes[i]; off += PAGE_SIZE)
			WRITE_ONCE(p[off], 1);
		kvfree(p);
	}
	return 0;
}

/*
 * (b) Build + map + walk + unmap + free of 1 GiB of host memory, against
 * sg_alloc_table_from_pages_segment() + dma_map_sgtable() + for_each_sg.
 * The page array the scatterlist side starts from is made beforehand and
 * not counted; the table side starts from the physical addresses.
 */
static int dvb_bulk_dma_vec(struct device *dev, enum dvb_layout l,
			    phys_addr_t base, u64 total, u64 *sum,
			    struct dvb_allocs *allocs)
{
	struct dma_vec_map map = {};
	struct dma_vec_dma_iter it;
	struct dma_vec_table tbl;
	int rc;

	dma_vec_table_init(&tbl);
	rc = dvb_build(&tbl, l, base, total, NULL);
	if (!rc)
		rc = dma_vec_map_table(&map, &tbl, dev, DMA_TO_DEVICE, 0,
				       NULL, NULL, GFP_KERNEL);
	if (!rc) {
		u64 bytes = 0;

		dma_vec_for_each_dma_chunk(map.ranges, map.nr, NULL, &it)
			bytes += it.len;
		*sum += bytes;
		dvb_note_alloc(allocs, 0, tbl.ranges);
		dvb_note_alloc(allocs, 1, map.ranges);
		dma_vec_unmap(&map);
	}
	dma_vec_table_release(&tbl);
	return rc;
}

/* Host ranges the one-pass side maps with one call. */
#define DVB_IO_BATCH	64

/* Map @len bytes at @paddr with dma_vec_io_map(), piece by piece. */
static int dvb_io_map_rest(struct dma_vec_io *io, phys_addr_t paddr, u64 len,
			   struct dma_vec_provider *prov, u64 *bytes)
{
	struct dma_vec_drange d;
	int rc;

	while (len) {
		rc = dma_vec_io_map(io, paddr, len, prov, &d, GFP_KERNEL);
		if (rc)
			return rc;
		*bytes += d.len;
		paddr += d.len;
		len -= d.len;
	}
	return 0;
}

/*
 * The same table mapped in one pass with the per-I/O API, as a consumer
 * that writes its descriptors while it maps (an RDMA MR's page list, a
 * long PRP list) does: no mapping array, each DMA range walked as it is
 * mapped, a run of host memory DVB_IO_BATCH ranges per
 * dma_vec_io_map_host() call, and on a device whose unmaps do nothing no
 * record to undo.
 */
static int dvb_bulk_dma_vec_io(struct device *dev, enum dvb_layout l,
			       phys_addr_t base, u64 total, u64 *sum)
{
	struct dma_vec_drange d[DVB_IO_BATCH] __uninitialized;
	unsigned int run, i, end, n, k;
	struct dma_vec_table tbl;
	struct dma_vec_io io;
	u64 bytes = 0;
	int rc;

	dma_vec_table_init(&tbl);
	rc = dvb_build(&tbl, l, base, total, NULL);
	if (rc)
		goto out;
	dma_vec_io_start(&io, dev, DMA_TO_DEVICE, 0,
			 dma_max_mapping_size(dev));
	for (run = 0, i = 0; !rc && run < tbl.nr_runs; run++) {
		struct dma_vec_provider *prov = dma_vec_run(&tbl, run)->provider;

		end = dma_vec_run_end(&tbl, run);
		for (; !rc && i < end; i += n) {
			const struct dma_vec_prange *r = &tbl.ranges[i];

			if (prov) {
				rc = dvb_io_map_rest(&io, r->paddr, r->len,
						     prov, &bytes);
				n = 1;
				continue;
			}
			rc = dma_vec_io_map_host(&io, r, d,
						 min_t(unsigned int, end - i,
						       DVB_IO_BATCH),
						 GFP_KERNEL, &n);
			for (k = 0; k < n; k++)
				bytes += d[k].len;
			/* The last one mapped cut at the mapping size. */
			if (!rc && n && d[n - 1].len < r[n - 1].len)
				rc = dvb_io_map_rest(&io,
						     r[n - 1].paddr +
						     d[n - 1].len,
						     r[n - 1].len - d[n - 1].len,
						     NULL, &bytes);
		}
	}
	dma_vec_io_end(&io);
	*sum += bytes;
out:
	dma_vec_table_release(&tbl);
	return rc;
}

static int dvb_bulk_sg(struct device *dev, struct page **pages, u64 total,
		       u64 *sum)
{
	struct scatterlist *sg;
	struct sg_table sgt;
	int rc, i;

	rc = sg_alloc_table_from_pages_segment(&sgt, pages, total / DVB_PAGE,
					       0, total, UINT_MAX & PAGE_MASK,
					       GFP_KERNEL);
	if (rc)
		return rc;
	rc = dma_map_sgtable(dev, &sgt, DMA_TO_DEVICE, 0);
	if (!rc) {
		u64 bytes = 0;

		for_each_sgtable_dma_sg(&sgt, sg, i)
			bytes += sg_dma_len(sg);
		*sum += bytes;
		dma_unmap_sgtable(dev, &sgt, DMA_TO_DEVICE, 0);
	}
	sg_free_table(&sgt);
	return rc;
}

static void dvb_bulk(struct kunit *test)
{
	u64 total = short_mode ? SZ_64M : SZ_1G;
	struct device *dev = dvb_device(test);
	phys_addr_t base = dvb_ram_base(test, 2 * total);
	enum dvb_layout l;

	for (l = DVB_CONTIG; l <= DVB_4K; l++) {
		struct page **pages = dvb_pages(test, l, base, total);
		struct dvb_stats *sv = dvb_stats(test), *ss = dvb_stats(test);
		struct dvb_stats *sa = dvb_stats(test), *si = dvb_stats(test);
		struct dvb_allocs allocs = {};
		unsigned int r;
		u64 sum = 0;
		int err = 0;

		for (r = 0; r < dvb_reps(); r++) {
			DVB_TIME(sv, 1, 1, err,
				 err = dvb_bulk_dma_vec(dev, l, base, total,
							&sum, &allocs));
			DVB_TIME(si, 1, 1, err,
				 err = dvb_bulk_dma_vec_io(dev, l, base, total,
							   &sum));
			DVB_TIME(ss, 1, 1, err,
				 err = dvb_bulk_sg(dev, pages, total, &sum));
			DVB_TIME(sa, 1, 1, err,
				 err = dvb_bulk_alloc_floor(&allocs));
		}
		kvfree(pages);
		KUNIT_ASSERT_EQ(test, err, 0);
		KUNIT_EXPECT_EQ(test, sum, 3 * (u64)dvb_reps() * total);
		dvb_report(test, "bulk", l, total, "dma_vec", sv, "ps");
		dvb_report(test, "bulk", l, total, "dma_vec-io", si, "ps");
		dvb_report(test, "bulk", l, total, "sg", ss, "ps");
		dvb_report(test, "bulk", l, total, "alloc-floor", sa, "ps");
	}
}

/* (b') The representation alone for 128 GiB of provider memory. */
static int dvb_repr_once(enum dvb_layout l, u64 total,
			 struct dma_vec_provider *prov)
{
	struct dma_vec_table tbl;
	int rc;

	dma_vec_table_init(&tbl);
	rc = dvb_build(&tbl, l, prov->base, total, prov);
	dma_vec_table_release(&tbl);
	return rc;
}

static void dvb_provider_repr(struct kunit *test)
{
	u64 total = 128ULL * SZ_1G;
	struct dma_vec_provider prov = {
		.base = 0x10000000000ULL,
		.size = 512ULL * SZ_1G,
	};
	enum dvb_layout l;

	for (l = DVB_CONTIG; l <= DVB_2M; l++) {
		struct dvb_stats *s = dvb_stats(test);
		unsigned int r;
		int err = 0;

		for (r = 0; r < dvb_reps(); r++)
			DVB_TIME(s, 1, 1, err,
				 err = dvb_repr_once(l, total, &prov));
		KUNIT_ASSERT_EQ(test, err, 0);
		dvb_report(test, "provider-repr", l, total, "dma_vec", s,
			   "ps");
	}
}

/*
 * (c) Walking 4 KiB chunks: the constrained iterator over one 1 GiB range
 * against for_each_sg over a table of 4 KiB entries.
 */
static void dvb_iter(struct kunit *test)
{
	u64 total = short_mode ? SZ_16M : SZ_1G;
	unsigned long n = total / DVB_PAGE;
	phys_addr_t base = dvb_ram_base(test, 2 * total);
	struct dma_vec_limits lim = {
		.max_seg = DVB_PAGE,
		.seg_boundary_mask = U64_MAX,
		.align = DVB_PAGE,
	};
	struct page **pages = dvb_pages(test, DVB_4K, base, total);
	struct dvb_stats *sv = dvb_stats(test), *ss = dvb_stats(test);
	struct dma_vec_table tbl;
	struct dma_vec_slice all;
	struct dma_vec_iter it;
	struct scatterlist *sg;
	struct sg_table sgt;
	unsigned int r;
	u64 sum = 0;
	int err = 0, j;

	dma_vec_table_init(&tbl);
	KUNIT_ASSERT_EQ(test, 0, dvb_build(&tbl, DVB_CONTIG, base, total,
					   NULL));
	dma_vec_slice_all(&tbl, &all);
	KUNIT_ASSERT_EQ(test, 0,
			sg_alloc_table_from_pages_segment(&sgt, pages, n, 0,
							  total, DVB_PAGE,
							  GFP_KERNEL));
	KUNIT_ASSERT_EQ(test, sgt.orig_nents, n);
	for (r = 0; r < dvb_reps(); r++) {
		DVB_TIME(sv, 1, n, err,
			 dma_vec_for_each_chunk(&all, &lim, &it)
				sum += it.len);
		DVB_TIME(ss, 1, n, err,
			 for_each_sg(sgt.sgl, sg, sgt.orig_nents, j)
				sum += sg->length);
	}
	KUNIT_EXPECT_EQ(test, sum, 2 * (u64)dvb_reps() * total);
	dvb_report(test, "iter", DVB_4K, total, "dma_vec", sv, "ps/chunk");
	dvb_report(test, "iter", DVB_4K, total, "sg", ss, "ps/entry");
	sg_free_table(&sgt);
	dma_vec_table_release(&tbl);
	kvfree(pages);
}

/* NVME_DMA_VEC_BATCH */
#define DVB_BATCH	16

/*
 * nvme_dma_vec_add_batched() of the converted nvme-pci, for a request of
 * at least DVB_BATCH bvecs: those of one owner gathered, DVB_BATCH at a
 * time, into one dma_vec_nvme_rq_add_ranges() call.
 */
static noinline int dvb_io_add_batched(struct dma_vec_nvme_rq *rq,
				       struct bio *bio)
{
	struct dma_vec_prange r[DVB_BATCH] __uninitialized;
	struct bvec_iter iter;
	struct bio_vec bv;
	unsigned int nr = 0;
	int rc;

	bio_for_each_bvec(bv, bio, iter) {
		if (is_pci_p2pdma_page(bv.bv_page))
			return -EREMOTEIO;	/* host pages only here */
		if (nr == DVB_BATCH) {
			rc = dma_vec_nvme_rq_add_ranges(rq, r, nr, NULL);
			nr = 0;
			if (rc)
				return rc;
		}
		r[nr].paddr = bvec_phys(&bv);
		r[nr++].len = bv.bv_len;
	}
	return nr ? dma_vec_nvme_rq_add_ranges(rq, r, nr, NULL) : 0;
}

/*
 * (d) One NVMe read per loop, from data pointer to completion, for
 * requests of 4 KiB pages: the sequence the converted nvme-pci runs (one
 * pass: each range mapped straight into PRPs; then free and unmap)
 * against 6.12's (scatterlist fill, dma_map_sg, PRPs; free, unmap) and,
 * for one page, 6.12's single-segment fast path (dma_map_page and PRP1
 * only).  The first conversion's sequence (table, map, PRPs; free, unmap,
 * release) is kept as "dma_vec-table" to show what the one pass gained.
 */
static int dvb_io_dma_vec(struct device *dev,
			  const struct dma_vec_nvme_ctrl *ctrl,
			  struct dma_vec_nvme_rq *rq, struct bio *bio,
			  unsigned int n, union nvme_data_ptr *dptr)
{
	struct dma_vec_nvme_ctrl c = dvb_nvme_ctrl(ctrl);
	struct bvec_iter iter;
	struct bio_vec bv;
	int rc;

	rc = dma_vec_nvme_rq_start(rq, &c, dev, DMA_FROM_DEVICE,
				   DMA_ATTR_NO_WARN, false, (u64)n * DVB_PAGE,
				   GFP_ATOMIC);
	/* As nvme_dma_vec_fill(): host memory of bvecs is not checked. */
	if (!rc)
		dma_vec_nvme_rq_host_pages(rq);
	if (!rc && n >= DVB_BATCH) {
		rc = dvb_io_add_batched(rq, bio);
	} else if (!rc) {
		/* As nvme_dma_vec_add_bvec() of the converted nvme-pci. */
		bio_for_each_bvec(bv, bio, iter) {
			if (is_pci_p2pdma_page(bv.bv_page)) {
				rc = -EREMOTEIO;   /* host pages only here */
				break;
			}
			rc = dma_vec_nvme_rq_add(rq, bvec_phys(&bv), bv.bv_len,
						 NULL);
			if (rc)
				break;
		}
	}
	if (!rc)
		rc = dma_vec_nvme_rq_finish(rq, dptr);
	dma_vec_nvme_rq_end(rq);
	return rc;
}

static int dvb_io_table(struct device *dev, struct dma_vec_nvme_ctrl *ctrl,
			phys_addr_t base, unsigned int n,
			union nvme_data_ptr *dptr)
{
	struct dma_vec_nvme_data data = {};
	struct dma_vec_map map = {};
	struct dma_vec_table tbl;
	unsigned int k;
	int rc;

	dma_vec_table_init(&tbl);
	rc = dma_vec_table_reserve(&tbl, n, GFP_ATOMIC);
	for (k = 0; !rc && k < n; k++)
		rc = dma_vec_append(&tbl, dvb_piece_addr(DVB_4K, base, 0, k),
				    DVB_PAGE, NULL, GFP_ATOMIC);
	if (!rc)
		rc = dma_vec_map_table(&map, &tbl, dev, DMA_FROM_DEVICE,
				       DMA_ATTR_NO_WARN, NULL, NULL,
				       GFP_ATOMIC);
	if (!rc) {
		rc = dma_vec_nvme_setup_data(ctrl, map.ranges, map.nr, dptr,
					     &data, GFP_ATOMIC);
		dma_vec_nvme_free_data(&data);
		dma_vec_unmap(&map);
	}
	dma_vec_table_release(&tbl);
	return rc;
}

/*
 * 6.12's nvme_map_data() also takes the scatterlist from a mempool for
 * every request (mempool_alloc(dev->iod_mempool, GFP_ATOMIC)) and gives it
 * back on completion: the "sg-6.12" side, the sequence as nvme-pci really
 * runs it; "sg" leaves that out.
 */
static int dvb_io_sg_pool(struct device *dev, struct dvb_prps *prps,
			  mempool_t *pool, struct bio *bio,
			  unsigned int n, union nvme_data_ptr *dptr);

static int dvb_io_sg(struct device *dev, struct dvb_prps *prps,
		     struct scatterlist *sgl, struct bio *bio,
		     unsigned int n, union nvme_data_ptr *dptr)
{
	struct sg_table sgt = { .sgl = sgl };
	int rc;

	/* nvme_map_data(): sg_init_table(), blk_rq_map_sg(), map. */
	sg_init_table(sgl, n);
	sgt.orig_nents = dvb_map_sg(bio, sgl);
	if (!sgt.orig_nents)
		return -EIO;
	rc = dma_map_sgtable(dev, &sgt, DMA_FROM_DEVICE, DMA_ATTR_NO_WARN);
	if (rc)
		return rc;
	rc = dvb_sg_prps(prps, sgl, n * DVB_PAGE, dptr);
	dvb_sg_prps_free(prps);
	dma_unmap_sgtable(dev, &sgt, DMA_FROM_DEVICE, 0);
	return rc;
}

static int dvb_io_sg_pool(struct device *dev, struct dvb_prps *prps,
			  mempool_t *pool, struct bio *bio,
			  unsigned int n, union nvme_data_ptr *dptr)
{
	struct scatterlist *sgl = mempool_alloc(pool, GFP_ATOMIC);
	int rc;

	if (!sgl)
		return -ENOMEM;
	rc = dvb_io_sg(dev, prps, sgl, bio, n, dptr);
	mempool_free(sgl, pool);
	return rc;
}

/*
 * The floor of any path that maps page by page on 6.12: dma_map_page() and
 * dma_unmap_page() of each page, nothing else (no descriptors).  What
 * dma_map_sg() does inline per entry, a per-range mapper pays as a call.
 */
static int dvb_io_map_floor(struct device *dev, phys_addr_t base,
			    unsigned int n, dma_addr_t *addrs)
{
	unsigned int k;

	for (k = 0; k < n; k++) {
		phys_addr_t pa = dvb_piece_addr(DVB_4K, base, 0, k);

		addrs[k] = dma_map_page(dev, pfn_to_page(PHYS_PFN(pa)), 0,
					DVB_PAGE, DMA_FROM_DEVICE);
		if (dma_mapping_error(dev, addrs[k]))
			return -ENOMEM;
	}
	for (k = 0; k < n; k++)
		dma_unmap_page(dev, addrs[k], DVB_PAGE, DMA_FROM_DEVICE);
	return 0;
}

static int dvb_io_fastpath(struct device *dev, phys_addr_t base,
			   union nvme_data_ptr *dptr)
{
	dma_addr_t a = dma_map_page(dev, pfn_to_page(PHYS_PFN(base)), 0,
				    DVB_PAGE, DMA_FROM_DEVICE);

	if (dma_mapping_error(dev, a))
		return -ENOMEM;
	dptr->prp1 = cpu_to_le64(a);
	dptr->prp2 = 0;
	dma_unmap_page(dev, a, DVB_PAGE, DMA_FROM_DEVICE);
	return 0;
}

static void dvb_per_io(struct kunit *test)
{
	static const u32 sizes[] = { SZ_4K, SZ_16K, SZ_128K, SZ_1M };
	struct device *dev = dvb_device(test);
	phys_addr_t base = dvb_ram_base(test, 2 * SZ_1M);
	unsigned long loops = short_mode ? 10 : 20000;
	struct dma_vec_nvme_ctrl ctrl = {
		.page_shift = 12,
		.pool_block = DVB_PAGE,
		.max_map = dma_max_mapping_size(dev),
	};
	struct dvb_prps prps = {};
	struct dma_vec_nvme_rq *rq;
	struct bio_vec *bv;
	dma_addr_t *addrs;
	mempool_t *pool;
	struct scatterlist *sgl;
	unsigned int s;
	int err = 0;

	ctrl.pool = dma_pool_create("dvb-page", dev, DVB_PAGE, DVB_PAGE, 0);
	prps.page = ctrl.pool;
	prps.small = dma_pool_create("dvb-small", dev, 256, 256, 0);
	ctrl.small_pool = prps.small;
	sgl = kcalloc(SZ_1M / DVB_PAGE, sizeof(*sgl), GFP_KERNEL);
	/* Per-request state lives in the request, as nvme-pci's iod. */
	rq = kzalloc(sizeof(*rq), GFP_KERNEL);
	addrs = kcalloc(SZ_1M / DVB_PAGE, sizeof(*addrs), GFP_KERNEL);
	/* The request's bvecs, one per page, as both sides get them. */
	bv = kcalloc(SZ_1M / DVB_PAGE, sizeof(*bv), GFP_KERNEL);
	/* As nvme_pci_alloc_iod_mempool(), sized for the largest request. */
	pool = mempool_create_node(1, mempool_kmalloc, mempool_kfree,
				   (void *)(SZ_1M / DVB_PAGE *
					    sizeof(struct scatterlist)),
				   GFP_KERNEL, NUMA_NO_NODE);
	if (!ctrl.pool || !prps.small || !sgl || !rq || !addrs || !bv ||
	    !pool)
		err = -ENOMEM;
	for (s = 0; !err && s < SZ_1M / DVB_PAGE; s++)
		bvec_set_page(&bv[s],
			      pfn_to_page(PHYS_PFN(dvb_piece_addr(DVB_4K, base,
								  0, s))),
			      DVB_PAGE, 0);

	for (s = 0; !err && s < ARRAY_SIZE(sizes); s++) {
		unsigned int n = sizes[s] / DVB_PAGE, r;
		struct dvb_stats *sv = dvb_stats(test), *ss = dvb_stats(test);
		struct dvb_stats *sf = dvb_stats(test), *st = dvb_stats(test);
		struct dvb_stats *sm = dvb_stats(test), *sp = dvb_stats(test);
		union nvme_data_ptr dptr;
		struct bio bio;

		/* The request of @n pages: one bio over its bvecs. */
		dvb_bio(&bio, bv, n);
		for (r = 0; r < dvb_reps(); r++) {
			DVB_TIME(sv, loops, 1, err,
				 err = dvb_io_dma_vec(dev, &ctrl, rq, &bio, n,
						      &dptr));
			DVB_TIME(st, loops, 1, err,
				 err = dvb_io_table(dev, &ctrl, base, n,
						    &dptr));
			DVB_TIME(ss, loops, 1, err,
				 err = dvb_io_sg(dev, &prps, sgl, &bio, n,
						 &dptr));
			DVB_TIME(sp, loops, 1, err,
				 err = dvb_io_sg_pool(dev, &prps, pool, &bio,
						      n, &dptr));
			DVB_TIME(sm, loops, 1, err,
				 err = dvb_io_map_floor(dev, base, n, addrs));
			if (n == 1)
				DVB_TIME(sf, loops, 1, err,
					 err = dvb_io_fastpath(dev, base,
							       &dptr));
		}
		if (err)
			break;
		dvb_report(test, "per-io", DVB_4K, sizes[s], "dma_vec", sv,
			   "ps");
		dvb_report(test, "per-io", DVB_4K, sizes[s], "dma_vec-table", st,
			   "ps");
		dvb_report(test, "per-io", DVB_4K, sizes[s], "sg", ss, "ps");
		dvb_report(test, "per-io", DVB_4K, sizes[s], "sg-6.12", sp, "ps");
		dvb_report(test, "per-io", DVB_4K, sizes[s], "map-page-floor",
			   sm, "ps");
		if (n == 1)
			dvb_report(test, "per-io", DVB_4K, sizes[s],
				   "sg-fastpath", sf, "ps");
	}
	mempool_destroy(pool);
	kfree(bv);
	kfree(addrs);
	kfree(rq);
	kfree(sgl);
	dma_pool_destroy(prps.small);
	dma_pool_destroy(ctrl.pool);
	KUNIT_EXPECT_EQ(test, err, 0);
}

static int dvb_prps_once(struct dma_vec_nvme_ctrl *ctrl,
			 const struct dma_vec_drange *r,
			 union nvme_data_ptr *dptr)
{
	struct dma_vec_nvme_data data = {};
	int rc;

	rc = dma_vec_nvme_setup_prps(ctrl, r, 1, dptr, &data, GFP_KERNEL);
	dma_vec_nvme_free_data(&data);
	return rc;
}

/*
 * (e) PRP list building: bytes of PRP entries written per second by the
 * dma_vec builder for an 8 MiB contiguous transfer, against memset() of
 * the same number of bytes.
 */
static void dvb_prp_rate(struct kunit *test)
{
	struct device *dev = dvb_device(test);
	struct dma_vec_drange r = { .addr = 0x100000000ULL, .len = SZ_8M };
	struct dma_vec_nvme_ctrl ctrl = {
		.page_shift = 12,
		.pool_block = DVB_PAGE,
	};
	unsigned long loops = short_mode ? 10 : 2000;
	size_t bytes = (SZ_8M / DVB_PAGE - 1) * sizeof(__le64);
	struct dvb_stats *sv = dvb_stats(test), *sm = dvb_stats(test);
	union nvme_data_ptr dptr;
	unsigned int rep;
	int err = 0;
	void *buf;

	ctrl.pool = dma_pool_create("dvb-prp", dev, DVB_PAGE, DVB_PAGE, 0);
	KUNIT_ASSERT_NOT_NULL(test, ctrl.pool);
	buf = kmalloc(bytes, GFP_KERNEL);
	if (!buf)
		err = -ENOMEM;
	for (rep = 0; !err && rep < dvb_reps(); rep++) {
		DVB_TIME(sv, loops, 1, err,
			 err = dvb_prps_once(&ctrl, &r, &dptr));
		DVB_TIME(sm, loops, 1, err, {
			memset(buf, __i, bytes);
			barrier_data(buf);
		});
	}
	kfree(buf);
	dma_pool_destroy(ctrl.pool);
	KUNIT_ASSERT_EQ(test, err, 0);
	dvb_report(test, "prp-build", DVB_CONTIG, bytes, "dma_vec", sv, "ps");
	dvb_report(test, "prp-build", DVB_CONTIG, bytes, "memset", sm, "ps");
}

/* Data blocks of the SGL case: separate 4 KiB pieces, 8 MiB in all. */
#define DVB_SGL_NR	(SZ_8M / DVB_PAGE)

static int dvb_sgls_once(struct dma_vec_nvme_ctrl *ctrl,
			 const struct dma_vec_drange *r, unsigned int nr,
			 union nvme_data_ptr *dptr, unsigned int *pages)
{
	struct dma_vec_nvme_data data = {};
	int rc;

	rc = dma_vec_nvme_setup_sgls(ctrl, r, nr, dptr, &data, GFP_KERNEL);
	*pages = data.nr_pages;
	dma_vec_nvme_free_data(&data);
	return rc;
}

/*
 * (e) SGL building: bytes of SGL descriptors written per second by the
 * dma_vec builder for 8 MiB in separate 4 KiB pieces (one data block
 * each, none adjacent, so none merge; segments of one controller page
 * chained by their last descriptor), against memset() of the same number
 * of bytes.
 */
static void dvb_sgl_rate(struct kunit *test)
{
	struct device *dev = dvb_device(test);
	struct dma_vec_nvme_ctrl ctrl = {
		.page_shift = 12,
		.pool_block = DVB_PAGE,
		.sgls = DMA_VEC_NVME_SGLS,
	};
	unsigned long loops = short_mode ? 10 : 1000;
	struct dvb_stats *sv = dvb_stats(test), *sm = dvb_stats(test);
	struct dma_vec_drange *r;
	union nvme_data_ptr dptr;
	unsigned int k, rep, pages = 0;
	size_t bytes = 0;
	int err;
	void *buf = NULL;

	ctrl.pool = dma_pool_create("dvb-sgl", dev, DVB_PAGE, DVB_PAGE, 0);
	KUNIT_ASSERT_NOT_NULL(test, ctrl.pool);
	r = kunit_kmalloc_array(test, DVB_SGL_NR, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	for (k = 0; k < DVB_SGL_NR; k++) {
		r[k].addr = 0x100000000ULL + 2ULL * k * DVB_PAGE;
		r[k].len = DVB_PAGE;
	}
	/*
	 * What one build writes into its segments: the data blocks, and a
	 * link to the next segment in every segment but the last.
	 */
	err = dvb_sgls_once(&ctrl, r, DVB_SGL_NR, &dptr, &pages);
	if (!err && (dptr.sgl.type >> 4 != NVME_SGL_FMT_SEG_DESC ||
		     pages != DIV_ROUND_UP(DVB_SGL_NR - 1,
					   DVB_PAGE / sizeof(struct nvme_sgl_desc) - 1)))
		err = -EINVAL;
	if (!err) {
		bytes = (DVB_SGL_NR + pages - 1) * sizeof(struct nvme_sgl_desc);
		buf = kmalloc(bytes, GFP_KERNEL);
		if (!buf)
			err = -ENOMEM;
	}
	for (rep = 0; !err && rep < dvb_reps(); rep++) {
		DVB_TIME(sv, loops, 1, err,
			 err = dvb_sgls_once(&ctrl, r, DVB_SGL_NR, &dptr,
					     &pages));
		DVB_TIME(sm, loops, 1, err, {
			memset(buf, __i, bytes);
			barrier_data(buf);
		});
	}
	kfree(buf);
	dma_pool_destroy(ctrl.pool);
	KUNIT_ASSERT_EQ(test, err, 0);
	dvb_report(test, "sgl-build", DVB_4K, bytes, "dma_vec", sv, "ps");
	dvb_report(test, "sgl-build", DVB_4K, bytes, "memset", sm, "ps");
}

static struct kunit_case dma_vec_bench_cases[] = {
	KUNIT_CASE(dvb_memory),
	KUNIT_CASE_SLOW(dvb_bulk),
	KUNIT_CASE(dvb_provider_repr),
	KUNIT_CASE_SLOW(dvb_iter),
	KUNIT_CASE_SLOW(dvb_per_io),
	KUNIT_CASE(dvb_prp_rate),
	KUNIT_CASE(dvb_sgl_rate),
	{}
};

static struct kunit_suite dma_vec_bench_suite = {
	.name = "dma_vec_bench",
	.test_cases = dma_vec_bench_cases,
};

kunit_test_suite(dma_vec_bench_suite);

MODULE_DESCRIPTION("Benchmarks of dma_vec against scatterlists");
MODULE_LICENSE("GPL");
