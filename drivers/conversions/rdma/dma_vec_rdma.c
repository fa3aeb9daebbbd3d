// SPDX-License-Identifier: GPL-2.0
/*
 * dma_vec for RDMA: memory region page lists (the rules of
 * ib_sg_to_pages()) and the best MR page size (the idea of
 * ib_umem_find_best_pgsz()) from mapped DMA ranges, and RDMA READ/WRITE
 * work request chains (the job of rdma_rw_ctx_init()) built from physical
 * ranges in one pass, mapping them as the SGEs are written: no
 * scatterlist, no per-page array.
 */
#include <kunit/visibility.h>
#include <linux/bitops.h>
#include <linux/bits.h>
#include <linux/bug.h>
#include <rdma/dma_vec.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>

/* Validate DMA ranges: none empty, none wrapping; report the total. */
static int dma_vec_rdma_check(const struct dma_vec_drange *ranges,
			      unsigned int nr, u64 *len)
{
	u64 total = 0, end;
	unsigned int i;

	if (!ranges || !nr)
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		if (!ranges[i].len ||
		    check_add_overflow(ranges[i].addr, ranges[i].len - 1, &end) ||
		    check_add_overflow(total, ranges[i].len, &total))
			return -EINVAL;
	}
	*len = total;
	return 0;
}

/* An SGE is at most 4 GiB - 1 bytes; cut on the alignment if there is one. */
static int dma_vec_rdma_sge_lim(const struct dma_vec_limits *in,
				u32 max_msg, struct dma_vec_limits *out)
{
	if (!in || !dma_vec_limits_valid(in))
		return -EINVAL;
	*out = *in;
	out->max_seg = min_t(u64, in->max_seg,
			     (max_msg ?: U32_MAX) & ~(in->align - 1));
	return dma_vec_limits_valid(out) ? 0 : -EINVAL;
}

/*
 * Where a walk must stop for a page list: the next piece neither continues
 * the previous one nor starts a page after a piece that ended one.
 */
static bool dma_vec_rdma_gap(u64 addr, u64 prev_end, u64 page_mask,
			     bool first)
{
	return !first && addr != prev_end && ((addr | prev_end) & page_mask);
}

/**
 * dma_vec_rdma_count_mr_pages - size the page list of an MR without building it
 * @ranges: mapped DMA ranges, in order
 * @nr: number of ranges
 * @page_size: MR page size, a power of two
 * @pages: set to the number of page-list entries
 * @bytes: set to the bytes those entries map
 *
 * Applies the rules of dma_vec_rdma_map_mr_pages() (and ib_sg_to_pages())
 * with arithmetic per range instead of a call per page: @bytes is less
 * than the total when the walk stops at a gap.  This is the number an MR
 * translation table needs, e.g. to compare page sizes.
 *
 * Context: Any context.
 * Return: 0 on success, -EINVAL for invalid input, in which case @pages
 * and @bytes are untouched.
 */
int dma_vec_rdma_count_mr_pages(const struct dma_vec_drange *ranges,
				unsigned int nr, unsigned int page_size,
				u64 *pages, u64 *bytes)
{
	u64 mask = (u64)page_size - 1, prev_end = 0, n = 0, sum = 0, len;
	unsigned int shift;
	struct dma_vec_dma_iter it;
	bool first = true;

	if (!is_power_of_2(page_size) || dma_vec_rdma_check(ranges, nr, &len))
		return -EINVAL;
	shift = ilog2(page_size);
	dma_vec_for_each_dma_chunk(ranges, nr, NULL, &it) {
		u64 last = it.addr + (it.len - 1);

		if (dma_vec_rdma_gap(it.addr, prev_end, mask, first))
			break;
		n += (last >> shift) - (it.addr >> shift) + 1;
		/* A piece continuing mid-page shares the previous last page. */
		if (!first && (it.addr & mask))
			n--;
		sum += it.len;
		prev_end = it.addr + it.len;
		first = false;
	}
	*pages = n;
	*bytes = sum;
	return 0;
}
EXPORT_SYMBOL_GPL(dma_vec_rdma_count_mr_pages);

/**
 * dma_vec_rdma_map_mr_pages - feed an MR's page list from DMA ranges
 * @mr: the memory region (IB_MR_TYPE_MEM_REG and the like)
 * @ranges: mapped DMA ranges, in order
 * @nr: number of ranges
 * @page_size: MR page size, a power of two (one of the device's)
 * @max_pages: page-list capacity of @mr
 * @set_page: the driver's callback, called with the DMA address of every
 *	page in order; a negative return stops the walk
 * @ctx: argument of @set_page
 *
 * The rules of ib_sg_to_pages(): the first range may start at an offset in
 * its first page; every later piece must start on a page boundary after a
 * piece that ended on one, or continue the previous piece contiguously;
 * the last may end short.  The walk stops at the first gap (a
 * discontinuity that is not page aligned on both sides), when @max_pages
 * pages are set, or when @set_page fails, and @mr->length tells how many
 * bytes were mapped.  The ranges are walked in page-bounded chunks of the
 * constrained iterator; no page array is built here.
 *
 * An IB_MR_TYPE_SG_GAPS MR is not a page list: devices with gap support
 * map byte ranges (mlx5's KLMs), so it is refused here; use
 * dma_vec_rdma_map_mr_klms() for it.
 *
 * Context: Any context allowed by @set_page.
 * Return: the number of pages set (at least 1), with @mr->iova (the DMA
 * address of the first byte), @mr->length and @mr->page_size set;
 * -EINVAL for invalid input; -EOPNOTSUPP for an SG_GAPS MR; the error of
 * @set_page if it failed on the first page.  On error @mr is untouched
 * and @set_page was not called, or called only for the failed page.
 */
int dma_vec_rdma_map_mr_pages(struct ib_mr *mr,
			      const struct dma_vec_drange *ranges,
			      unsigned int nr, unsigned int page_size,
			      unsigned int max_pages,
			      int (*set_page)(void *ctx, u64 addr), void *ctx)
{
	struct dma_vec_limits lim = {
		.max_seg = U64_MAX,
		.seg_boundary_mask = (u64)page_size - 1,
		.align = page_size,
	};
	unsigned int n = 0, max = min_t(unsigned int, max_pages, INT_MAX);
	u64 prev_end = 0, sum = 0, len;
	struct dma_vec_dma_iter it;
	bool first = true;
	int ret;

	if (!mr || !set_page || !max || !is_power_of_2(page_size) ||
	    dma_vec_rdma_check(ranges, nr, &len))
		return -EINVAL;
	if (mr->type == IB_MR_TYPE_SG_GAPS)
		return -EOPNOTSUPP;

	/* Chunks never cross a page: each starts a page or shares one. */
	dma_vec_for_each_dma_chunk(ranges, nr, &lim, &it) {
		if (dma_vec_rdma_gap(it.addr, prev_end, lim.seg_boundary_mask,
				     first))
			break;
		if (first || !(it.addr & lim.seg_boundary_mask)) {
			if (n == max)
				break;
			ret = set_page(ctx, it.addr & ~lim.seg_boundary_mask);
			if (ret < 0) {
				if (!n)
					return ret;
				break;
			}
			n++;
		}
		sum += it.len;
		prev_end = it.addr + it.len;
		first = false;
	}
	mr->iova = ranges[0].addr;
	mr->length = sum;
	mr->page_size = page_size;
	return n;
}
EXPORT_SYMBOL_GPL(dma_vec_rdma_map_mr_pages);

/**
 * dma_vec_rdma_map_mr_klms - feed a gap-tolerant MR from DMA ranges
 * @mr: the memory region, typically IB_MR_TYPE_SG_GAPS
 * @ranges: mapped DMA ranges, in order
 * @nr: number of ranges
 * @max_entries: entry capacity of @mr
 * @set_klm: the driver's callback, called with the DMA address and length
 *	of every entry in order; a negative return stops the walk
 * @ctx: argument of @set_klm
 *
 * What an SG_GAPS MR is in hardware (mlx5's KLM list): byte ranges of any
 * alignment, laid end to end in the MR's address space from @mr->iova.
 * One entry per chunk of at most 4 GiB - 1 bytes; no gap stops the walk.
 *
 * Context: Any context allowed by @set_klm.
 * Return: the number of entries set (at least 1), with @mr->iova (the DMA
 * address of the first byte) and @mr->length (the bytes mapped, short of
 * the total if @max_entries or @set_klm stopped the walk) set; -EINVAL for
 * invalid input; the error of @set_klm if it failed on the first entry.
 * On error @mr is untouched.
 */
int dma_vec_rdma_map_mr_klms(struct ib_mr *mr,
			     const struct dma_vec_drange *ranges,
			     unsigned int nr, unsigned int max_entries,
			     int (*set_klm)(void *ctx, u64 addr, u32 len),
			     void *ctx)
{
	static const struct dma_vec_limits lim = {
		.max_seg = U32_MAX,
		.seg_boundary_mask = U64_MAX,
		.align = 1,
	};
	unsigned int n = 0, max = min_t(unsigned int, max_entries, INT_MAX);
	struct dma_vec_dma_iter it;
	u64 sum = 0, len;
	int ret;

	if (!mr || !set_klm || !max || dma_vec_rdma_check(ranges, nr, &len))
		return -EINVAL;
	dma_vec_for_each_dma_chunk(ranges, nr, &lim, &it) {
		if (n == max)
			break;
		ret = set_klm(ctx, it.addr, it.len);
		if (ret < 0) {
			if (!n)
				return ret;
			break;
		}
		n++;
		sum += it.len;
	}
	mr->iova = ranges[0].addr;
	mr->length = sum;
	return n;
}
EXPORT_SYMBOL_GPL(dma_vec_rdma_map_mr_klms);

/**
 * dma_vec_rdma_best_page_size - the largest MR page size DMA ranges allow
 * @ranges: mapped DMA ranges, in order
 * @nr: number of ranges
 * @pgsz_bitmap: page sizes the HCA supports, one bit per size
 * @iova: the MR address of the first byte (the DMA address of the first
 *	byte when the MR is registered with ib_map_mr_sg() semantics)
 *
 * The idea of ib_umem_find_best_pgsz(): a page of size P can map the
 * ranges only if the first byte's offset in P is the same in the MR and in
 * DMA space, and every discontinuity (where a range does not continue the
 * previous one) falls on a multiple of P in both.  Accumulate the bits
 * where those addresses differ, or are set at a discontinuity, and take
 * the largest supported size below the lowest such bit, but none larger
 * than the smallest supported size whose one page spans the whole MR
 * (fewest pages, then smallest).  A GPU BAR exported in 2 MiB blocks thus
 * gets 2 MiB pages.
 *
 * Context: Any context.
 * Return: the page size, or 0 if no supported size fits or the input is
 * invalid.
 */
unsigned long dma_vec_rdma_best_page_size(const struct dma_vec_drange *ranges,
					  unsigned int nr,
					  unsigned long pgsz_bitmap, u64 iova)
{
	u64 mask = 0, va = iova, prev_end = 0, last_va, len;
	struct dma_vec_dma_iter it;
	bool first = true;
	unsigned int bits;

	if (dma_vec_rdma_check(ranges, nr, &len) ||
	    check_add_overflow(iova, len - 1, &last_va))
		return 0;
	/* No page larger than the smallest one spanning the whole MR. */
	bits = fls64(iova ^ last_va);
	if (bits < 64)
		mask = (u64)pgsz_bitmap & GENMASK_ULL(63, bits);

	dma_vec_for_each_dma_chunk(ranges, nr, NULL, &it) {
		if (first || it.addr != prev_end) {
			mask |= it.addr ^ va;
			if (!first)
				mask |= va;
		}
		va += it.len;
		prev_end = it.addr + it.len;
		first = false;
	}
	if (mask)
		pgsz_bitmap &= GENMASK_ULL(__ffs64(mask), 0);
	return pgsz_bitmap ? rounddown_pow_of_two(pgsz_bitmap) : 0;
}
EXPORT_SYMBOL_GPL(dma_vec_rdma_best_page_size);

static void dma_vec_rdma_wr_init(struct ib_rdma_wr *wr, bool read,
				 struct ib_sge *sge, int nr_sge,
				 u64 remote_addr, u32 rkey)
{
	memset(wr, 0, sizeof(*wr));
	wr->wr.opcode = read ? IB_WR_RDMA_READ : IB_WR_RDMA_WRITE;
	wr->wr.sg_list = sge;
	wr->wr.num_sge = nr_sge;
	wr->remote_addr = remote_addr;
	wr->rkey = rkey;
}

/* No work request yet, the inline room for the first ones. */
static void dma_vec_rdma_rw_empty(struct dma_vec_rdma_rw_ctx *ctx)
{
	ctx->wrs = ctx->inl_wrs;
	ctx->sges = ctx->inl_sges;
	ctx->nr_wrs = 0;
	ctx->nr_sges = 0;
	ctx->cap_wrs = DMA_VEC_RDMA_RW_INLINE_WRS;
	ctx->cap_sges = DMA_VEC_RDMA_RW_INLINE_SGES;
}

/* What the one pass of dma_vec_rdma_rw_init() carries from piece to piece. */
struct dma_vec_rdma_rw_build {
	struct dma_vec_limits lim;	/* of one SGE */
	struct dma_vec_iter it;		/* the physical ranges, whole */
	phys_addr_t paddr;		/* the part of range it.idx not mapped */
	u64 plen;			/* ... and its length */
	u64 raddr;			/* remote address of the next SGE */
	u64 left;			/* bytes not in an SGE yet */
	u64 total;			/* bytes of the transfer */
	u64 msg;			/* most bytes of a work request */
	u64 wr_bytes;			/* bytes of the last work request */
	u32 lkey;
	u32 rkey;
	bool read;
	gfp_t gfp;
};

/*
 * At most how many pieces dma_vec_io_map() cuts @len bytes at @paddr into,
 * with 2^@map_shift at most its mapping size: a host range goes in pieces
 * of the mapping size counted from the start of its first page, an MMIO
 * one in pieces of at least that size, a bus-address one whole.
 */
static u64 dma_vec_rdma_pieces(phys_addr_t paddr, u64 len,
			       unsigned int map_shift)
{
	return len ? ((offset_in_page(paddr) + len - 1) >> map_shift) + 1 : 0;
}

/*
 * The inline SGEs or work requests of @ctx are full: move them to one
 * allocation that holds the whole transfer.  Its size is an upper bound
 * on the SGEs still to come, from the input alone (nothing more is
 * mapped to get it):
 *
 * A piece of l bytes mapped at any DMA address is cut into at most
 * l / M + c + 1 + u SGEs, where M is the largest SGE cut short by the
 * maximum segment size from an aligned start (max_seg rounded down to the
 * alignment), c the segment boundaries inside the piece (at most
 * l / B + 1 for a boundary every B bytes, none without a boundary), and u
 * one if the alignment is above one byte (only the first SGE of a piece
 * can start unaligned, so be cut short of M by the maximum segment size
 * for an unaligned start).  Every other SGE but the last ends at a
 * boundary, or is exactly M bytes: at most l / M of those.  Summed over
 * pieces, the floors of l / M and l / B add up to at most those of the
 * bytes left, and M and B are rounded down to powers of two, so that
 * shifts stand for divisions.  The pieces are counted per range by
 * dma_vec_rdma_pieces(); the piece being cut counts as one.
 *
 * A work request ends full (the most SGEs), or because the next SGE would
 * take it past the message size m: its bytes and those of that SGE add up
 * to more than m.  Each SGE is counted at most twice over those sums (in
 * its own work request, and as the next SGE of the one before), so fewer
 * than 2 t / m end so for a transfer of t bytes: k <= 2 (t / m) + 1, m
 * rounded down to a power of two for a shift.  The full ones and the
 * last, with at least one SGE in each of those k, are then at most
 * S / max_sge rounded up, for S SGEs in all.  The allocation is refused
 * (-E2BIG) beyond INT_MAX bytes, as kvmalloc() refuses it.
 */
static noinline int dma_vec_rdma_rw_grow(struct dma_vec_rdma_rw_ctx *ctx,
					 struct dma_vec_rdma_rw_build *b)
{
	u64 mask = b->lim.seg_boundary_mask, pieces, per, sges;
	unsigned int map_shift = ilog2(ctx->io.max_map);
	struct dma_vec_iter it = b->it;
	struct ib_rdma_wr *wrs;
	struct ib_sge *sges_p;
	unsigned int i;
	u64 nr_wrs;
	size_t size;

	/* The bound holds for the whole rest: past it is a bug. */
	if (WARN_ON_ONCE(ctx->wrs != ctx->inl_wrs))
		return -EIO;
	pieces = 1 + dma_vec_rdma_pieces(b->paddr, b->plen, map_shift);
	while (dma_vec_iter_next(&it))
		pieces += dma_vec_rdma_pieces(it.paddr, it.len, map_shift);
	per = (mask == U64_MAX ? 1 : 2) + (b->lim.align > 1);
	sges = b->left >> ilog2(b->lim.max_seg & ~(b->lim.align - 1));
	if (mask != U64_MAX)
		sges += b->left >> fls64(mask);
	if (check_mul_overflow(pieces, per, &per) ||
	    check_add_overflow(sges, per, &sges) ||
	    check_add_overflow(sges, (u64)ctx->nr_sges, &sges) ||
	    sges > INT_MAX)
		return -E2BIG;
	nr_wrs = DIV_ROUND_UP((unsigned int)sges, ctx->max_sge);
	if (b->msg != U64_MAX)
		nr_wrs += 2 * (b->total >> ilog2(b->msg)) + 1;
	size = size_add(array_size(nr_wrs, sizeof(*wrs)),
			array_size(sges, sizeof(*sges_p)));
	if (size > INT_MAX)
		return -E2BIG;
	wrs = kvmalloc(size, b->gfp);
	if (!wrs)
		return -ENOMEM;
	sges_p = (struct ib_sge *)(wrs + nr_wrs);
	memcpy(sges_p, ctx->sges, ctx->nr_sges * sizeof(*sges_p));
	memcpy(wrs, ctx->wrs, ctx->nr_wrs * sizeof(*wrs));
	for (i = 0; i < ctx->nr_wrs; i++) {
		wrs[i].wr.sg_list = sges_p + (ctx->wrs[i].wr.sg_list - ctx->sges);
		if (i)
			wrs[i - 1].wr.next = &wrs[i].wr;
	}
	ctx->wrs = wrs;
	ctx->sges = sges_p;
	ctx->cap_wrs = nr_wrs;
	ctx->cap_sges = sges;
	return 0;
}

/* Append an SGE, to the last work request or to a new one. */
static __always_inline int dma_vec_rdma_rw_sge(struct dma_vec_rdma_rw_ctx *ctx,
					       struct dma_vec_rdma_rw_build *b,
					       u64 addr, u32 len)
{
	bool new_wr = !ctx->nr_wrs ||
		      ctx->wrs[ctx->nr_wrs - 1].wr.num_sge == ctx->max_sge ||
		      len > b->msg - b->wr_bytes;
	struct ib_rdma_wr *wr;
	struct ib_sge *sge;
	int ret;

	if (unlikely(ctx->nr_sges == ctx->cap_sges ||
		     (new_wr && ctx->nr_wrs == ctx->cap_wrs))) {
		ret = dma_vec_rdma_rw_grow(ctx, b);
		if (ret)
			return ret;
	}
	sge = &ctx->sges[ctx->nr_sges++];
	sge->addr = addr;
	sge->length = len;
	sge->lkey = b->lkey;
	if (new_wr) {
		wr = &ctx->wrs[ctx->nr_wrs];
		dma_vec_rdma_wr_init(wr, b->read, sge, 0, b->raddr, b->rkey);
		if (ctx->nr_wrs)
			wr[-1].wr.next = &wr->wr;
		ctx->nr_wrs++;
		b->wr_bytes = 0;
	} else {
		wr = &ctx->wrs[ctx->nr_wrs - 1];
	}
	b->wr_bytes += len;
	wr->wr.num_sge++;
	b->raddr += len;
	b->left -= len;
	return 0;
}

/* Cut a mapped piece into SGEs under the limits of the HCA. */
static int dma_vec_rdma_rw_piece(struct dma_vec_rdma_rw_ctx *ctx,
				 struct dma_vec_rdma_rw_build *b,
				 const struct dma_vec_drange *d)
{
	u64 addr = d->addr, len = d->len;
	int ret;

	/* Ending at 2^64 is fine; past it is not. */
	if (len - 1 > U64_MAX - addr)
		return -EOVERFLOW;
	while (len) {
		u64 n = dma_vec_chunk_len(addr, len, &b->lim);

		ret = dma_vec_rdma_rw_sge(ctx, b, addr, n);
		if (ret)
			return ret;
		addr += n;
		len -= n;
	}
	return 0;
}

/**
 * dma_vec_rdma_rw_init - map a transfer and build its RDMA READ or WRITE chain
 * @ctx: context to set up (see &struct dma_vec_rdma_rw_ctx)
 * @dev: what the QP and its HCA allow
 * @slice: the local memory: physical ranges of a table, host memory or
 *	peer memory of the table's providers
 * @remote_addr: remote address of the first byte
 * @rkey: remote key
 * @dir: DMA_FROM_DEVICE for an RDMA READ (remote to local), DMA_TO_DEVICE
 *	for an RDMA WRITE (local to remote), as for rdma_rw_ctx_init()
 * @gfp: allocation flags for mapping records and for SGEs and work
 *	requests beyond the inline ones
 *
 * The dma_vec counterpart of rdma_rw_ctx_init(), in one pass: each range
 * of @slice is mapped for @dev->dma_dev with dma_vec_io_map() (host memory
 * streaming, peer memory at its bus address or through the host bridge),
 * each mapped piece is cut into SGEs at the maximum segment size and
 * segment boundary of @dev->lim, and the SGEs go into RDMA work requests
 * of at most @dev->max_sge (WRITE) or @dev->max_sge_rd (READ) SGEs and
 * @dev->max_msg bytes each (an SGE is cut at that size too), the remote
 * address advancing with the bytes of each, as they come: no
 * mapping array, no count-then-fill.  Up to DMA_VEC_RDMA_RW_INLINE_SGES
 * SGEs in DMA_VEC_RDMA_RW_INLINE_WRS work requests live in @ctx; a longer
 * chain moves to one allocation, sized by a bound computed from the ranges
 * not mapped yet.  The table is not read again: it may change once this
 * returned, but the memory must stay until dma_vec_rdma_rw_destroy().
 *
 * Context: Any context allowed by @gfp and by the DMA API.
 * Return: the number of work requests in the chain on success; -EINVAL
 * for invalid arguments (an empty or bad @slice, a bad @dir, no SGE per
 * work request, invalid limits or a message size below the alignment, a
 * remote range that wraps); -E2BIG if the transfer may need more than
 * INT_MAX SGEs or more than INT_MAX bytes of SGEs and work requests;
 * -ENOMEM; -EOVERFLOW if a mapped piece
 * wraps past 2^64; an error of dma_vec_io_map() for a range it refused.
 * On error nothing is left mapped or allocated, and @ctx is untouched if
 * the arguments were invalid, else left empty.
 */
int dma_vec_rdma_rw_init(struct dma_vec_rdma_rw_ctx *ctx,
			 const struct dma_vec_rdma_rw_dev *dev,
			 const struct dma_vec_slice *slice, u64 remote_addr,
			 u32 rkey, enum dma_data_direction dir, gfp_t gfp)
{
	bool read = dir == DMA_FROM_DEVICE;
	struct dma_vec_rdma_rw_build b;
	struct dma_vec_drange d;
	unsigned int max_sge;
	u64 last;
	int ret;

	if (!ctx || !dev || !dev->dma_dev || !slice || !slice->tbl ||
	    !slice->len || (dir != DMA_FROM_DEVICE && dir != DMA_TO_DEVICE))
		return -EINVAL;
	max_sge = min_t(u32, read ? dev->max_sge_rd : dev->max_sge, INT_MAX);
	if (!max_sge || check_add_overflow(remote_addr, slice->len - 1, &last))
		return -EINVAL;
	ret = dma_vec_rdma_sge_lim(&dev->lim, dev->max_msg, &b.lim);
	if (!ret)
		ret = dma_vec_iter_init(&b.it, slice, NULL);
	if (ret)
		return ret;
	b.plen = 0;
	b.raddr = remote_addr;
	b.left = slice->len;
	b.total = slice->len;
	b.msg = dev->max_msg ?: U64_MAX;
	b.wr_bytes = 0;
	b.lkey = dev->lkey;
	b.rkey = rkey;
	b.read = read;
	b.gfp = gfp;

	dma_vec_io_start(&ctx->io, dev->dma_dev, dir, 0,
			 dev->max_map ? dev->max_map : U64_MAX);
	dma_vec_rdma_rw_empty(ctx);
	ctx->max_sge = max_sge;
	while (dma_vec_iter_next(&b.it)) {
		b.paddr = b.it.paddr;
		b.plen = b.it.len;
		do {
			ret = dma_vec_io_map(&ctx->io, b.paddr, b.plen,
					     b.it.provider, &d, gfp);
			if (ret)
				goto fail;
			b.paddr += d.len;
			b.plen -= d.len;
			ret = dma_vec_rdma_rw_piece(ctx, &b, &d);
			if (ret)
				goto fail;
		} while (b.plen);
	}
	return ctx->nr_wrs;

fail:
	dma_vec_rdma_rw_destroy(ctx);
	return ret;
}
EXPORT_SYMBOL_GPL(dma_vec_rdma_rw_init);

/**
 * dma_vec_rdma_rw_destroy - unmap a transfer and release its work requests
 * @ctx: set up by dma_vec_rdma_rw_init()
 *
 * Call after the work requests completed.  Unmaps the local memory with
 * dma_vec_io_end() and frees the allocated SGEs and work requests, if
 * any.  Leaves @ctx empty; destroying an empty or zeroed context does
 * nothing.
 *
 * Context: Any context the DMA API allows unmapping in.
 */
void dma_vec_rdma_rw_destroy(struct dma_vec_rdma_rw_ctx *ctx)
{
	dma_vec_io_end(&ctx->io);
	if (ctx->wrs != ctx->inl_wrs)
		kvfree(ctx->wrs);
	dma_vec_rdma_rw_empty(ctx);
}
EXPORT_SYMBOL_GPL(dma_vec_rdma_rw_destroy);
