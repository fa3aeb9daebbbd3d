/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/slab.h>.  Every allocation goes through the shim's
 * allocator, which counts live objects and can be told to fail the Nth
 * call (see <shim/shim.h>).
 */
#ifndef _SHIM_LINUX_SLAB_H
#define _SHIM_LINUX_SLAB_H

#include <linux/gfp.h>
#include <linux/types.h>

void *kmalloc(size_t size, gfp_t gfp);
void *kmalloc_array(size_t n, size_t size, gfp_t gfp);
void *kvmalloc(size_t size, gfp_t gfp);
void *kvmalloc_array(size_t n, size_t size, gfp_t gfp);
void kfree(const void *p);
void kvfree(const void *p);

/*
 * The size classes of SLUB's kmalloc caches with 4 KiB pages; larger
 * requests go to the page allocator.
 */
#define KMALLOC_MAX_CACHE_SIZE	8192UL
/* The largest kmalloc(): MAX_PAGE_ORDER 10 of 4 KiB pages. */
#define KMALLOC_MAX_SIZE	(4096UL << 10)
size_t kmalloc_size_roundup(size_t size);

/* Order of the smallest power-of-two number of pages holding @size bytes. */
static inline int get_order(unsigned long size)
{
	int order = 0;

	size = (size - 1) >> 12;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}

#define kzalloc(size, gfp)		kmalloc(size, (gfp) | __GFP_ZERO)
#define kcalloc(n, size, gfp)		kmalloc_array(n, size, (gfp) | __GFP_ZERO)
#define kvzalloc(size, gfp)		kvmalloc(size, (gfp) | __GFP_ZERO)
#define kvcalloc(n, size, gfp)		kvmalloc_array(n, size, (gfp) | __GFP_ZERO)

#endif /* _SHIM_LINUX_SLAB_H */
