/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/dma-map-ops.h>: the simulated platform has no
 * dma_map_ops; its dma-iommu and dma-direct paths are in sim_dma.c.
 */
#ifndef _SHIM_LINUX_DMA_MAP_OPS_H
#define _SHIM_LINUX_DMA_MAP_OPS_H

#include <linux/device.h>

struct dma_map_ops;

static inline const struct dma_map_ops *get_dma_ops(struct device *dev)
{
	return NULL;
}

#endif /* _SHIM_LINUX_DMA_MAP_OPS_H */
