/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NVMe data pointers (PRP lists and SGLs) built straight from DMA ranges,
 * with no scatterlist and no per-page array.
 */
#ifndef _NVME_DMA_VEC_NVME_H
#define _NVME_DMA_VEC_NVME_H

#include <linux/dma_vec.h>
#include <linux/types.h>

struct dma_pool;
union nvme_data_ptr;

/* Identify Controller SGLS bits 1:0. */
#define DMA_VEC_NVME_SGLS	1	/* SGLs supported */
#define DMA_VEC_NVME_SGLS_DWORD	2	/* ... with dword alignment */

/*
 * Most PRP entries or SGL data blocks one command may take: 4 GiB in 4 KiB
 * pages (nvme-pci caps a request at 8 MiB).  Keeps descriptor page counts
 * and sizes far from overflow when no MDTS limits the transfer.
 */
#define DMA_VEC_NVME_MAX_ENTRIES	0x100000U

/**
 * struct dma_vec_nvme_ctrl - what the NVMe builders need of a controller
 * @pool: dma_pool of descriptor pages (PRP lists, SGL segments), each
 *	(1 << @page_shift) bytes and aligned to that size
 * @pool_block: size of the blocks of @pool, as given to dma_pool_create()
 *	(a dma_pool cannot be asked for it); at least 1 << @page_shift, or
 *	the builders refuse the controller
 * @max_transfer: largest transfer in bytes (MDTS), 0 for no limit
 * @page_shift: controller memory page size, 12 + CC.MPS
 * @sgls: Identify Controller SGLS bits 1:0: 0 (no SGLs),
 *	DMA_VEC_NVME_SGLS or DMA_VEC_NVME_SGLS_DWORD
 * @sgl_threshold: average DMA range size from which SGLs are preferred
 *	(nvme-pci's sgl_threshold), 0 to prefer PRPs
 */
struct dma_vec_nvme_ctrl {
	struct dma_pool *pool;
	size_t pool_block;
	u64 max_transfer;
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
 * @pages: the PRP list pages or SGL segments, in chain order
 * @nr_pages: number of pages
 * @sgl: the data pointer holds an SGL (set NVME_CMD_SGL_METABUF)
 */
struct dma_vec_nvme_data {
	struct dma_pool *pool;
	struct dma_vec_nvme_page *pages;
	unsigned int nr_pages;
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

#endif /* _NVME_DMA_VEC_NVME_H */
