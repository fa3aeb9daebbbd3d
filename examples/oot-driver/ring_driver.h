/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small example driver: a copy engine whose descriptor ring lists the
 * DMA segments of one transfer.  It maps a dma_vec table for its device
 * and writes one descriptor per segment the device accepts.
 */
#ifndef RING_DRIVER_H
#define RING_DRIVER_H

#include <linux/dma_vec_p2p.h>
#include <linux/dmapool.h>
#include <linux/types.h>

/**
 * struct ring_desc - one descriptor as the device reads it
 * @addr: DMA address of the segment
 * @len: length of the segment
 * @flags: RING_DESC_*
 */
struct ring_desc {
	__le64 addr;
	__le32 len;
	__le32 flags;
};

#define RING_DESC_LAST		0x1	/* last descriptor of the transfer */
#define RING_DESC_TO_MEM	0x2	/* the device writes memory */

/* Bugs the tests plant on purpose, to show how the platform reports them. */
#define RING_BUG_LEN_PLUS_ONE	0x1	/* off-by-one descriptor length */
#define RING_BUG_UNMAP_EARLY	0x2	/* unmap before the device is done */

/**
 * struct ring - the driver's state for one device
 * @dev: the device
 * @pool: where the descriptor ring comes from
 * @desc: the ring (CPU address)
 * @desc_dma: the ring (DMA address, programmed into the device)
 * @size: number of descriptors in the ring
 * @used: descriptors of the posted transfer
 * @map: the posted transfer's mapping
 * @bugs: RING_BUG_* planted by a test
 */
struct ring {
	struct device *dev;
	struct dma_pool *pool;
	struct ring_desc *desc;
	dma_addr_t desc_dma;
	unsigned int size;
	unsigned int used;
	struct dma_vec_map map;
	unsigned int bugs;
};

int ring_init(struct ring *r, struct device *dev, unsigned int size);
void ring_fini(struct ring *r);
int ring_post(struct ring *r, const struct dma_vec_table *tbl,
	      enum dma_data_direction dir);
void ring_complete(struct ring *r);

#endif /* RING_DRIVER_H */
