/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A simulated RDMA HCA on the simulated PCI platform.  It executes RDMA
 * READ/WRITE and fast-registration work requests between two HCAs (two
 * hosts): local SGEs are checked against its protection table (lkey ->
 * registered region and access flags), the remote address and rkey against
 * the peer's, MRs are translated through their page list, and every byte
 * moves through sim_dma() as the HCA, so every address must be inside a
 * live DMA mapping of that HCA.
 *
 * A "soft" HCA (rxe, siw) has no DMA engine: its regions are dma_vec table
 * slices and it moves bytes by CPU copies with dma_vec_copy_to_buf() and
 * dma_vec_copy_from_buf(), which reach BAR memory through the provider's
 * CPU mapping instead of sg_page()/kmap.
 */
#ifndef DMA_VEC_TEST_HCA_SIM_H
#define DMA_VEC_TEST_HCA_SIM_H

#include <linux/dma_vec.h>
#include <linux/pci.h>
#include <rdma/ib_verbs.h>

#define HCA_MAX_KEYS	64

enum hca_region_type {
	HCA_REG_NONE,
	HCA_REG_PHYS,		/* DMA ranges, addressed by DMA address */
	HCA_REG_MR,		/* a struct hca_mr: page list or KLMs */
	HCA_REG_TABLE,		/* soft HCA: a dma_vec table, by offset */
	HCA_REG_DMA,		/* any DMA address: local_dma_lkey */
};

struct hca;

/* The KLM of an SG_GAPS MR. */
struct hca_klm {
	u64 addr;
	u32 len;
};

/*
 * A driver memory region: ib_alloc_mr() state.  set_page/set_klm fill it,
 * registration (hca_mr_register() or an IB_WR_REG_MR) validates it.
 */
struct hca_mr {
	struct ib_mr ibmr;
	struct hca *hca;
	u64 *pages;
	struct hca_klm *klms;
	unsigned int nr;
	unsigned int max;
	int access;
	bool valid;
};

struct hca_region {
	enum hca_region_type type;
	int access;
	const struct dma_vec_drange *ranges;	/* HCA_REG_PHYS */
	unsigned int nr;
	struct hca_mr *mr;			/* HCA_REG_MR */
	const struct dma_vec_table *tbl;	/* HCA_REG_TABLE */
};

struct hca {
	struct device *dev;
	bool soft;
	u32 max_sge;
	u32 max_sge_rd;
	unsigned int max_pages;
	unsigned long pgsz_bitmap;
	struct hca_region keys[HCA_MAX_KEYS];
	/* Statistics. */
	unsigned long wrs;
	unsigned long regs;
	unsigned long rejects;
	u64 bytes;
	const char *last_reject;
};

void hca_init(struct hca *h, struct device *dev, bool soft);

/* A region of DMA ranges, addressed by DMA address: the lkey for SGEs. */
u32 hca_reg_phys(struct hca *h, const struct dma_vec_drange *ranges,
		 unsigned int nr, int access);
/*
 * The PD's local_dma_lkey: any DMA address of the HCA, checked by the DMA
 * engine (a byte outside a live mapping of the HCA faults).
 */
u32 hca_reg_dma(struct hca *h, int access);
/* Soft HCA: a table, addressed by byte offset. */
u32 hca_reg_table(struct hca *h, const struct dma_vec_table *tbl, int access);
void hca_dereg(struct hca *h, u32 key);

/* ib_alloc_mr(): lkey == rkey, not valid until registered. */
int hca_mr_alloc(struct hca *h, struct hca_mr *mr, enum ib_mr_type type,
		 unsigned int max_entries);
void hca_mr_free(struct hca_mr *mr);
/* The driver callbacks for dma_vec_rdma_map_mr_pages() / _klms(). */
int hca_set_page(void *ctx, u64 addr);
int hca_set_klm(void *ctx, u64 addr, u32 len);
/* Forget the page list (before mapping the MR again). */
void hca_mr_reset(struct hca_mr *mr);
/* What an IB_WR_REG_MR does; 0 or a negative errno (counted as reject). */
int hca_mr_register(struct hca_mr *mr, int access);
void hca_mr_invalidate(struct hca_mr *mr);

/*
 * Execute a chain of work requests posted on @h's QP connected to @peer.
 * Stops at the first bad one and returns its error: -EINVAL (bad key,
 * out of bounds, bad registration), -EACCES (missing access flag), -E2BIG
 * (too many SGEs), -EFAULT (DMA fault), -EOPNOTSUPP; a rejected WR moves
 * nothing.
 */
int hca_post(struct hca *h, const struct ib_send_wr *wr, struct hca *peer);

#endif /* DMA_VEC_TEST_HCA_SIM_H */
