/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/highmem.h>: kmap_local_pfn() resolves a page of the
 * simulated host RAM (see shim_ram_alloc()).  Mapping a pfn that is not
 * simulated RAM is a bug in the caller and aborts the test.
 */
#ifndef _SHIM_LINUX_HIGHMEM_H
#define _SHIM_LINUX_HIGHMEM_H

#include <linux/mm.h>

void *kmap_local_pfn(unsigned long pfn);
void shim_kunmap_local(const void *addr);
#define kunmap_local(addr)	shim_kunmap_local(addr)

#endif /* _SHIM_LINUX_HIGHMEM_H */
