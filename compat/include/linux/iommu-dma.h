/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/iommu-dma.h>: whether a device is translated by the
 * simulated IOMMU.
 */
#ifndef _SHIM_LINUX_IOMMU_DMA_H
#define _SHIM_LINUX_IOMMU_DMA_H

#include <linux/device.h>
#include <linux/types.h>

bool sim_dev_translated(struct device *dev);

static inline bool use_dma_iommu(struct device *dev)
{
	return sim_dev_translated(dev);
}

#endif /* _SHIM_LINUX_IOMMU_DMA_H */
