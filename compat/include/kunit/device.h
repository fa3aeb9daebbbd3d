/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <kunit/device.h>: a KUnit device is a plain (non-PCI) device of
 * the simulated platform.  The machine, and so the device, goes away when
 * the case ends (the runner resets the simulated platform around every
 * case).  Its DMA mask is 64 bits where the kernel's is 32: in the kernel
 * (UML) all of RAM lies below 4 GiB, while the simulated RAM lies above, and
 * what matters to the tests is that the device reaches RAM.
 */
#ifndef _SHIM_KUNIT_DEVICE_H
#define _SHIM_KUNIT_DEVICE_H

#include <kunit/test.h>
#include <linux/device.h>
#include <shim/sim.h>

static inline struct device *kunit_device_register(struct kunit *test,
						   const char *name)
{
	static const struct sim_dev_desc desc = { .dma_bits = 64 };

	return sim_add_device(name, NULL, &desc);
}

#endif /* _SHIM_KUNIT_DEVICE_H */
