// SPDX-License-Identifier: GPL-2.0
/*
 * dma_vec for NVMe: the data pointer of a command (PRP1/PRP2 and PRP lists,
 * or SGL data block descriptors in chained segments) built straight from
 * mapped DMA ranges, with no scatterlist and no per-page array.
 */
#include <kunit/visibility.h>
#include <linux/align.h>
#include <linux/dma-mapping.h>
#include <linux/dma_vec.h>
#include <linux/dmapool.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/math.h>
#include <linux/mm.h>
#include <linux/nvme.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "dma_vec_nvme.h"

/* SGL data blocks are at most 4 GiB - 1; cut them on dwords. */
static const struct dma_vec_limits dma_vec_nvme_sgl_lim = {
	.max_seg = 0xfffffffcULL,
	.seg_boundary_mask = U64_MAX,
	.align = 4,
};

/* Free the descriptor pages; @data is left for the caller to reset. */
static __always_inline void
dma_vec_nvme_data_release(struct dma_vec_nvme_data *data)
{
	unsigned int i;

	for (i = 0; i < data->nr_pages; i++)
		dma_pool_free(data->pool, data->pages[i].va,
			      data->pages[i].dma);
	if (data->pages != data->inl)
		kfree(data->pages);
}

/* Double the page array of a full @data; out of line, as it is rare. */
static noinline int dma_vec_nvme_grow_pages(struct dma_vec_nvme_data *data,
					    gfp_t gfp)
{
	struct dma_vec_nvme_page *pages;

	pages = kmalloc_array(data->cap_pages, 2 * sizeof(*pages), gfp);
	if (!pages)
		return -ENOMEM;
	memcpy(pages, data->pages, data->nr_pages * sizeof(*pages));
	if (data->pages != data->inl)
		kfree(data->pages);
	data->pages = pages;
	data->cap_pages *= 2;
	return 0;
}

/*
 * Append one descriptor page from @pool; the page array is inline for the
 * first DMA_VEC_NVME_INLINE_PAGES pages and doubles beyond.
 */
static __always_inline int dma_vec_nvme_add_page(struct dma_vec_nvme_data *data,
						 struct dma_pool *pool,
						 gfp_t gfp)
{
	struct dma_vec_nvme_page *pg;

	if (!data->pages) {
		data->pages = data->inl;
		data->cap_pages = DMA_VEC_NVME_INLINE_PAGES;
	}
	if (unlikely(data->nr_pages == data->cap_pages) &&
	    dma_vec_nvme_grow_pages(data, gfp))
		return -ENOMEM;
	pg = &data->pages[data->nr_pages];
	pg->va = dma_pool_alloc(pool, gfp, &pg->dma);
	if (!pg->va)
		return -ENOMEM;
	data->pool = pool;
	data->nr_pages++;
	return 0;
}

/*
 * The @nr descriptor pages of a command whose entries take more than one;
 * out of line, so that the common case of one page keeps its callers'
 * registers free.
 */
static noinline int dma_vec_nvme_add_pages(struct dma_vec_nvme_data *data,
					   struct dma_pool *pool,
					   unsigned int nr, gfp_t gfp)
{
	unsigned int i;
	int ret;

	for (i = 0, ret = 0; !ret && i < nr; i++)
		ret = dma_vec_nvme_add_page(data, pool, gfp);
	return ret;
}

/*
 * The pool of the descriptor pages for @nents entries of @entry_size bytes:
 * one small block when the entries fit one and the controller has a small
 * pool, as nvme-pci's; its page pool otherwise.
 */
static __always_inline struct dma_pool *
dma_vec_nvme_pool(const struct dma_vec_nvme_ctrl *ctrl, unsigned int nents,
		  unsigned int entry_size)
{
	if (ctrl->small_pool &&
	    (u64)nents * entry_size <= DMA_VEC_NVME_SMALL_BLOCK)
		return ctrl->small_pool;
	return ctrl->pool;
}

/*
 * Descriptor pages for @nents entries of @entry_size bytes, where every
 * page but the last gives its last slot to the link to the next page; from
 * dma_vec_nvme_pool().  On failure nothing stays allocated.
 */
static __always_inline int
dma_vec_nvme_alloc_pages(const struct dma_vec_nvme_ctrl *ctrl,
			 struct dma_vec_nvme_data *data, unsigned int nents,
			 unsigned int entry_size, gfp_t gfp)
{
	unsigned int per_page = (1U << ctrl->page_shift) / entry_size;
	struct dma_pool *pool = dma_vec_nvme_pool(ctrl, nents, entry_size);
	int ret;

	if (likely(nents <= per_page))
		/* The common case of one page, without a division. */
		ret = dma_vec_nvme_add_page(data, pool, gfp);
	else
		/* nents <= DMA_VEC_NVME_MAX_ENTRIES: no overflow in 64 bits. */
		ret = dma_vec_nvme_add_pages(data, pool,
					     DIV_ROUND_UP_ULL((u64)nents - 1,
							      per_page - 1),
					     gfp);
	if (unlikely(ret))
		dma_vec_nvme_free_data(data);
	return ret;
}

/*
 * Validate the controller, the input and the transfer size; report the
 * total length.  A range must end below 2^64: one that wraps would send the
 * controller to address 0, and one ending exactly at 2^64 has an end no
 * descriptor can hold.
 */
static int dma_vec_nvme_check(const struct dma_vec_nvme_ctrl *ctrl,
			      const struct dma_vec_drange *ranges,
			      unsigned int nr, u64 *len)
{
	u64 total = 0, end;
	unsigned int i;

	if (!nr || !ranges || !__dma_vec_nvme_ctrl_ok(ctrl))
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		if (!ranges[i].len ||
		    check_add_overflow(total, ranges[i].len, &total))
			return -EINVAL;
		if (check_add_overflow((u64)ranges[i].addr, ranges[i].len, &end))
			return -EOVERFLOW;
	}
	if (ctrl->max_transfer && total > ctrl->max_transfer)
		return -E2BIG;
	*len = total;
	return 0;
}

static void dma_vec_nvme_sgl_set(struct nvme_sgl_desc *d, u64 addr, u32 len,
				 u8 type)
{
	d->addr = cpu_to_le64(addr);
	d->length = cpu_to_le32(len);
	memset(d->rsvd, 0, sizeof(d->rsvd));
	d->type = type << 4;
}

/*
 * The PRP entries of controller pages @p to @last (page numbers): PRP2 when
 * the command takes two entries, else into the list, a page at a time; the
 * last slot of a page chains to the next page when more entries follow.
 */
static void dma_vec_nvme_rq_put_prps(struct dma_vec_nvme_rq *rq, u64 p,
				     u64 last)
{
	unsigned int shift = rq->ctrl->page_shift;

	if (rq->total == 2) {
		rq->dptr.prp2 = cpu_to_le64(p << shift);
		rq->nents++;
		return;
	}
	while (p <= last) {
		unsigned int room = dma_vec_nvme_rq_room(rq), n;

		if (!room) {
			((__le64 *)rq->list)[rq->slot] =
				cpu_to_le64(rq->data.pages[++rq->page].dma);
			rq->list = rq->data.pages[rq->page].va;
			rq->slot = 0;
			continue;
		}
		n = min_t(u64, room, last - p + 1);
		dma_vec_nvme_rq_fill(rq, p << shift, (u64)n << shift, shift);
		p += n;
	}
}

/*
 * The PRP entries of a command of @len bytes whose first byte is at DMA
 * address @addr: one per controller page it touches.  @len is at most
 * DMA_VEC_NVME_MAX_ENTRIES controller pages (checked at the start): no
 * overflow.
 */
static __always_inline u64 dma_vec_nvme_prp_total(u64 addr, u64 len,
						  unsigned int shift)
{
	u64 mask = (1ULL << shift) - 1;

	return ((addr & mask) + len + mask) >> shift;
}

/* The PRP list of a command of @total entries, of more than one page. */
static noinline int dma_vec_nvme_rq_list_pages(struct dma_vec_nvme_rq *rq,
					       unsigned int total)
{
	int ret;

	ret = dma_vec_nvme_alloc_pages(rq->ctrl, &rq->data, total - 1,
				       sizeof(__le64), rq->gfp);
	if (ret)
		return ret;
	rq->list = rq->data.pages[0].va;
	return 0;
}

/*
 * The PRP list of a command of @total entries, more than two, taken once
 * at its first range: inline in the general path, which is out of line
 * itself.  On failure nothing stays allocated.
 */
static __always_inline int __dma_vec_nvme_rq_list(struct dma_vec_nvme_rq *rq,
						  unsigned int total)
{
	const struct dma_vec_nvme_ctrl *ctrl = rq->ctrl;
	int ret;

	/*
	 * A list of one page, the common case, here; more pages, and the
	 * free on failure they need, out of line, so that this path saves
	 * no registers for them.  A first page that fails leaves nothing.
	 */
	if (unlikely(total - 1 > (1U << ctrl->page_shift) / sizeof(__le64)))
		return dma_vec_nvme_rq_list_pages(rq, total);
	ret = dma_vec_nvme_add_page(&rq->data,
				    dma_vec_nvme_pool(ctrl, total - 1,
						      sizeof(__le64)),
				    rq->gfp);
	if (ret)
		return ret;
	rq->list = rq->data.pages[0].va;
	return 0;
}

/*
 * As __dma_vec_nvme_rq_list(), for a peer run: out of line, so that the
 * run's loop keeps its registers.
 */
static noinline int dma_vec_nvme_rq_list(struct dma_vec_nvme_rq *rq,
					 unsigned int total)
{
	return __dma_vec_nvme_rq_list(rq, total);
}

/*
 * PRP entries for a mapped range.  The first range fixes how many entries
 * the whole command takes (every later boundary must be on a controller
 * page), so the list pages are allocated once, at the first range.
 */
static __always_inline int dma_vec_nvme_rq_prps(struct dma_vec_nvme_rq *rq,
						u64 addr, u64 len)
{
	unsigned int shift = rq->ctrl->page_shift;
	u64 page_mask = (1ULL << shift) - 1;
	u64 end, p, last;
	int ret;

	if (!rq->done) {
		u64 total = dma_vec_nvme_prp_total(addr, rq->len, shift);

		if (addr & 3)
			return -EINVAL;
		if (total > DMA_VEC_NVME_MAX_ENTRIES)
			return -E2BIG;
		if (total > 2) {
			ret = __dma_vec_nvme_rq_list(rq, total);
			if (ret)
				return ret;
		}
		rq->total = total;
		rq->dptr.prp1 = cpu_to_le64(addr);
		rq->nents = 1;
		p = (addr >> shift) + 1;
	} else {
		if ((addr & page_mask) || (rq->prev_end & page_mask))
			return -EINVAL;
		p = addr >> shift;
	}
	end = addr + len;
	last = (end - 1) >> shift;
	/* Cannot happen with the boundaries checked; never overrun a list. */
	if (last + 1 - p > rq->total - rq->nents)
		return -EINVAL;
	if (p <= last)
		dma_vec_nvme_rq_put_prps(rq, p, last);
	rq->prev_end = end;
	return 0;
}

/* One SGL data block; a segment page is added when the current one is full. */
static int dma_vec_nvme_rq_put_sgl(struct dma_vec_nvme_rq *rq, u64 addr,
				   u32 len)
{
	unsigned int per_page = (1U << rq->ctrl->page_shift) /
				sizeof(struct nvme_sgl_desc);
	struct nvme_sgl_desc *seg = rq->list;
	int ret;

	if (rq->nents >= DMA_VEC_NVME_MAX_ENTRIES)
		return -E2BIG;
	if (!rq->nents) {
		/* A single block goes inline. */
		dma_vec_nvme_sgl_set(&rq->dptr.sgl, addr, len,
				     NVME_SGL_FMT_DATA_DESC);
		rq->nents = 1;
		return 0;
	}
	if (rq->nents == 1) {
		ret = dma_vec_nvme_add_page(&rq->data, rq->ctrl->pool, rq->gfp);
		if (ret)
			return ret;
		rq->list = rq->data.pages[0].va;
		seg = rq->list;
		seg[0] = rq->dptr.sgl;
		rq->slot = 1;
		rq->link = &rq->dptr.sgl;
	} else if (rq->slot == per_page) {
		/* Full: its last block moves on, its slot links the next. */
		ret = dma_vec_nvme_add_page(&rq->data, rq->ctrl->pool, rq->gfp);
		if (ret)
			return ret;
		dma_vec_nvme_sgl_set(rq->link, rq->data.pages[rq->page].dma,
				     per_page * sizeof(*seg),
				     NVME_SGL_FMT_SEG_DESC);
		rq->link = &seg[per_page - 1];
		rq->list = rq->data.pages[++rq->page].va;
		((struct nvme_sgl_desc *)rq->list)[0] = *rq->link;
		seg = rq->list;
		rq->slot = 1;
	}
	dma_vec_nvme_sgl_set(&seg[rq->slot++], addr, len,
			     NVME_SGL_FMT_DATA_DESC);
	rq->nents++;
	return 0;
}

/*
 * SGL data blocks for a mapped range, cut below 4 GiB on dwords by
 * dma_vec_chunk_len(), the step of the constrained iterators, without an
 * iterator's state: a range of one block takes one step (the state would
 * be cleared on every call where stacks are initialised).  The caller
 * checked the range: it neither is empty nor wraps.
 */
static int dma_vec_nvme_rq_sgls(struct dma_vec_nvme_rq *rq, u64 addr,
				u64 len)
{
	do {
		u64 n = dma_vec_chunk_len(addr, len, &dma_vec_nvme_sgl_lim);
		int ret;

		if (rq->ctrl->sgls == DMA_VEC_NVME_SGLS_DWORD &&
		    ((addr | n) & 3))
			return -EINVAL;
		ret = dma_vec_nvme_rq_put_sgl(rq, addr, n);
		if (ret)
			return ret;
		addr += n;
		len -= n;
	} while (len);
	return 0;
}

/*
 * What the pieces of a run, or of the inline path, may take into the
 * current PRP list page (&dma_vec_nvme_rq.budget): the bytes not announced
 * yet and the bytes of the pages the list page takes.  Each piece written
 * takes its length from both, in pages from the second, which is the same
 * but for a piece ending inside a page: the next one then fails its
 * boundary check before anything else is written.  Set again whenever the
 * general path wrote something.
 */
static __always_inline void
dma_vec_nvme_rq_set_budget(struct dma_vec_nvme_rq *rq)
{
	rq->budget = rq->list && !rq->sgl ?
		     min(rq->len - rq->done, (u64)dma_vec_nvme_rq_room(rq) <<
						rq->ctrl->page_shift) : 0;
}

/*
 * Write the descriptors of a mapped DMA range.  A range may not wrap nor
 * end at 2^64 (see dma_vec_nvme_check()), nor go beyond the length
 * announced.
 */
static __always_inline int
dma_vec_nvme_rq_dma(struct dma_vec_nvme_rq *rq, u64 addr, u64 len)
{
	u64 end;
	int ret;

	if (!len)
		return -EINVAL;
	if (check_add_overflow(addr, len, &end))
		return -EOVERFLOW;
	if (len > rq->len - rq->done)
		return -EINVAL;
	if (rq->sgl)
		ret = dma_vec_nvme_rq_sgls(rq, addr, len);
	else
		ret = dma_vec_nvme_rq_prps(rq, addr, len);
	if (ret)
		return ret;
	rq->done += len;
	dma_vec_nvme_rq_set_budget(rq);
	return 0;
}

/*
 * Fill in what the first entries could not know: PRP2 as the second entry
 * or the list, the segment descriptor of the last SGL segment.
 */
static int dma_vec_nvme_rq_close(struct dma_vec_nvme_rq *rq,
				 union nvme_data_ptr *dptr)
{
	if (rq->done != rq->len)
		return -EINVAL;
	if (rq->sgl) {
		if (rq->nents > 1)
			dma_vec_nvme_sgl_set(rq->link,
					     rq->data.pages[rq->page].dma,
					     rq->slot * sizeof(struct nvme_sgl_desc),
					     NVME_SGL_FMT_LAST_SEG_DESC);
	} else if (rq->total == 1) {
		rq->dptr.prp2 = 0;
	} else if (rq->total > 2) {
		rq->dptr.prp2 = cpu_to_le64(rq->data.pages[0].dma);
	}
	rq->data.sgl = rq->sgl;
	*dptr = rq->dptr;
	return 0;
}

/*
 * Refuse a table of more SGL data blocks than a command may take before
 * building anything: a range is cut into blocks of max_seg bytes, except
 * that the first one ends on a dword when the range does not start on one.
 * One pass over the ranges, in 64 bits.
 */
static int dma_vec_nvme_count_sgls(const struct dma_vec_nvme_ctrl *ctrl,
				   const struct dma_vec_drange *ranges,
				   unsigned int nr)
{
	const u64 max_seg = dma_vec_nvme_sgl_lim.max_seg;
	u64 n = 0;
	unsigned int i;

	for (i = 0; i < nr; i++) {
		u64 addr = ranges[i].addr, len = ranges[i].len, first;

		if (ctrl->sgls == DMA_VEC_NVME_SGLS_DWORD && ((addr | len) & 3))
			return -EINVAL;
		first = len <= max_seg ? len : max_seg - (addr & 3);
		n += 1 + DIV_ROUND_UP_ULL(len - first, max_seg);
		if (n > DMA_VEC_NVME_MAX_ENTRIES)
			return -E2BIG;
	}
	return 0;
}

/*
 * Build from mapped DMA ranges with the one-pass builder; on success the
 * descriptor pages move to @data.
 */
static int dma_vec_nvme_build(const struct dma_vec_nvme_ctrl *ctrl,
			      const struct dma_vec_drange *ranges,
			      unsigned int nr, bool sgl, u64 len,
			      union nvme_data_ptr *dptr,
			      struct dma_vec_nvme_data *data, gfp_t gfp)
{
	struct dma_vec_nvme_rq rq;
	unsigned int i;
	int ret;

	ret = __dma_vec_nvme_rq_init(&rq, ctrl, sgl, len, gfp);
	if (!ret && sgl)
		ret = dma_vec_nvme_count_sgls(ctrl, ranges, nr);
	for (i = 0; !ret && i < nr; i++)
		ret = dma_vec_nvme_rq_dma(&rq, ranges[i].addr, ranges[i].len);
	if (!ret)
		ret = dma_vec_nvme_rq_close(&rq, dptr);
	if (ret) {
		dma_vec_nvme_free_data(&rq.data);
		return ret;
	}
	*data = rq.data;
	if (rq.data.pages == rq.data.inl)
		data->pages = data->inl;
	return 0;
}

/**
 * dma_vec_nvme_setup_prps - build a PRP data pointer from DMA ranges
 * @ctrl: the controller
 * @ranges: mapped DMA ranges of the transfer, in order
 * @nr: number of ranges
 * @dptr: the command's data pointer to fill in
 * @data: descriptor pages of the command, for dma_vec_nvme_free_data()
 * @gfp: allocation flags for the PRP list pages
 *
 * PRP1 takes the first page (it may start at a dword-aligned offset), PRP2
 * the second page or a PRP list; list pages chain through their last entry.
 *
 * Context: Any context allowed by @gfp.
 * Return: 0 on success; -EINVAL if PRPs cannot express the layout (a gap or
 * a misaligned boundary inside the transfer), the input is invalid, or
 * @ctrl has no pool or a pool with blocks smaller than a controller page;
 * -EOVERFLOW if a range wraps past or ends at the top of the 64-bit DMA
 * address space; -E2BIG if the transfer exceeds @ctrl->max_transfer or
 * needs more than DMA_VEC_NVME_MAX_ENTRIES entries; -ENOMEM.  On error
 * @dptr and @data are untouched and nothing is allocated.
 */
int dma_vec_nvme_setup_prps(const struct dma_vec_nvme_ctrl *ctrl,
			    const struct dma_vec_drange *ranges,
			    unsigned int nr, union nvme_data_ptr *dptr,
			    struct dma_vec_nvme_data *data, gfp_t gfp)
{
	u64 len;
	int ret;

	ret = dma_vec_nvme_check(ctrl, ranges, nr, &len);
	if (ret)
		return ret;
	return dma_vec_nvme_build(ctrl, ranges, nr, false, len, dptr, data,
				  gfp);
}
EXPORT_SYMBOL_IF_KUNIT(dma_vec_nvme_setup_prps);

/**
 * dma_vec_nvme_setup_sgls - build an SGL data pointer from DMA ranges
 * @ctrl: the controller; @ctrl->sgls must announce SGL support
 * @ranges: mapped DMA ranges of the transfer, in order
 * @nr: number of ranges
 * @dptr: the command's data pointer to fill in
 * @data: descriptor pages of the command, for dma_vec_nvme_free_data()
 * @gfp: allocation flags for the segment pages
 *
 * One data block descriptor per DMA range (split below 4 GiB).  A single
 * descriptor goes inline; more go to segments of one page each, chained by
 * a segment descriptor in the last slot, the final one announced as the
 * last segment.  Unlike nvme-pci there is no limit of one segment.  The
 * caller sets NVME_CMD_SGL_METABUF in the command flags.
 *
 * Context: Any context allowed by @gfp.
 * Return: 0 on success; -EOPNOTSUPP if the controller has no SGL support;
 * -EINVAL for invalid input (as for dma_vec_nvme_setup_prps()) or, on a
 * controller requiring dword alignment, a misaligned data block;
 * -EOVERFLOW if a range wraps past or ends at the top of the 64-bit DMA
 * address space; -E2BIG if the transfer exceeds @ctrl->max_transfer or
 * needs more than DMA_VEC_NVME_MAX_ENTRIES data blocks; -ENOMEM.  On error
 * @dptr and @data are untouched and nothing is allocated.
 */
int dma_vec_nvme_setup_sgls(const struct dma_vec_nvme_ctrl *ctrl,
			    const struct dma_vec_drange *ranges,
			    unsigned int nr, union nvme_data_ptr *dptr,
			    struct dma_vec_nvme_data *data, gfp_t gfp)
{
	u64 len;
	int ret;

	if (!__dma_vec_nvme_sgl_ok(ctrl))
		return -EOPNOTSUPP;
	ret = dma_vec_nvme_check(ctrl, ranges, nr, &len);
	if (ret)
		return ret;
	return dma_vec_nvme_build(ctrl, ranges, nr, true, len, dptr, data,
				  gfp);
}
EXPORT_SYMBOL_IF_KUNIT(dma_vec_nvme_setup_sgls);

/**
 * dma_vec_nvme_setup_data - build the data pointer as nvme-pci would choose
 * @ctrl: the controller
 * @ranges: mapped DMA ranges of the transfer, in order
 * @nr: number of ranges
 * @dptr: the command's data pointer to fill in
 * @data: descriptor pages of the command; @data->sgl tells which was built
 * @gfp: allocation flags
 *
 * SGLs when the controller supports them and either the average range is
 * at least @ctrl->sgl_threshold bytes (the nvme-pci rule) or PRPs cannot
 * express the layout; PRPs otherwise, and also when the controller's SGLs
 * need a dword alignment the layout lacks.
 *
 * Context: Any context allowed by @gfp.
 * Return: as dma_vec_nvme_setup_prps() or dma_vec_nvme_setup_sgls().
 */
int dma_vec_nvme_setup_data(const struct dma_vec_nvme_ctrl *ctrl,
			    const struct dma_vec_drange *ranges,
			    unsigned int nr, union nvme_data_ptr *dptr,
			    struct dma_vec_nvme_data *data, gfp_t gfp)
{
	bool sgl_ok = __dma_vec_nvme_sgl_ok(ctrl);
	u64 len;
	int ret;

	ret = dma_vec_nvme_check(ctrl, ranges, nr, &len);
	if (ret)
		return ret;
	if (sgl_ok && ctrl->sgl_threshold &&
	    DIV_ROUND_UP_ULL(len, nr) >= ctrl->sgl_threshold) {
		ret = dma_vec_nvme_build(ctrl, ranges, nr, true, len, dptr,
					 data, gfp);
		/* Not dword aligned for the controller's SGLs: try PRPs. */
		if (ret != -EINVAL)
			return ret;
		sgl_ok = false;
	}
	ret = dma_vec_nvme_build(ctrl, ranges, nr, false, len, dptr, data,
				 gfp);
	/* A layout PRPs cannot express. */
	if (ret == -EINVAL && sgl_ok)
		return dma_vec_nvme_build(ctrl, ranges, nr, true, len, dptr,
					  data, gfp);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(dma_vec_nvme_setup_data);

/**
 * dma_vec_nvme_free_data - release the descriptor pages of a command
 * @data: filled in by one of the dma_vec_nvme_setup_*() functions
 *
 * Leaves @data empty; releasing an empty @data does nothing.
 *
 * Context: Any context.
 */
void dma_vec_nvme_free_data(struct dma_vec_nvme_data *data)
{
	dma_vec_nvme_data_release(data);
	memset(data, 0, sizeof(*data));
}
EXPORT_SYMBOL_IF_KUNIT(dma_vec_nvme_free_data);

/**
 * __dma_vec_nvme_rq_flush - map the pending range of a command, out of line
 * @rq: the command
 *
 * Maps the pending physical range and writes its descriptors: whatever
 * the inline path of dma_vec_nvme_rq_add() leaves (the first range, SGLs,
 * pieces mapped out of line, a list page to chain, every error).
 *
 * Context: As dma_vec_nvme_rq_add().
 * Return: As dma_vec_nvme_rq_add().
 */
int __dma_vec_nvme_rq_flush(struct dma_vec_nvme_rq *rq)
{
	struct dma_vec_drange d;
	int ret;

	while (rq->plen) {
		ret = dma_vec_io_map(&rq->io, rq->paddr, rq->plen, rq->pprov,
				     &d, rq->gfp);
		if (ret)
			return ret;
		ret = dma_vec_nvme_rq_dma(rq, d.addr, d.len);
		if (ret)
			return ret;
		rq->paddr += d.len;
		rq->plen -= d.len;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(__dma_vec_nvme_rq_flush);

/* fn(args...): the first argument is the function. */
#define __dma_vec_nvme_call(fn, ...)	fn(__VA_ARGS__)

/*
 * dma_vec_nvme_by_shift(shift, fn, args...) calls fn(args..., shift), with
 * the controller page shift a constant for nvme-pci's 4 KiB pages, so that
 * the compiler folds it in that instance.
 */
#define dma_vec_nvme_by_shift(shift, ...)				\
({									\
	unsigned int __shift = (shift);					\
									\
	likely(__shift == 12) ? __dma_vec_nvme_call(__VA_ARGS__, 12) :	\
				__dma_vec_nvme_call(__VA_ARGS__, __shift); \
})

/*
 * Peer ranges of @prov, which @rq->io reaches at its bus address, written
 * into the current PRP list page in one loop with the command's state in
 * locals: as dma_vec_nvme_rq_add() of each range in turn would, merging,
 * checking and writing the same entries, but without the state going
 * through memory at every range.  Stops before a range it leaves to
 * dma_vec_nvme_rq_add(): an empty or wrapping one, or one before which the
 * pending range cannot be written here (outside the window, beyond the
 * announced length, not fitting the list page, a misaligned boundary), so
 * that every error comes from the general path, at the same range.
 *
 * What holds for the whole window is checked once: the window ends without
 * wrapping, its bus addresses end below 2^64 (so no piece inside ends at
 * or past it, and dma_vec_nvme_put_prps() never steps past it), and @prov
 * is not revoked.  The run reads the revocation once, as one mapping call: a
 * revoke concurrent with the call may order after it.  Otherwise the run
 * takes nothing.
 *
 * A command with no list yet (nothing written or pending) takes its first
 * range here when it is peer memory of @prov that starts a list request:
 * the entry count from its first bus address, the list allocated, PRP1
 * written and the rest of the range pending, as the general path does at
 * a first range.  A first range it leaves (one the general path refuses,
 * one ending inside its first page, which a range continuing it must
 * share an entry with, or a command of at most two entries) is left to
 * the general path, untouched.
 *
 * With @table, @r is a run of a dma_vec table: dma_vec_append() refused
 * every range that is empty, wraps, or leaves @prov's window, so the loop
 * does not check them again (only a pending range it did not take from
 * @r is checked, once).  The checks left are those of the command.
 *
 * The caller checked that @rq builds PRPs, its list is set up or it holds
 * nothing yet, @rq->io reaches @prov at its bus address, and the pending
 * range, if any, is @prov's.  @shift is the controller page shift, a
 * constant where the compiler can see it.  Returns 0 or -ENOMEM (the list
 * allocation), with *@taken the number of ranges taken.
 */
static __always_inline int
__dma_vec_nvme_rq_bus_run(struct dma_vec_nvme_rq *rq,
			  const struct dma_vec_prange *r, unsigned int nr,
			  struct dma_vec_provider *prov, unsigned int *taken,
			  bool table, unsigned int shift)
{
	const struct dma_vec_prange *at = r, *stop = r + nr;
	u64 step = 1ULL << shift, off = prov->bus_offset;
	u64 lo = prov->base, hi, end, plen, budget, budget0, prev_end;
	u64 paddr, pend;
	__le64 *slot;
	int ret;

	*taken = 0;
	if (check_add_overflow(lo, prov->size, &hi) ||
	    check_add_overflow(lo + off, prov->size, &end) ||
	    READ_ONCE(prov->__p2p.revoked))
		return 0;
	if (!rq->list) {
		/* A fresh command: its first range sets up the list. */
		u64 p = at->paddr, len = at->len, addr, first;
		unsigned int room;
		u64 total;

		if (table)
			end = p + len;
		else if (!len || check_add_overflow(p, len, &end) ||
			 p < lo || end > hi)
			return 0;
		if (len > rq->len)
			return 0;
		addr = p + off;
		first = step - (addr & (step - 1));
		total = dma_vec_nvme_prp_total(addr, rq->len, shift);
		if ((addr & 3) || len < first || total <= 2 ||
		    total > DMA_VEC_NVME_MAX_ENTRIES)
			return 0;
		ret = dma_vec_nvme_rq_list(rq, total);
		if (ret)
			return ret;
		rq->total = total;
		rq->dptr.prp1 = cpu_to_le64(addr);
		rq->nents = 1;
		rq->done = first;
		/*
		 * As dma_vec_nvme_rq_set_budget() for the first slot of the
		 * list: a page of entries, less the link when more follow.
		 */
		room = step / sizeof(__le64);
		if (total - 1 > room)
			room--;
		budget = min(rq->len - first, (u64)room << shift);
		slot = rq->list;
		prev_end = addr + first;
		/* The rest of the range is pending: [paddr, pend). */
		paddr = p + first;
		pend = end;
		at++;
	} else {
		slot = (__le64 *)rq->list + rq->slot;
		budget = rq->budget;
		prev_end = rq->prev_end;
		/* The pending range is [paddr, pend). */
		paddr = rq->paddr;
		pend = paddr + rq->plen;
		/* A range the general path left pending is unchecked. */
		if (table && paddr != pend && (paddr < lo || pend > hi))
			return 0;
	}
	budget0 = budget;
	if (paddr == pend && at < stop) {
		/* Nothing pending: the first range is. */
		if (table)
			end = at->paddr + at->len;
		else if (!at->len ||
			 check_add_overflow((u64)at->paddr, at->len, &end))
			return 0;
		paddr = at->paddr;
		pend = end;
		at++;
	}
	for (; at < stop; at++) {
		u64 p = at->paddr, len = at->len, addr;

		if (table)
			end = p + len;
		else if (!len || check_add_overflow(p, len, &end))
			break;
		if (p == pend) {
			pend = end;
			continue;
		}
		/*
		 * The checks of the inline path: the pending range fits, lies
		 * in the window, and its boundaries with the ranges around it
		 * fall on controller pages.
		 */
		plen = pend - paddr;
		if (plen > budget || (!table && (paddr < lo || pend > hi)))
			break;
		addr = paddr + off;
		if ((addr | prev_end) & (step - 1))
			break;
		budget -= plen;
		prev_end = addr + plen;
		slot = dma_vec_nvme_put_prps(slot, addr, plen, shift);
		paddr = p;
		pend = end;
	}
	/*
	 * A pending range that completes the announced length is written
	 * too, with the same checks: whatever follows it is refused anyway,
	 * and dma_vec_nvme_rq_finish() then has nothing left to map.
	 */
	plen = pend - paddr;
	if (at == stop && plen && plen <= budget &&
	    plen == rq->len - rq->done - (budget0 - budget) &&
	    (table || (paddr >= lo && pend <= hi)) &&
	    !(((paddr + off) | prev_end) & (step - 1))) {
		budget -= plen;
		prev_end = paddr + off + plen;
		slot = dma_vec_nvme_put_prps(slot, paddr + off, plen, shift);
		paddr = pend;
	}
	dma_vec_nvme_rq_set_slot(rq, slot);
	rq->done += budget0 - budget;
	rq->budget = budget;
	rq->prev_end = prev_end;
	rq->paddr = paddr;
	rq->plen = pend - paddr;
	rq->pprov = prov;
	*taken = at - r;
	return 0;
}

/* As __dma_vec_nvme_rq_bus_run(), for the controller's page size. */
static int dma_vec_nvme_rq_bus_run(struct dma_vec_nvme_rq *rq,
				   const struct dma_vec_prange *r,
				   unsigned int nr, struct dma_vec_provider *prov,
				   unsigned int *taken)
{
	return dma_vec_nvme_by_shift(rq->ctrl->page_shift,
				     __dma_vec_nvme_rq_bus_run, rq, r, nr, prov,
				     taken, false);
}

/* Host pieces mapped with one call, between two PRP-writing passes. */
#define DMA_VEC_NVME_HOST_BATCH	16
/*
 * Fewer host ranges than this go range by range, through the inline path
 * of dma_vec_io_map(): for them a batch's calls cost more than they save.
 */
#define DMA_VEC_NVME_HOST_MIN	8

/*
 * Map a batch of host pieces of @rq with one __dma_vec_io_map_host() call
 * and write their PRP entries into the current list page, with the checks
 * dma_vec_nvme_rq_prp_fast() makes of a mapped piece.  The caller checked
 * that the pieces are not empty, do not wrap, and fit the announced length
 * and a mapping whole, and that they fit the list page if each piece but
 * the last written ends on a controller page (one that does not fails the
 * boundary check of the next).  @shift is the controller page shift, a
 * constant where the compiler can see it.  Returns 0, or the error of the
 * first piece refused; the pieces before it are written.
 */
static __always_inline int
__dma_vec_nvme_rq_host_put(struct dma_vec_nvme_rq *rq,
			   const struct dma_vec_prange *b, unsigned int nb,
			   unsigned int shift)
{
	u64 step = 1ULL << shift, done = rq->done, prev_end = rq->prev_end;
	__le64 *slot = (__le64 *)rq->list + rq->slot;
	struct dma_vec_drange d[DMA_VEC_NVME_HOST_BATCH] __uninitialized;
	unsigned int n, k;
	int ret;

	/* dma_vec_nvme_rq_host_run() made dma_vec_io_map_host()'s checks. */
	ret = __dma_vec_io_map_host(&rq->io, b, d, nb, rq->gfp, &n);
	for (k = 0; k < n; k++) {
		u64 addr = d[k].addr, len = d[k].len, end;

		if (check_add_overflow(addr, len, &end)) {
			ret = -EOVERFLOW;
			break;
		}
		if ((addr | prev_end) & (step - 1)) {
			ret = -EINVAL;
			break;
		}
		slot = dma_vec_nvme_put_prps(slot, addr, len, shift);
		done += len;
		prev_end = end;
	}
	dma_vec_nvme_rq_set_slot(rq, slot);
	rq->done = done;
	rq->prev_end = prev_end;
	return ret;
}

/*
 * As __dma_vec_nvme_rq_host_put(), for the controller's page size; out of
 * line, as each run calls it from two places.
 */
static noinline int dma_vec_nvme_rq_host_put(struct dma_vec_nvme_rq *rq,
					     const struct dma_vec_prange *b,
					     unsigned int nb)
{
	return dma_vec_nvme_by_shift(rq->ctrl->page_shift,
				     __dma_vec_nvme_rq_host_put, rq, b, nb);
}

/*
 * Host ranges written into the current PRP list page, as
 * dma_vec_nvme_rq_bus_run() writes peer ranges: merged and checked as
 * dma_vec_nvme_rq_add() of each range in turn would, then mapped a batch
 * of pieces at a time with one call (which records what needs unmapping)
 * and written by __dma_vec_nvme_rq_host_put().  Stops before a range it
 * leaves to dma_vec_nvme_rq_add(), for the same reasons as the peer loop
 * and before a piece longer than one mapping; a mapping error, or a mapped
 * piece PRPs cannot express, ends it as dma_vec_nvme_rq_prp_fast() would.
 * The caller checked that @rq builds PRPs, its list is set up, and the
 * pending range, if any, is host memory.  @shift is as for
 * __dma_vec_nvme_rq_host_put().  *@taken is the number of ranges taken.
 */
static __always_inline int
__dma_vec_nvme_rq_host_run(struct dma_vec_nvme_rq *rq,
			   const struct dma_vec_prange *r, unsigned int nr,
			   unsigned int *taken, unsigned int shift)
{
	struct dma_vec_prange b[DMA_VEC_NVME_HOST_BATCH] __uninitialized;
	const struct dma_vec_prange *at = r, *stop = r + nr;
	u64 max_map = rq->io.max_map;
	u64 budget = rq->budget;
	/* No piece can be longer than one mapping unless the command is. */
	bool cut = rq->len > max_map - (PAGE_SIZE - 1);
	/* The pending range is [paddr, pend). */
	u64 paddr = rq->paddr, pend = paddr + rq->plen;
	unsigned int nb = 0;
	int ret = 0;

	for (; at < stop; at++) {
		u64 p = at->paddr, len = at->len, end, plen;

		/* Past PHYS_ADDR_MAX is a wrap for a 32-bit phys_addr_t. */
		if (!len || check_add_overflow(p, len, &end) ||
		    end - 1 > PHYS_ADDR_MAX)
			break;
		if (p == pend) {
			pend = end;
			continue;
		}
		plen = pend - paddr;
		if (plen) {
			/* The checks of the inline path, in the same order. */
			if (plen > budget ||
			    (cut && plen > max_map - offset_in_page(paddr)))
				break;
			budget -= plen;
			b[nb].paddr = paddr;
			b[nb].len = plen;
			if (++nb == DMA_VEC_NVME_HOST_BATCH) {
				ret = dma_vec_nvme_rq_host_put(rq, b, nb);
				nb = 0;
				if (ret)
					break;
			}
		}
		paddr = p;
		pend = end;
	}
	if (nb)
		ret = dma_vec_nvme_rq_host_put(rq, b, nb);
	/* Each piece written took its length, as on the inline path. */
	rq->budget = budget;
	rq->paddr = paddr;
	rq->plen = pend - paddr;
	rq->pprov = NULL;
	*taken = at - r;
	return ret;
}

/* As __dma_vec_nvme_rq_host_run(), for the controller's page size. */
static int dma_vec_nvme_rq_host_run(struct dma_vec_nvme_rq *rq,
				    const struct dma_vec_prange *r,
				    unsigned int nr, unsigned int *taken)
{
	return dma_vec_nvme_by_shift(rq->ctrl->page_shift,
				     __dma_vec_nvme_rq_host_run, rq, r, nr,
				     taken);
}

/*
 * Whether the loops may take ranges of @prov into @rq: they write PRPs
 * into a list, with nothing or a range of @prov pending; a peer run also
 * starts a command that holds nothing yet and is longer than a controller
 * page (a shorter one takes no list).
 */
static __always_inline bool
dma_vec_nvme_rq_loop_ok(const struct dma_vec_nvme_rq *rq,
			const struct dma_vec_provider *prov)
{
	return !rq->sgl &&
	       (rq->list ? !rq->plen || rq->pprov == prov :
			   !rq->done && !rq->plen &&
			   (rq->len - 1) >> rq->ctrl->page_shift);
}

/**
 * dma_vec_nvme_rq_add_ranges - add physical ranges of one owner to a command
 * @rq: the command, started with dma_vec_nvme_rq_start()
 * @ranges: the ranges, in transfer order
 * @nr: number of ranges
 * @prov: the provider whose window holds them, or NULL for host memory
 *
 * As dma_vec_nvme_rq_add() of each range in turn.  Once a PRP command's
 * list is set up, the ranges go into it in one loop, with no state
 * through memory per range: peer ranges reached at their bus address with
 * no call (the pageless path of a run of a table), host ranges mapped
 * sixteen pieces per __dma_vec_io_map_host() call.  A peer run reads
 * @prov's revocation once, as one mapping: a revoke concurrent with the
 * call may order after it, one that returned before it does not.
 * The first range of a command of peer memory sets up the PRP list in
 * the same loop, without the general path.  As with dma_vec_nvme_rq_add(),
 * the last range is left pending (copied), unless a peer run writes it
 * because it completes the announced length: @ranges may change once the
 * call returned.
 *
 * Context: As dma_vec_nvme_rq_add().
 * Return: As dma_vec_nvme_rq_add(), for the first range refused; the
 * ranges before it were added.  A peer run allocates the PRP list at its
 * first range, where range by range the list is allocated when the next
 * range arrives: if that allocation fails the call returns -ENOMEM even
 * for a command a later range would have made invalid.
 */
int dma_vec_nvme_rq_add_ranges(struct dma_vec_nvme_rq *rq,
			       const struct dma_vec_prange *ranges,
			       unsigned int nr, struct dma_vec_provider *prov)
{
	unsigned int i = 0, n;
	int ret;

	while (i < nr) {
		if (dma_vec_nvme_rq_loop_ok(rq, prov)) {
			if (prov && __dma_vec_io_bus_addr(&rq->io, prov)) {
				ret = dma_vec_nvme_rq_bus_run(rq, ranges + i,
							      nr - i, prov,
							      &n);
				if (ret)
					return ret;
				i += n;
			} else if (!prov && rq->list &&
				   nr - i >= DMA_VEC_NVME_HOST_MIN) {
				ret = dma_vec_nvme_rq_host_run(rq, ranges + i,
							       nr - i, &n);
				if (ret)
					return ret;
				i += n;
			}
			if (i == nr)
				break;
		}
		ret = dma_vec_nvme_rq_add(rq, ranges[i].paddr, ranges[i].len,
					  prov);
		if (ret)
			return ret;
		i++;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(dma_vec_nvme_rq_add_ranges);

/* dma_vec_nvme_rq_add() of one range, out of line. */
static noinline int dma_vec_nvme_rq_add_one(struct dma_vec_nvme_rq *rq,
					    const struct dma_vec_prange *r,
					    struct dma_vec_provider *prov)
{
	return dma_vec_nvme_rq_add(rq, r->paddr, r->len, prov);
}

/*
 * As dma_vec_nvme_rq_bus_run(), for a run of a table: without the checks
 * dma_vec_append() made of each range.
 */
static noinline int dma_vec_nvme_rq_table_run(struct dma_vec_nvme_rq *rq,
					      const struct dma_vec_prange *r,
					      unsigned int nr,
					      struct dma_vec_provider *prov,
					      unsigned int *taken)
{
	return dma_vec_nvme_by_shift(rq->ctrl->page_shift,
				     __dma_vec_nvme_rq_bus_run, rq, r, nr, prov,
				     taken, true);
}

/*
 * The @nr ranges of one run of a table, all @prov's, as
 * dma_vec_nvme_rq_add_ranges(): a peer run the loop may take goes
 * through dma_vec_nvme_rq_table_run() first, and what that leaves to
 * dma_vec_nvme_rq_add_ranges().
 */
static __always_inline int
dma_vec_nvme_rq_add_run(struct dma_vec_nvme_rq *rq,
			const struct dma_vec_prange *r, unsigned int nr,
			struct dma_vec_provider *prov)
{
	if (prov && dma_vec_nvme_rq_loop_ok(rq, prov) &&
	    __dma_vec_io_bus_addr(&rq->io, prov)) {
		unsigned int n;
		int ret = dma_vec_nvme_rq_table_run(rq, r, nr, prov, &n);

		if (ret || n == nr)
			return ret;
		r += n;
		nr -= n;
	} else if (nr == 1) {
		/* One range no loop takes (one page, host, an IOMMU): pending. */
		return dma_vec_nvme_rq_add_one(rq, r, prov);
	}
	return dma_vec_nvme_rq_add_ranges(rq, r, nr, prov);
}

/*
 * Every run of @tbl, a table of several owners, in turn; out of line, so
 * that the one-owner case of dma_vec_nvme_rq_add_table() saves no
 * registers.
 */
static noinline int dma_vec_nvme_rq_add_runs(struct dma_vec_nvme_rq *rq,
					     const struct dma_vec_table *tbl)
{
	unsigned int run;
	int ret;

	for (run = 0; run < tbl->nr_runs; run++) {
		const struct dma_vec_run *rn = dma_vec_run(tbl, run);

		ret = dma_vec_nvme_rq_add_run(rq, tbl->ranges + rn->first,
					      dma_vec_run_end(tbl, run) -
					      rn->first, rn->provider);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * dma_vec_nvme_rq_add_table - add the ranges of a table to a command
 * @rq: the command, started with dma_vec_nvme_rq_start()
 * @tbl: the table, built by dma_vec_append(); it must not change during
 *	the call, and may once the call returned
 *
 * Every run of @tbl as dma_vec_nvme_rq_add_ranges() adds it: memory
 * without struct pages (a passthrough command on a BAR exported by
 * p2p_map) goes from the table into the PRP list or SGL, one loop per run
 * of a provider.  A peer run reached at its bus address is written
 * without checking each range again for what dma_vec_append() refused
 * (empty, wrapping, outside the provider's window).
 *
 * Context: As dma_vec_nvme_rq_add().
 * Return: As dma_vec_nvme_rq_add(), for the first range refused; -EINVAL
 * for an empty table.
 */
int dma_vec_nvme_rq_add_table(struct dma_vec_nvme_rq *rq,
			      const struct dma_vec_table *tbl)
{
	if (!tbl->nr)
		return -EINVAL;
	/* A table of one owner, the common case: a tail call. */
	if (tbl->nr_runs == 1)
		return dma_vec_nvme_rq_add_run(rq, tbl->ranges, tbl->nr,
					       dma_vec_run(tbl, 0)->provider);
	return dma_vec_nvme_rq_add_runs(rq, tbl);
}
EXPORT_SYMBOL_IF_KUNIT(dma_vec_nvme_rq_add_table);

/**
 * __dma_vec_nvme_rq_finish - complete the data pointer of a command, out of line
 * @rq: the command, its ranges added
 * @d: the start of the pending range, already mapped by
 *	dma_vec_nvme_rq_finish() but not written, or NULL
 * @dptr: the command's data pointer, written on success
 *
 * What dma_vec_nvme_rq_finish() leaves: writes @d, maps and writes the
 * rest of the pending range, and fills in PRP2 or the last segment
 * descriptor.
 *
 * Context: As dma_vec_nvme_rq_add().
 * Return: As dma_vec_nvme_rq_finish().
 */
int __dma_vec_nvme_rq_finish(struct dma_vec_nvme_rq *rq,
			     const struct dma_vec_drange *d,
			     union nvme_data_ptr *dptr)
{
	int ret;

	if (d) {
		ret = dma_vec_nvme_rq_dma(rq, d->addr, d->len);
		if (ret)
			return ret;
		rq->paddr += d->len;
		rq->plen -= d->len;
	}
	ret = dma_vec_nvme_rq_flush(rq);
	return ret ? ret : dma_vec_nvme_rq_close(rq, dptr);
}
EXPORT_SYMBOL_IF_KUNIT(__dma_vec_nvme_rq_finish);

/**
 * __dma_vec_nvme_rq_end - release what a command's data pointer holds, out of line
 * @rq: the command, started with dma_vec_nvme_rq_start()
 *
 * What dma_vec_nvme_rq_end() does for a command that holds something.
 *
 * Context: As dma_vec_nvme_rq_end().
 */
void __dma_vec_nvme_rq_end(struct dma_vec_nvme_rq *rq)
{
	/* Empty, as rq_init() leaves it; the inline room need not be clear. */
	dma_vec_nvme_data_release(&rq->data);
	__dma_vec_nvme_data_init(&rq->data);
	dma_vec_io_end(&rq->io);
	rq->plen = 0;
}
EXPORT_SYMBOL_IF_KUNIT(__dma_vec_nvme_rq_end);
