/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NVMe data pointers (PRP lists and SGLs) built straight from DMA ranges,
 * with no scatterlist and no per-page array.
 */
#ifndef _NVME_DMA_VEC_NVME_H
#define _NVME_DMA_VEC_NVME_H

#include <linux/dma-direction.h>
#include <linux/dma_vec.h>
#include <linux/dma_vec_p2p.h>
#include <linux/nvme.h>
#include <linux/overflow.h>
#include <linux/types.h>

struct dma_pool;

/* Identify Controller SGLS bits 1:0. */
#define DMA_VEC_NVME_SGLS	1	/* SGLs supported */
#define DMA_VEC_NVME_SGLS_DWORD	2	/* ... with dword alignment */

/*
 * Most PRP entries or SGL data blocks one command may take: 4 GiB in 4 KiB
 * pages (nvme-pci caps a request at 8 MiB).  Keeps descriptor page counts
 * and sizes far from overflow when no MDTS limits the transfer.
 */
#define DMA_VEC_NVME_MAX_ENTRIES	0x100000U

/* Block size of &dma_vec_nvme_ctrl.small_pool, as nvme-pci's small pool. */
#define DMA_VEC_NVME_SMALL_BLOCK	256U

/* Descriptor pages a command holds without allocating an array for them. */
#define DMA_VEC_NVME_INLINE_PAGES	5U

/**
 * struct dma_vec_nvme_ctrl - what the NVMe builders need of a controller
 * @pool: dma_pool of descriptor pages (PRP lists, SGL segments), each
 *	(1 << @page_shift) bytes and aligned to that size
 * @small_pool: dma_pool of DMA_VEC_NVME_SMALL_BLOCK-byte blocks, aligned to
 *	that size, for PRP lists that fit one, or NULL to always use @pool
 * @pool_block: size of the blocks of @pool, as given to dma_pool_create()
 *	(a dma_pool cannot be asked for it); at least 1 << @page_shift, or
 *	the builders refuse the controller
 * @max_transfer: largest transfer in bytes (MDTS), 0 for no limit
 * @max_map: dma_max_mapping_size() of the controller's device, read when it
 *	was set up, 0 for no limit (dma_vec_nvme_rq_*() only)
 * @page_shift: controller memory page size, 12 + CC.MPS
 * @sgls: Identify Controller SGLS bits 1:0: 0 (no SGLs),
 *	DMA_VEC_NVME_SGLS or DMA_VEC_NVME_SGLS_DWORD
 * @sgl_threshold: average DMA range size from which SGLs are preferred
 *	(nvme-pci's sgl_threshold), 0 to prefer PRPs
 */
struct dma_vec_nvme_ctrl {
	struct dma_pool *pool;
	struct dma_pool *small_pool;
	size_t pool_block;
	u64 max_transfer;
	u64 max_map;
	unsigned int page_shift;
	unsigned int sgls;
	unsigned int sgl_threshold;
};

/**
 * struct dma_vec_nvme_page - one descriptor page
 * @va: CPU address
 * @dma: DMA address
 */
struct dma_vec_nvme_page {
	void *va;
	dma_addr_t dma;
};

/**
 * struct dma_vec_nvme_data - descriptor pages of one NVMe command
 * @pool: where the pages come from
 * @pages: the PRP list pages or SGL segments, in chain order: @inl, or an
 *	allocated array
 * @nr_pages: number of pages
 * @cap_pages: capacity of @pages
 * @sgl: the data pointer holds an SGL (set NVME_CMD_SGL_METABUF)
 * @inl: room for the first DMA_VEC_NVME_INLINE_PAGES pages
 *
 * Points into itself: never copy a struct dma_vec_nvme_data that holds
 * pages.
 */
struct dma_vec_nvme_data {
	struct dma_pool *pool;
	struct dma_vec_nvme_page *pages;
	unsigned int nr_pages;
	unsigned int cap_pages;
	bool sgl;
	struct dma_vec_nvme_page inl[DMA_VEC_NVME_INLINE_PAGES];
};

/**
 * struct dma_vec_nvme_rq - the data pointer of one command, built in one pass
 * @ctrl: the controller
 * @io: the mapping of the command's memory
 * @data: the descriptor pages
 * @dptr: the data pointer being built
 * @link: SGL: the descriptor that names the current segment
 * @list: the current descriptor page
 * @paddr: start of the physical range not mapped yet
 * @plen: its length, 0 for none
 * @pprov: its provider
 * @len: bytes the command transfers, announced at the start
 * @done: bytes in descriptors so far
 * @prev_end: DMA address just past the last range added
 * @budget: PRP: bytes the inline path may still write into the current
 *	list page (the bytes not announced yet, at most those of the pages
 *	the page takes); 0 while it may not (no list, an SGL)
 * @nents: entries written so far (PRP: PRP1 included; SGL: data blocks)
 * @total: PRP: entries the command takes, known from the first address
 * @slot: next free slot of @list
 * @page: index of @list in @data.pages
 * @gfp: allocation flags for descriptor pages and mapping records
 * @sgl: building an SGL; a PRP list otherwise
 *
 * The per-I/O path of nvme-pci: the physical ranges of a request go in
 * with dma_vec_nvme_rq_add(), are mapped by dma_vec_io_map() and written
 * into PRP entries or SGL descriptors as they come, with no table, no
 * mapping array and no count-then-fill pass; nothing is allocated but the
 * descriptor pages the command needs.  Embed it in the per-request data;
 * all fields are private.
 */
struct dma_vec_nvme_rq {
	const struct dma_vec_nvme_ctrl *ctrl;
	struct dma_vec_io io;
	struct dma_vec_nvme_data data;
	union nvme_data_ptr dptr;
	struct nvme_sgl_desc *link;
	void *list;
	phys_addr_t paddr;
	u64 plen;
	struct dma_vec_provider *pprov;
	u64 len;
	u64 done;
	u64 prev_end;
	u64 budget;
	unsigned int nents;
	unsigned int total;
	unsigned int slot;
	unsigned int page;
	gfp_t gfp;
	bool sgl;
};

int dma_vec_nvme_setup_prps(const struct dma_vec_nvme_ctrl *ctrl,
			    const struct dma_vec_drange *ranges,
			    unsigned int nr, union nvme_data_ptr *dptr,
			    struct dma_vec_nvme_data *data, gfp_t gfp);
int dma_vec_nvme_setup_sgls(const struct dma_vec_nvme_ctrl *ctrl,
			    const struct dma_vec_drange *ranges,
			    unsigned int nr, union nvme_data_ptr *dptr,
			    struct dma_vec_nvme_data *data, gfp_t gfp);
int dma_vec_nvme_setup_data(const struct dma_vec_nvme_ctrl *ctrl,
			    const struct dma_vec_drange *ranges,
			    unsigned int nr, union nvme_data_ptr *dptr,
			    struct dma_vec_nvme_data *data, gfp_t gfp);
void dma_vec_nvme_free_data(struct dma_vec_nvme_data *data);

int dma_vec_nvme_rq_add_ranges(struct dma_vec_nvme_rq *rq,
			       const struct dma_vec_prange *ranges,
			       unsigned int nr, struct dma_vec_provider *prov);
int dma_vec_nvme_rq_add_table(struct dma_vec_nvme_rq *rq,
			      const struct dma_vec_table *tbl);

int __dma_vec_nvme_rq_flush(struct dma_vec_nvme_rq *rq);
int __dma_vec_nvme_rq_finish(struct dma_vec_nvme_rq *rq,
			     const struct dma_vec_drange *d,
			     union nvme_data_ptr *dptr);
void __dma_vec_nvme_rq_end(struct dma_vec_nvme_rq *rq);

/**
 * __dma_vec_nvme_data_init - an empty set of descriptor pages
 * @data: the set to empty; its inline room is not cleared
 *
 * Internal to the builders and dma_vec_nvme_rq_start().
 *
 * Context: Any context.
 */
static __always_inline void
__dma_vec_nvme_data_init(struct dma_vec_nvme_data *data)
{
	data->pool = NULL;
	data->pages = NULL;
	data->nr_pages = 0;
	data->cap_pages = 0;
	data->sgl = false;
}

/**
 * __dma_vec_nvme_ctrl_ok - whether the builders can use a controller
 * @ctrl: the controller
 *
 * Internal to the builders and dma_vec_nvme_rq_start().
 *
 * Context: Any context.
 * Return: true for a controller page of 4 KiB to 128 MiB and a pool of
 * such pages.
 */
static __always_inline bool
__dma_vec_nvme_ctrl_ok(const struct dma_vec_nvme_ctrl *ctrl)
{
	return ctrl->page_shift >= 12 && ctrl->page_shift <= 27 && ctrl->pool &&
	       ctrl->pool_block >= (1ULL << ctrl->page_shift);
}

/**
 * __dma_vec_nvme_sgl_ok - whether a controller takes SGLs
 * @ctrl: the controller
 *
 * Internal to the builders and dma_vec_nvme_rq_start().
 *
 * Context: Any context.
 * Return: true if @ctrl->sgls says SGLs are supported.
 */
static __always_inline bool
__dma_vec_nvme_sgl_ok(const struct dma_vec_nvme_ctrl *ctrl)
{
	return ctrl->sgls == DMA_VEC_NVME_SGLS ||
	       ctrl->sgls == DMA_VEC_NVME_SGLS_DWORD;
}

/**
 * __dma_vec_nvme_rq_init - start the data pointer of a command
 * @rq: the command; its mapping state (@rq->io) is the caller's
 * @ctrl: the controller
 * @sgl: build an SGL; PRPs otherwise
 * @len: bytes the command transfers
 * @gfp: allocation flags for descriptor pages
 *
 * Allocates nothing.  Inline, so that what the caller's controller
 * description holds as constants (nvme-pci's page size and pool block)
 * folds the checks away.  Internal to the builders and
 * dma_vec_nvme_rq_start().
 *
 * Context: Any context.
 * Return: As dma_vec_nvme_rq_start().
 */
static __always_inline int
__dma_vec_nvme_rq_init(struct dma_vec_nvme_rq *rq,
		       const struct dma_vec_nvme_ctrl *ctrl, bool sgl, u64 len,
		       gfp_t gfp)
{
	rq->ctrl = ctrl;
	__dma_vec_nvme_data_init(&rq->data);
	rq->plen = 0;
	rq->pprov = NULL;
	rq->len = len;
	rq->done = 0;
	rq->prev_end = 0;
	rq->budget = 0;
	rq->nents = 0;
	rq->total = 0;
	rq->slot = 0;
	rq->page = 0;
	rq->list = NULL;
	rq->link = NULL;
	rq->gfp = gfp;
	rq->sgl = sgl;

	if (!len || !__dma_vec_nvme_ctrl_ok(ctrl))
		return -EINVAL;
	if (sgl && !__dma_vec_nvme_sgl_ok(ctrl))
		return -EOPNOTSUPP;
	if (ctrl->max_transfer && len > ctrl->max_transfer)
		return -E2BIG;
	if (!sgl && len > (u64)DMA_VEC_NVME_MAX_ENTRIES << ctrl->page_shift)
		return -E2BIG;
	return 0;
}

/**
 * dma_vec_nvme_rq_start - start building the data pointer of a command
 * @rq: the per-request state (see &struct dma_vec_nvme_rq)
 * @ctrl: the controller; read until dma_vec_nvme_rq_finish() returns and
 *	never by dma_vec_nvme_rq_end(), so it may live on the submitter's
 *	stack (the descriptor pages keep their own pool)
 * @dev: the device doing the DMA (the controller's PCI function)
 * @dir: DMA direction of the command
 * @attrs: DMA attributes
 * @sgl: build an SGL (the controller must support them); PRPs otherwise
 * @len: bytes the command transfers: the ranges added must add up to it
 * @gfp: allocation flags for descriptor pages and mapping records
 *
 * Allocates nothing.  Whatever this returns, dma_vec_nvme_rq_end() may be
 * called on @rq, and must be once the ranges were added.  Inline: once
 * per request, in the caller's submission path.
 *
 * Context: Any context.
 * Return: 0; -EINVAL for a zero @len or a controller without a usable
 * pool; -EOPNOTSUPP if @sgl is asked of a controller without SGLs;
 * -E2BIG if @len exceeds @ctrl->max_transfer or DMA_VEC_NVME_MAX_ENTRIES
 * controller pages.
 */
static __always_inline int
dma_vec_nvme_rq_start(struct dma_vec_nvme_rq *rq,
		      const struct dma_vec_nvme_ctrl *ctrl, struct device *dev,
		      enum dma_data_direction dir, unsigned long attrs, bool sgl,
		      u64 len, gfp_t gfp)
{
	dma_vec_io_start(&rq->io, dev, dir, attrs,
			 ctrl->max_map ? ctrl->max_map : U64_MAX);
	return __dma_vec_nvme_rq_init(rq, ctrl, sgl, len, gfp);
}

/**
 * dma_vec_nvme_rq_host_pages - the host memory of a command is struct pages
 * @rq: the command, just started with dma_vec_nvme_rq_start()
 *
 * dma_vec_io_host_pages() for the command: its host ranges come from the
 * bvecs of a block request, pages by construction, so they are mapped
 * without checking that they start and end in RAM, as 6.12's
 * dma_map_sg() maps the same pages.  Never for the ranges of a
 * &struct dma_vec_table (memory without struct pages, user input).
 *
 * Context: Any context.
 */
static inline void dma_vec_nvme_rq_host_pages(struct dma_vec_nvme_rq *rq)
{
	dma_vec_io_host_pages(&rq->io);
}

/**
 * dma_vec_nvme_rq_room - PRP entries the current list page still takes
 * @rq: a PRP command whose list is set up
 *
 * The slots left in the page, less the last one when more entries follow
 * than fit: that slot chains to the next page.  A page is never full while
 * entries are left, so the subtraction cannot wrap; the check keeps it so.
 *
 * Context: Any context.
 * Return: the number of entries that may be written before chaining.
 */
static __always_inline unsigned int
dma_vec_nvme_rq_room(const struct dma_vec_nvme_rq *rq)
{
	unsigned int room = (1U << rq->ctrl->page_shift) / sizeof(__le64) -
			    rq->slot;

	if (rq->total - rq->nents <= room)
		return room;
	return room ? room - 1 : 0;
}

/**
 * dma_vec_nvme_put_prps - write the PRP entries of a piece on controller pages
 * @slot: where the first entry goes
 * @addr: DMA address of the piece, on a controller page
 * @len: its length, not zero; @addr + @len - 1 must not wrap
 * @shift: the controller page shift
 *
 * One entry per controller page the piece touches.  A piece of one page
 * is one store; the address never steps past the last byte of the piece,
 * so a piece ending at the top of the address space is written whole.
 *
 * Context: Any context.
 * Return: the slot after the last entry written.
 */
static __always_inline __le64 *dma_vec_nvme_put_prps(__le64 *slot, u64 addr,
						     u64 len,
						     unsigned int shift)
{
	u64 step = 1ULL << shift;

	*slot = cpu_to_le64(addr);
	for (; len > step; len -= step) {
		addr += step;
		*++slot = cpu_to_le64(addr);
	}
	return slot + 1;
}

/**
 * dma_vec_nvme_rq_set_slot - account the PRP entries written up to a slot
 * @rq: a PRP command whose list is set up
 * @slot: the slot after the last entry written into the current list page
 *
 * Context: Any context.
 */
static __always_inline void dma_vec_nvme_rq_set_slot(struct dma_vec_nvme_rq *rq,
						     __le64 *slot)
{
	__le64 *list = rq->list;

	rq->nents += slot - (list + rq->slot);
	rq->slot = slot - list;
}

/**
 * dma_vec_nvme_rq_fill - write PRP entries into the current list page
 * @rq: a PRP command whose list is set up
 * @addr: DMA address of a piece, on a controller page
 * @len: its length, not zero, in at most dma_vec_nvme_rq_room() pages;
 *	@addr + @len - 1 must not wrap
 * @shift: the controller page shift
 *
 * Context: Any context.
 */
static __always_inline void dma_vec_nvme_rq_fill(struct dma_vec_nvme_rq *rq,
						 u64 addr, u64 len,
						 unsigned int shift)
{
	/* At most a list page of entries: no truncation. */
	unsigned int n = ((len - 1) >> shift) + 1;

	dma_vec_nvme_put_prps((__le64 *)rq->list + rq->slot, addr, len, shift);
	rq->slot += n;
	rq->nents += n;
}

/**
 * dma_vec_nvme_rq_prp_fast - the per-range common case of nvme-pci, inline
 * @rq: the command
 *
 * A range after the first one of a PRP command whose list is set up is
 * mapped by the inline cases of dma_vec_io_map() (host memory on a device
 * whose unmaps do nothing, peer memory at its bus address), and its
 * entries are written straight into the current list page when they fit
 * it.  The checks are those of the general path.  Internal to
 * dma_vec_nvme_rq_add().
 *
 * Context: As dma_vec_nvme_rq_add().
 * Return: 1 to leave what is left of the range to
 * __dma_vec_nvme_rq_flush(), else 0 or the error.
 */
static __always_inline int
dma_vec_nvme_rq_prp_fast(struct dma_vec_nvme_rq *rq)
{
	unsigned int shift = rq->ctrl->page_shift;
	struct dma_vec_drange d;
	u64 end;
	int ret;

	/*
	 * A range is pending, a PRP list is set up, and the whole range fits
	 * the announced length and the list page: a piece starting on a
	 * controller page (checked before it is written) takes an entry per
	 * page of it.  One comparison: 1 <= plen <= budget.
	 */
	if (rq->plen - 1 >= rq->budget)
		return 1;
	ret = dma_vec_io_map(&rq->io, rq->paddr, rq->plen, rq->pprov, &d,
			     rq->gfp);
	if (ret)
		return ret;
	if (check_add_overflow(d.addr, d.len, &end))
		return -EOVERFLOW;
	if ((d.addr | rq->prev_end) & ((1ULL << shift) - 1))
		return -EINVAL;
	dma_vec_nvme_rq_fill(rq, d.addr, d.len, shift);
	rq->prev_end = end;
	rq->done += d.len;
	/*
	 * Exact but for a piece ending inside a page, after which the next
	 * one fails the boundary check before anything else is written.
	 */
	rq->budget -= d.len;
	rq->paddr += d.len;
	rq->plen -= d.len;
	return rq->plen ? 1 : 0;
}

/**
 * dma_vec_nvme_rq_flush - map and write the pending range of a command
 * @rq: the command
 *
 * Inline when it can, else out of line.  Internal to
 * dma_vec_nvme_rq_add() and dma_vec_nvme_rq_finish().
 *
 * Context: As dma_vec_nvme_rq_add().
 * Return: As dma_vec_nvme_rq_add().
 */
static __always_inline int dma_vec_nvme_rq_flush(struct dma_vec_nvme_rq *rq)
{
	int ret = dma_vec_nvme_rq_prp_fast(rq);

	return ret <= 0 ? ret : __dma_vec_nvme_rq_flush(rq);
}

/**
 * dma_vec_nvme_rq_add - add the next physical range of a command
 * @rq: the command, started with dma_vec_nvme_rq_start()
 * @paddr: CPU physical address of the range
 * @len: its length in bytes
 * @prov: the provider whose window holds it, or NULL for host memory
 *
 * A range that continues the previous one (same owner, physically
 * contiguous) is merged with it; otherwise the previous one is mapped
 * (dma_vec_io_map()) and its PRP entries or SGL data blocks are written.
 *
 * Context: Any context allowed by the allocation flags given at the start
 * and by the DMA API.
 * Return: 0 on success; -EINVAL if @len is zero, the ranges add up to more
 * than announced, or PRPs cannot express the layout (a boundary inside the
 * transfer that is not on a controller page, a first address not on a
 * dword), or a controller needing dword-aligned SGLs gets a misaligned
 * block; -E2BIG beyond DMA_VEC_NVME_MAX_ENTRIES entries; -EOVERFLOW if a
 * range wraps or a DMA range ends at 2^64; an error of dma_vec_io_map().
 * On error the command cannot be completed: end it with
 * dma_vec_nvme_rq_end().
 */
static __always_inline int dma_vec_nvme_rq_add(struct dma_vec_nvme_rq *rq,
					       phys_addr_t paddr, u64 len,
					       struct dma_vec_provider *prov)
{
	u64 end;

	if (!len)
		return -EINVAL;
	if (check_add_overflow((u64)paddr, len, &end))
		return -EOVERFLOW;
	if (rq->plen) {
		int ret;

		if (prov == rq->pprov && paddr == rq->paddr + rq->plen) {
			rq->plen += len;
			return 0;
		}
		ret = dma_vec_nvme_rq_flush(rq);
		if (ret)
			return ret;
	}
	rq->paddr = paddr;
	rq->plen = len;
	rq->pprov = prov;
	return 0;
}

/**
 * dma_vec_nvme_rq_put_list - the data pointer of a command written whole
 * @rq: a PRP command whose entries are all written into its list
 * @dptr: the command's data pointer
 *
 * PRP1 as written, PRP2 the list.  Internal to dma_vec_nvme_rq_finish().
 *
 * Context: Any context.
 * Return: 0.
 */
static __always_inline int
dma_vec_nvme_rq_put_list(struct dma_vec_nvme_rq *rq, union nvme_data_ptr *dptr)
{
	dptr->prp1 = rq->dptr.prp1;
	dptr->prp2 = cpu_to_le64(rq->data.pages[0].dma);
	rq->data.sgl = false;
	return 0;
}

/**
 * dma_vec_nvme_rq_finish - complete the data pointer of a command
 * @rq: the command, its ranges added
 * @dptr: the command's data pointer, written on success
 *
 * Maps and writes the last range, then fills in what the first entries
 * could not know: PRP2 as the second entry or the list, the segment
 * descriptor of the last SGL segment.  @rq->data.sgl tells whether the
 * caller must set NVME_CMD_SGL_METABUF.  A PRP command that is one range
 * of at most two controller pages, mapped by the inline cases of
 * dma_vec_io_map(), is done inline: PRP1 and PRP2 straight from the DMA
 * address, as nvme-pci's single-segment fast path does for host memory,
 * and here for peer memory too.  So is a PRP command whose list is set up
 * when its last range goes into the current list page by the inline path
 * of dma_vec_nvme_rq_add(), or was written by dma_vec_nvme_rq_add_ranges().
 * Everything else, and every error, goes to __dma_vec_nvme_rq_finish().
 *
 * Context: As dma_vec_nvme_rq_add().
 * Return: 0 on success; -EINVAL if the ranges add up to less than
 * announced; an error of dma_vec_nvme_rq_add().  On error @dptr is
 * untouched; end the command with dma_vec_nvme_rq_end() in any case.
 */
static __always_inline int dma_vec_nvme_rq_finish(struct dma_vec_nvme_rq *rq,
						  union nvme_data_ptr *dptr)
{
	struct dma_vec_drange d;
	u64 mask, end;
	int ret;

	if (!rq->plen) {
		/*
		 * Every range written, into a PRP list by the inline path or
		 * dma_vec_nvme_rq_add_ranges(): PRP2 names the list.
		 */
		if (!rq->list || rq->sgl || rq->done != rq->len)
			return __dma_vec_nvme_rq_finish(rq, NULL, dptr);
		return dma_vec_nvme_rq_put_list(rq, dptr);
	}
	if (rq->sgl || rq->done || rq->plen != rq->len) {
		if (!rq->list || rq->sgl)
			return __dma_vec_nvme_rq_finish(rq, NULL, dptr);
		/* A PRP list: the last range into it, then PRP2 names it. */
		ret = dma_vec_nvme_rq_prp_fast(rq);
		if (ret < 0)
			return ret;
		if (ret || rq->done != rq->len)
			return __dma_vec_nvme_rq_finish(rq, NULL, dptr);
		return dma_vec_nvme_rq_put_list(rq, dptr);
	}
	mask = (1ULL << rq->ctrl->page_shift) - 1;
	ret = dma_vec_io_map(&rq->io, rq->paddr, rq->plen, rq->pprov, &d,
			     rq->gfp);
	if (ret)
		return ret;
	/* One dword-aligned piece, all of the range, on one or two pages. */
	if (d.len != rq->plen || (d.addr & 3) ||
	    check_add_overflow(d.addr, d.len, &end) ||
	    (d.addr & mask) + d.len > 2 * (mask + 1))
		return __dma_vec_nvme_rq_finish(rq, &d, dptr);
	dptr->prp1 = cpu_to_le64(d.addr);
	dptr->prp2 = (d.addr & mask) + d.len > mask + 1 ?
		     cpu_to_le64((d.addr | mask) + 1) : 0;
	rq->data.sgl = false;
	rq->done = d.len;
	rq->plen = 0;
	return 0;
}

/**
 * dma_vec_nvme_rq_end - release what a command's data pointer holds
 * @rq: the command, started with dma_vec_nvme_rq_start()
 *
 * Frees the descriptor pages and unmaps the memory, on completion or after
 * an error at any step.  @rq may then be started again.  A command that
 * holds nothing (no descriptor page, nothing recorded to unmap) ends
 * inline.
 *
 * Context: Any context the DMA API allows unmapping in.
 */
static __always_inline void dma_vec_nvme_rq_end(struct dma_vec_nvme_rq *rq)
{
	if (rq->data.pages || rq->io.nr_recs || rq->io.recs != rq->io.inl) {
		__dma_vec_nvme_rq_end(rq);
		return;
	}
	rq->plen = 0;
}

#endif /* _NVME_DMA_VEC_NVME_H */
