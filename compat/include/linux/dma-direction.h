/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace <linux/dma-direction.h>, numbered as in Linux 6.12. */
#ifndef _SHIM_LINUX_DMA_DIRECTION_H
#define _SHIM_LINUX_DMA_DIRECTION_H

#include <linux/types.h>

enum dma_data_direction {
	DMA_BIDIRECTIONAL = 0,
	DMA_TO_DEVICE = 1,
	DMA_FROM_DEVICE = 2,
	DMA_NONE = 3,
};

static inline int valid_dma_direction(enum dma_data_direction dir)
{
	return dir == DMA_BIDIRECTIONAL || dir == DMA_TO_DEVICE ||
		dir == DMA_FROM_DEVICE;
}

#endif /* _SHIM_LINUX_DMA_DIRECTION_H */
