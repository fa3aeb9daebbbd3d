/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/device.h>: the members of struct device the code uses,
 * with the kernel's names and meaning, plus a pointer to the simulated
 * platform's private state (NULL for a device the platform did not
 * create, e.g. one a test defines itself).  Reference counting checks
 * balance: see sim_device_refs().
 */
#ifndef _SHIM_LINUX_DEVICE_H
#define _SHIM_LINUX_DEVICE_H

#include <linux/dev_printk.h>
#include <linux/kref.h>
#include <linux/types.h>

struct sim_dev;

struct bus_type {
	const char *name;
};

struct device_dma_parameters {
	unsigned int max_segment_size;
	unsigned int min_align_mask;
	unsigned long segment_boundary_mask;
};

struct device {
	struct device *parent;
	const char *init_name;
	const struct bus_type *bus;
	void *driver_data;
	u64 *dma_mask;
	u64 coherent_dma_mask;
	u64 bus_dma_limit;
	struct device_dma_parameters *dma_parms;
	/* The simulated platform's state; not a kernel member. */
	struct sim_dev *sim;
};

const char *dev_name(const struct device *dev);
struct device *get_device(struct device *dev);
void put_device(struct device *dev);

static inline void *dev_get_drvdata(const struct device *dev)
{
	return dev->driver_data;
}

static inline void dev_set_drvdata(struct device *dev, void *data)
{
	dev->driver_data = data;
}

#endif /* _SHIM_LINUX_DEVICE_H */
