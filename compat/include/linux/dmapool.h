/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/dmapool.h>: pools of small DMA-coherent blocks for one
 * device, as in the kernel.  Blocks live in simulated host RAM that is
 * mapped for the pool's device, so a simulated device reads what the CPU
 * wrote through sim_dma().  Every dma_pool_alloc() makes one allocation
 * through the shim's counting allocator (so shim_fail_nth() can fail it and
 * a block never freed is a leaked object), and new pool pages make more.
 * Fresh blocks are poisoned, freed ones too: code that forgets to fill a
 * descriptor is caught.
 */
#ifndef _SHIM_LINUX_DMAPOOL_H
#define _SHIM_LINUX_DMAPOOL_H

#include <linux/device.h>
#include <linux/gfp_types.h>
#include <linux/types.h>

struct dma_pool;

struct dma_pool *dma_pool_create(const char *name, struct device *dev,
				 size_t size, size_t align, size_t boundary);
void dma_pool_destroy(struct dma_pool *pool);
void *dma_pool_alloc(struct dma_pool *pool, gfp_t mem_flags,
		     dma_addr_t *handle);
void dma_pool_free(struct dma_pool *pool, void *vaddr, dma_addr_t dma);

static inline void *dma_pool_zalloc(struct dma_pool *pool, gfp_t mem_flags,
				    dma_addr_t *handle)
{
	return dma_pool_alloc(pool, mem_flags | __GFP_ZERO, handle);
}

/*
 * Not kernel APIs: the test side of the shim.  shim_dma_pool_in_use() is
 * the number of blocks of @pool allocated and not yet freed;
 * shim_dma_pool_pages() the number of pool pages, each one live DMA
 * mapping of the pool's device until dma_pool_destroy().
 */
unsigned long shim_dma_pool_in_use(const struct dma_pool *pool);
unsigned long shim_dma_pool_pages(const struct dma_pool *pool);

#endif /* _SHIM_LINUX_DMAPOOL_H */
