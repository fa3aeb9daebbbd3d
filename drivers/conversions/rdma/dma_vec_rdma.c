// SPDX-License-Identifier: GPL-2.0
/*
 * dma_vec for RDMA: SGEs, memory region page lists (the rules of
 * ib_sg_to_pages()), the best MR page size (the idea of
 * ib_umem_find_best_pgsz()) and RDMA READ/WRITE work request chains (the
 * job of rdma_rw_ctx_init()), built straight from mapped DMA ranges with
 * the constrained iterator: no scatterlist, no per-page array.
 */
#include <kunit/visibility.h>
#include <linux/bitops.h>
#include <linux/bits.h>
#include <rdma/dma_vec.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/minmax.h>
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
				struct dma_vec_limits *out)
{
	if (!in || !dma_vec_limits_valid(in))
		return -EINVAL;
	*out = *in;
	out->max_seg = min_t(u64, in->max_seg, U32_MAX & ~(in->align - 1));
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
 * dma_vec_rdma_sge_iter_init - start handing out SGEs for DMA ranges
 * @si: cursor to set up
 * @ranges: mapped DMA ranges of the transfer, in order
 * @nr: number of ranges
 * @lim: limits of one SGE (dma_vec_dev_limits() of the HCA); the length is
 *	further capped to 32 bits, the size of &ib_sge.length
 * @lkey: local key of every SGE
 *
 * Context: Any context.
 * Return: 0 on success, -EINVAL for empty or wrapping ranges or invalid
 * limits, in which case @si is untouched.
 */
int dma_vec_rdma_sge_iter_init(struct dma_vec_rdma_sge_iter *si,
			       const struct dma_vec_drange *ranges,
			       unsigned int nr,
			       const struct dma_vec_limits *lim, u32 lkey)
{
	struct dma_vec_limits l;
	u64 len;
	int ret;

	ret = dma_vec_rdma_check(ranges, nr, &len);
	if (!ret)
		ret = dma_vec_rdma_sge_lim(lim, &l);
	if (ret)
		return ret;
	dma_vec_dma_iter_init(&si->it, ranges, nr, &l);
	si->lkey = lkey;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(dma_vec_rdma_sge_iter_init);

/**
 * dma_vec_rdma_build_sges - fill the SGEs of the next work request
 * @si: cursor from dma_vec_rdma_sge_iter_init()
 * @sge: array of at least @max_sge entries
 * @max_sge: SGEs one work request may carry (max_send_sge or max_sge_rd)
 * @bytes: if not NULL, set to the bytes the filled SGEs cover
 *
 * Call once per work request until it returns 0; the remote address of
 * the next work request advances by @bytes.  Each SGE is one chunk of the
 * constrained walk, so it never crosses the segment boundary or exceeds
 * the maximum segment size of the HCA.
 *
 * Context: Any context.
 * Return: the number of SGEs filled, 0 when the ranges are used up, or
 * -EINVAL if @max_sge is 0.
 */
int dma_vec_rdma_build_sges(struct dma_vec_rdma_sge_iter *si,
			    struct ib_sge *sge, unsigned int max_sge,
			    u64 *bytes)
{
	unsigned int n = 0, max = min_t(unsigned int, max_sge, INT_MAX);
	u64 sum = 0;

	if (!max)
		return -EINVAL;
	while (n < max && dma_vec_dma_iter_next(&si->it)) {
		sge[n].addr = si->it.addr;
		sge[n].length = si->it.len;
		sge[n].lkey = si->lkey;
		sum += si->it.len;
		n++;
	}
	if (bytes)
		*bytes = sum;
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(dma_vec_rdma_build_sges);

/**
 * dma_vec_rdma_count_sges - count the SGEs of a transfer
 * @ranges: mapped DMA ranges of the transfer, in order
 * @nr: number of ranges
 * @lim: limits of one SGE, as for dma_vec_rdma_sge_iter_init()
 * @nr_sges: set to the number of SGEs
 *
 * Context: Any context.
 * Return: 0 on success; -EINVAL for invalid input; -E2BIG if the count
 * does not fit in an unsigned int.  On error @nr_sges is untouched.
 */
int dma_vec_rdma_count_sges(const struct dma_vec_drange *ranges,
			    unsigned int nr, const struct dma_vec_limits *lim,
			    unsigned int *nr_sges)
{
	struct dma_vec_rdma_sge_iter si;
	unsigned int n = 0;
	int ret;

	ret = dma_vec_rdma_sge_iter_init(&si, ranges, nr, lim, 0);
	if (ret)
		return ret;
	while (dma_vec_dma_iter_next(&si.it)) {
		if (n == UINT_MAX)
			return -E2BIG;
		n++;
	}
	*nr_sges = n;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(dma_vec_rdma_count_sges);

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

/*
 * Register @dev->mr over the ranges.  -E2BIG: the layout does not fit one
 * MR (a gap, too many pages, no page size, over 4 GiB); nothing was called.
 */
static int dma_vec_rdma_rw_init_mr(struct dma_vec_rdma_rw_ctx *ctx,
				   const struct dma_vec_rdma_rw_dev *dev,
				   const struct dma_vec_drange *ranges,
				   unsigned int nr, u64 len, u64 remote_addr,
				   u32 rkey, bool read)
{
	struct ib_mr *mr = dev->mr;
	unsigned long pgsz;
	u64 pages, bytes;
	int ret;

	if (!dev->set_page || len > U32_MAX)
		return -E2BIG;
	pgsz = dma_vec_rdma_best_page_size(ranges, nr, dev->pgsz_bitmap,
					   ranges[0].addr);
	if (!pgsz || pgsz > UINT_MAX)
		return -E2BIG;
	ret = dma_vec_rdma_count_mr_pages(ranges, nr, pgsz, &pages, &bytes);
	if (ret)
		return ret;
	if (bytes != len || pages > dev->max_pages)
		return -E2BIG;
	ret = dma_vec_rdma_map_mr_pages(mr, ranges, nr, pgsz, dev->max_pages,
					dev->set_page, dev->set_page_ctx);
	if (ret < 0)
		return ret;
	/* The driver refused a page part way. */
	if (mr->length != len)
		return -EIO;

	memset(ctx, 0, sizeof(*ctx));
	ctx->mr = mr;
	ctx->mr_sge.addr = mr->iova;
	ctx->mr_sge.length = mr->length;
	ctx->mr_sge.lkey = mr->lkey;
	ctx->reg_wr.wr.opcode = IB_WR_REG_MR;
	ctx->reg_wr.wr.next = &ctx->mr_wr.wr;
	ctx->reg_wr.mr = mr;
	ctx->reg_wr.key = mr->lkey;
	/* The HCA writes local memory only for a READ. */
	ctx->reg_wr.access = read ? IB_ACCESS_LOCAL_WRITE : 0;
	dma_vec_rdma_wr_init(&ctx->mr_wr, read, &ctx->mr_sge, 1, remote_addr,
			     rkey);
	return 2;
}

/**
 * dma_vec_rdma_fill_wrs - chain RDMA READ or WRITE work requests over SGEs
 * @si: cursor over the local DMA ranges, set up by
 *	dma_vec_rdma_sge_iter_init()
 * @wrs: the work requests to fill, chained in order
 * @nr_wrs: number of work requests: the SGE count of the transfer (from
 *	dma_vec_rdma_count_sges()) divided by @max_sge, rounded up
 * @sges: room for every SGE of the transfer
 * @max_sge: most SGEs in one work request
 * @remote_addr: remote address of the first byte
 * @rkey: remote key
 * @read: RDMA READ (remote to local) if true, else RDMA WRITE
 *
 * The one loop behind rdma_rw_ctx_init_dma_vec() and
 * dma_vec_rdma_rw_init(): each work request takes the next SGEs of @si,
 * at most @max_sge, and the remote address advances with its bytes.
 *
 * Context: Any context.
 * Return: 0 on success; -EINVAL if @si ran dry before @nr_wrs work
 * requests were filled (the counts did not match), with a WARN.
 */
int dma_vec_rdma_fill_wrs(struct dma_vec_rdma_sge_iter *si,
			  struct ib_rdma_wr *wrs, unsigned int nr_wrs,
			  struct ib_sge *sges, unsigned int max_sge,
			  u64 remote_addr, u32 rkey, bool read)
{
	unsigned int i;

	for (i = 0; i < nr_wrs; i++) {
		u64 bytes;
		int n = dma_vec_rdma_build_sges(si, sges, max_sge, &bytes);

		if (WARN_ON_ONCE(n <= 0))
			return -EINVAL;
		dma_vec_rdma_wr_init(&wrs[i], read, sges, n, remote_addr, rkey);
		if (i)
			wrs[i - 1].wr.next = &wrs[i].wr;
		remote_addr += bytes;
		sges += n;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(dma_vec_rdma_fill_wrs);

static int dma_vec_rdma_rw_init_sges(struct dma_vec_rdma_rw_ctx *ctx,
				     const struct dma_vec_rdma_rw_dev *dev,
				     const struct dma_vec_drange *ranges,
				     unsigned int nr, unsigned int nr_sges,
				     unsigned int max_sge, u64 remote_addr,
				     u32 rkey, bool read, gfp_t gfp)
{
	/* Both divisions once, outside the loop; no overflow near UINT_MAX. */
	unsigned int nr_wrs = nr_sges / max_sge + !!(nr_sges % max_sge);
	struct dma_vec_rdma_sge_iter si;
	struct ib_rdma_wr *wrs;
	struct ib_sge *sges;
	size_t size;
	int ret;

	if (nr_wrs > INT_MAX)
		return -E2BIG;
	size = size_add(array_size(nr_wrs, sizeof(*wrs)),
			array_size(nr_sges, sizeof(*sges)));
	if (size == SIZE_MAX)
		return -E2BIG;
	ret = dma_vec_rdma_sge_iter_init(&si, ranges, nr, &dev->lim, dev->lkey);
	if (ret)
		return ret;
	if (nr_sges == 1) {
		/* One SGE: in the context, allocating nothing. */
		struct ib_rdma_wr wr;
		struct ib_sge sge;

		ret = dma_vec_rdma_fill_wrs(&si, &wr, 1, &sge, 1, remote_addr,
					    rkey, read);
		if (ret)
			return ret;
		memset(ctx, 0, sizeof(*ctx));
		ctx->mr_wr = wr;
		ctx->mr_sge = sge;
		ctx->mr_wr.wr.sg_list = &ctx->mr_sge;
		ctx->wrs = &ctx->mr_wr;
		ctx->sges = &ctx->mr_sge;
		ctx->nr_wrs = 1;
		ctx->nr_sges = 1;
		return 1;
	}
	wrs = kmalloc(size, gfp);
	if (!wrs)
		return -ENOMEM;
	sges = (struct ib_sge *)(wrs + nr_wrs);
	ret = dma_vec_rdma_fill_wrs(&si, wrs, nr_wrs, sges, max_sge,
				    remote_addr, rkey, read);
	if (ret) {
		kfree(wrs);
		return ret;
	}

	memset(ctx, 0, sizeof(*ctx));
	ctx->wrs = wrs;
	ctx->sges = sges;
	ctx->nr_wrs = nr_wrs;
	ctx->nr_sges = nr_sges;
	return nr_wrs;
}

/**
 * dma_vec_rdma_rw_init - RDMA READ or WRITE work requests for a transfer
 * @ctx: context to set up
 * @dev: what the QP and its HCA allow
 * @ranges: local DMA ranges (a &dma_vec_map of the HCA's DMA device)
 * @nr: number of ranges
 * @remote_addr: remote address of the first byte
 * @rkey: remote key
 * @dir: DMA_FROM_DEVICE for an RDMA READ (remote to local), DMA_TO_DEVICE
 *	for an RDMA WRITE (local to remote), as for rdma_rw_ctx_init()
 * @gfp: allocation flags for the work requests and SGEs
 *
 * The dma_vec counterpart of rdma_rw_ctx_init().  Registers @dev->mr over
 * the whole transfer (an IB_WR_REG_MR work request followed by one RDMA
 * work request with a single SGE, the page size from
 * dma_vec_rdma_best_page_size()) when @dev->flags has
 * DMA_VEC_RDMA_RW_FORCE_MR, or when the transfer needs more than
 * @dev->mr_sge_threshold SGEs and fits the MR.  Otherwise chains as many
 * RDMA work requests as needed, each with at most @dev->max_sge (WRITE) or
 * @dev->max_sge_rd (READ) SGEs, the remote address advancing with the
 * bytes of each.  The MR path and a transfer of one SGE allocate nothing
 * (the work request lives in @ctx, as rdma_rw_ctx_init() keeps a single
 * SGE in its context).  The caller invalidates
 * a used MR before registering it again.
 *
 * Context: Any context allowed by @gfp and @dev->set_page.
 * Return: the number of work requests in the chain; -EINVAL for invalid
 * input (also a forced MR without @dev->mr); -E2BIG if a forced MR cannot
 * hold the transfer, or the transfer needs too many work requests;
 * -ENOMEM; -EIO if @dev->set_page refused a page; or the error of
 * @dev->set_page.  On error @ctx is untouched and nothing is allocated;
 * @dev->mr's page list may have been written but no registration is
 * chained.
 */
int dma_vec_rdma_rw_init(struct dma_vec_rdma_rw_ctx *ctx,
			 const struct dma_vec_rdma_rw_dev *dev,
			 const struct dma_vec_drange *ranges, unsigned int nr,
			 u64 remote_addr, u32 rkey,
			 enum dma_data_direction dir, gfp_t gfp)
{
	bool read = dir == DMA_FROM_DEVICE;
	bool force_mr, use_mr;
	unsigned int max_sge, nr_sges;
	u64 len, last;
	int ret;

	if (!ctx || !dev || (dir != DMA_FROM_DEVICE && dir != DMA_TO_DEVICE))
		return -EINVAL;
	force_mr = dev->flags & DMA_VEC_RDMA_RW_FORCE_MR;
	max_sge = read ? dev->max_sge_rd : dev->max_sge;
	if (!max_sge || (force_mr && !dev->mr))
		return -EINVAL;
	ret = dma_vec_rdma_check(ranges, nr, &len);
	if (ret)
		return ret;
	if (check_add_overflow(remote_addr, len - 1, &last))
		return -EINVAL;
	ret = dma_vec_rdma_count_sges(ranges, nr, &dev->lim, &nr_sges);
	if (ret)
		return ret;

	use_mr = dev->mr && (force_mr || (dev->mr_sge_threshold &&
					  nr_sges > dev->mr_sge_threshold));
	if (use_mr) {
		ret = dma_vec_rdma_rw_init_mr(ctx, dev, ranges, nr, len,
					      remote_addr, rkey, read);
		if (ret != -E2BIG || force_mr)
			return ret;
	}
	return dma_vec_rdma_rw_init_sges(ctx, dev, ranges, nr, nr_sges,
					 max_sge, remote_addr, rkey, read, gfp);
}
EXPORT_SYMBOL_GPL(dma_vec_rdma_rw_init);

/**
 * dma_vec_rdma_rw_destroy - release the work requests of a context
 * @ctx: set up by dma_vec_rdma_rw_init()
 *
 * Call after the work requests completed.  Does not touch the MR, which
 * stays the caller's.  Leaves @ctx empty; destroying an empty context does
 * nothing.
 *
 * Context: Any context.
 */
void dma_vec_rdma_rw_destroy(struct dma_vec_rdma_rw_ctx *ctx)
{
	if (ctx->wrs != &ctx->mr_wr)
		kfree(ctx->wrs);
	memset(ctx, 0, sizeof(*ctx));
}
EXPORT_SYMBOL_GPL(dma_vec_rdma_rw_destroy);
