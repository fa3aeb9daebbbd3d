// SPDX-License-Identifier: GPL-2.0
/*
 * dma_vec for NVMe: the data pointer of a command (PRP1/PRP2 and PRP lists,
 * or SGL data block descriptors in chained segments) built straight from
 * mapped DMA ranges, with no scatterlist and no per-page array.
 */
#include <kunit/visibility.h>
#include <linux/dma_vec.h>
#include <linux/dmapool.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/math.h>
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

static void dma_vec_nvme_page_lim(const struct dma_vec_nvme_ctrl *ctrl,
				  struct dma_vec_limits *lim)
{
	lim->max_seg = U64_MAX;
	lim->seg_boundary_mask = (1ULL << ctrl->page_shift) - 1;
	lim->align = 1ULL << ctrl->page_shift;
}

/*
 * Count the PRP entries of a transfer and check that PRPs can express it:
 * PRP1 dword aligned, every later entry page aligned, every entry but the
 * last running to the end of its page.  Inside a range the page cuts
 * satisfy this by construction, so only range boundaries are checked, and
 * a range's entries are the pages it touches: one pass over the ranges,
 * counted in 64 bits.
 */
static int dma_vec_nvme_count_prps(const struct dma_vec_nvme_ctrl *ctrl,
				   const struct dma_vec_drange *ranges,
				   unsigned int nr, unsigned int *nents)
{
	unsigned int shift = ctrl->page_shift;
	u64 page_mask = (1ULL << shift) - 1;
	u64 n = 0;
	unsigned int i;

	if (ranges[0].addr & 3)
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		u64 addr = ranges[i].addr, last = addr + (ranges[i].len - 1);

		if (i && ((addr & page_mask) ||
			  ((ranges[i - 1].addr + ranges[i - 1].len) & page_mask)))
			return -EINVAL;
		n += (last >> shift) - (addr >> shift) + 1;
		if (n > DMA_VEC_NVME_MAX_ENTRIES)
			return -E2BIG;
	}
	*nents = n;
	return 0;
}

/*
 * Count the SGL data blocks: the iterator cuts a range into blocks of
 * max_seg bytes, except that the first one ends on a dword when the range
 * does not start on one.  One pass over the ranges, in 64 bits.
 */
static int dma_vec_nvme_count_sgls(const struct dma_vec_nvme_ctrl *ctrl,
				   const struct dma_vec_drange *ranges,
				   unsigned int nr, unsigned int *nents)
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
	*nents = n;
	return 0;
}

/*
 * Descriptor pages for @nents entries of @entry_size bytes, where every
 * page but the last gives its last slot to the link to the next page.
 */
static int dma_vec_nvme_alloc_pages(const struct dma_vec_nvme_ctrl *ctrl,
				    struct dma_vec_nvme_data *data,
				    unsigned int nents, unsigned int entry_size,
				    gfp_t gfp)
{
	unsigned int per_page = (1U << ctrl->page_shift) / entry_size;
	unsigned int nr, i;

	/* nents <= DMA_VEC_NVME_MAX_ENTRIES: no overflow in 64 bits. */
	nr = DIV_ROUND_UP_ULL((u64)nents - 1, per_page - 1);

	data->pages = kmalloc_array(nr, sizeof(*data->pages), gfp);
	if (!data->pages)
		return -ENOMEM;
	data->pool = ctrl->pool;
	for (i = 0; i < nr; i++) {
		data->pages[i].va = dma_pool_alloc(ctrl->pool, gfp,
						   &data->pages[i].dma);
		if (!data->pages[i].va) {
			data->nr_pages = i;
			dma_vec_nvme_free_data(data);
			return -ENOMEM;
		}
	}
	data->nr_pages = nr;
	return 0;
}

static bool dma_vec_nvme_sgl_ok(const struct dma_vec_nvme_ctrl *ctrl)
{
	return ctrl->sgls == DMA_VEC_NVME_SGLS ||
	       ctrl->sgls == DMA_VEC_NVME_SGLS_DWORD;
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

	if (!nr || !ranges || ctrl->page_shift < 12 || ctrl->page_shift > 27)
		return -EINVAL;
	if (!ctrl->pool || ctrl->pool_block < (1ULL << ctrl->page_shift))
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

static int dma_vec_nvme_fill_prps(const struct dma_vec_nvme_ctrl *ctrl,
				  const struct dma_vec_drange *ranges,
				  unsigned int nr, unsigned int nents,
				  union nvme_data_ptr *dptr,
				  struct dma_vec_nvme_data *data, gfp_t gfp)
{
	unsigned int per_page = (1U << ctrl->page_shift) / sizeof(__le64);
	unsigned int page = 0, slot = 0, left = nents;
	struct dma_vec_limits lim;
	struct dma_vec_dma_iter it;
	__le64 *list = NULL;
	int ret;

	if (nents > 2) {
		ret = dma_vec_nvme_alloc_pages(ctrl, data, nents - 1,
					       sizeof(__le64), gfp);
		if (ret)
			return ret;
		list = data->pages[0].va;
	}

	dma_vec_nvme_page_lim(ctrl, &lim);
	dma_vec_for_each_dma_chunk(ranges, nr, &lim, &it) {
		if (left == nents) {
			dptr->prp1 = cpu_to_le64(it.addr);
			dptr->prp2 = list ? cpu_to_le64(data->pages[0].dma) : 0;
		} else if (!list) {
			dptr->prp2 = cpu_to_le64(it.addr);
		} else {
			/* The last slot of a full page chains to the next. */
			if (slot == per_page - 1 && left > 1) {
				list[slot] = cpu_to_le64(data->pages[++page].dma);
				list = data->pages[page].va;
				slot = 0;
			}
			list[slot++] = cpu_to_le64(it.addr);
		}
		left--;
	}
	data->sgl = false;
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

static int dma_vec_nvme_fill_sgls(const struct dma_vec_nvme_ctrl *ctrl,
				  const struct dma_vec_drange *ranges,
				  unsigned int nr, unsigned int nents,
				  union nvme_data_ptr *dptr,
				  struct dma_vec_nvme_data *data, gfp_t gfp)
{
	unsigned int per_page = (1U << ctrl->page_shift) /
				sizeof(struct nvme_sgl_desc);
	unsigned int page = 0, slot = 0, left = nents;
	struct nvme_sgl_desc *seg = NULL;
	struct dma_vec_dma_iter it;
	int ret;

	if (nents > 1) {
		ret = dma_vec_nvme_alloc_pages(ctrl, data, nents,
					       sizeof(struct nvme_sgl_desc), gfp);
		if (ret)
			return ret;
		seg = data->pages[0].va;
		/* Only the last segment may hold fewer than per_page entries. */
		dma_vec_nvme_sgl_set(&dptr->sgl, data->pages[0].dma,
				     min(nents, per_page) * sizeof(*seg),
				     data->nr_pages > 1 ? NVME_SGL_FMT_SEG_DESC :
				     NVME_SGL_FMT_LAST_SEG_DESC);
	}

	dma_vec_for_each_dma_chunk(ranges, nr, &dma_vec_nvme_sgl_lim, &it) {
		if (!seg) {
			dma_vec_nvme_sgl_set(&dptr->sgl, it.addr, it.len,
					     NVME_SGL_FMT_DATA_DESC);
			break;
		}
		if (slot == per_page - 1 && left > 1) {
			bool last = ++page == data->nr_pages - 1;

			dma_vec_nvme_sgl_set(&seg[slot], data->pages[page].dma,
					     min(left, per_page) * sizeof(*seg),
					     last ? NVME_SGL_FMT_LAST_SEG_DESC :
					     NVME_SGL_FMT_SEG_DESC);
			seg = data->pages[page].va;
			slot = 0;
		}
		dma_vec_nvme_sgl_set(&seg[slot++], it.addr, it.len,
				     NVME_SGL_FMT_DATA_DESC);
		left--;
	}
	data->sgl = true;
	return 0;
}

/* Count, then build into local copies, so that errors leave no trace. */
static int dma_vec_nvme_build(const struct dma_vec_nvme_ctrl *ctrl,
			      const struct dma_vec_drange *ranges,
			      unsigned int nr, bool sgl, unsigned int nents,
			      union nvme_data_ptr *dptr,
			      struct dma_vec_nvme_data *data, gfp_t gfp)
{
	struct dma_vec_nvme_data d = { };
	union nvme_data_ptr p = { };
	int ret = 0;

	if (sgl)
		ret = dma_vec_nvme_count_sgls(ctrl, ranges, nr, &nents);
	if (sgl && !ret)
		ret = dma_vec_nvme_fill_sgls(ctrl, ranges, nr, nents, &p, &d,
					     gfp);
	else if (!sgl)
		ret = dma_vec_nvme_fill_prps(ctrl, ranges, nr, nents, &p, &d,
					     gfp);
	if (ret)
		return ret;
	*dptr = p;
	*data = d;
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
	unsigned int nents;
	u64 len;
	int ret;

	ret = dma_vec_nvme_check(ctrl, ranges, nr, &len);
	if (!ret)
		ret = dma_vec_nvme_count_prps(ctrl, ranges, nr, &nents);
	if (ret)
		return ret;
	return dma_vec_nvme_build(ctrl, ranges, nr, false, nents, dptr, data,
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

	if (!dma_vec_nvme_sgl_ok(ctrl))
		return -EOPNOTSUPP;
	ret = dma_vec_nvme_check(ctrl, ranges, nr, &len);
	if (ret)
		return ret;
	return dma_vec_nvme_build(ctrl, ranges, nr, true, 0, dptr, data, gfp);
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
	bool sgl_ok = dma_vec_nvme_sgl_ok(ctrl);
	unsigned int nents = 0;
	u64 len;
	int ret;

	ret = dma_vec_nvme_check(ctrl, ranges, nr, &len);
	if (ret)
		return ret;
	if (sgl_ok && ctrl->sgl_threshold &&
	    DIV_ROUND_UP_ULL(len, nr) >= ctrl->sgl_threshold) {
		ret = dma_vec_nvme_build(ctrl, ranges, nr, true, 0, dptr, data,
					 gfp);
		/* Not dword aligned for the controller's SGLs: try PRPs. */
		if (ret != -EINVAL)
			return ret;
		sgl_ok = false;
	}
	ret = dma_vec_nvme_count_prps(ctrl, ranges, nr, &nents);
	if (ret == -EINVAL && sgl_ok)
		return dma_vec_nvme_build(ctrl, ranges, nr, true, 0, dptr,
					  data, gfp);
	if (ret)
		return ret;
	return dma_vec_nvme_build(ctrl, ranges, nr, false, nents, dptr, data,
				  gfp);
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
	unsigned int i;

	for (i = 0; i < data->nr_pages; i++)
		dma_pool_free(data->pool, data->pages[i].va,
			      data->pages[i].dma);
	kfree(data->pages);
	memset(data, 0, sizeof(*data));
}
EXPORT_SYMBOL_IF_KUNIT(dma_vec_nvme_free_data);
