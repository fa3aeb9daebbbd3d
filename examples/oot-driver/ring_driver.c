// SPDX-License-Identifier: GPL-2.0
/*
 * The example driver.  Written against kernel APIs only (<linux/...>), so
 * the same file builds in a kernel tree; in userspace it builds against
 * the dma_vec test platform.
 */
#include <asm/byteorder.h>
#include <linux/dma-mapping.h>
#include <linux/errno.h>
#include <linux/string.h>

#include "ring_driver.h"

/**
 * ring_init() - allocate the descriptor ring
 * @r: the driver state
 * @dev: the device
 * @size: descriptors in the ring
 *
 * Return: 0 or a negative errno.
 */
int ring_init(struct ring *r, struct device *dev, unsigned int size)
{
	size_t bytes = size * sizeof(struct ring_desc);

	memset(r, 0, sizeof(*r));
	r->pool = dma_pool_create("ring", dev, bytes, 64, 0);
	if (!r->pool)
		return -ENOMEM;
	r->desc = dma_pool_zalloc(r->pool, GFP_KERNEL, &r->desc_dma);
	if (!r->desc) {
		dma_pool_destroy(r->pool);
		return -ENOMEM;
	}
	r->dev = dev;
	r->size = size;
	return 0;
}

/**
 * ring_fini() - free the descriptor ring
 * @r: the driver state
 */
void ring_fini(struct ring *r)
{
	dma_pool_free(r->pool, r->desc, r->desc_dma);
	dma_pool_destroy(r->pool);
}

/**
 * ring_post() - map a transfer and describe it in the ring
 * @r: the driver state
 * @tbl: the memory to transfer
 * @dir: DMA_TO_DEVICE (device reads) or DMA_FROM_DEVICE (device writes)
 *
 * One descriptor per segment, cut to the device's DMA limits.
 *
 * Return: 0, -ENOSPC if the ring is too small, or the mapping's error.
 */
int ring_post(struct ring *r, const struct dma_vec_table *tbl,
	      enum dma_data_direction dir)
{
	struct dma_vec_limits lim;
	struct dma_vec_dma_iter it;
	unsigned int n = 0;
	int ret;

	ret = dma_vec_map_table(&r->map, tbl, r->dev, dir, 0, NULL, NULL,
				GFP_KERNEL);
	if (ret)
		return ret;

	dma_vec_dev_limits(r->dev, &lim);
	dma_vec_for_each_dma_chunk(r->map.ranges, r->map.nr, &lim, &it) {
		u64 len = it.len;

		if (n == r->size) {
			dma_vec_unmap(&r->map);
			return -ENOSPC;
		}
		if (r->bugs & RING_BUG_LEN_PLUS_ONE)
			len++;
		r->desc[n].addr = cpu_to_le64(it.addr);
		r->desc[n].len = cpu_to_le32(len);
		r->desc[n].flags = cpu_to_le32(dir == DMA_FROM_DEVICE ?
					       RING_DESC_TO_MEM : 0);
		n++;
	}
	r->desc[n - 1].flags |= cpu_to_le32(RING_DESC_LAST);
	r->used = n;
	if (r->bugs & RING_BUG_UNMAP_EARLY)
		dma_vec_unmap(&r->map);
	return 0;
}

/**
 * ring_complete() - the device finished the transfer: unmap it
 * @r: the driver state
 */
void ring_complete(struct ring *r)
{
	if (!(r->bugs & RING_BUG_UNMAP_EARLY))
		dma_vec_unmap(&r->map);
	r->used = 0;
}
