/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/mm.h>: 4 KiB pages and a struct page that exists only
 * as an address.  pfn_to_page() and page_to_pfn() are inverse functions on
 * a fake, never dereferenced memmap, which is all a scatterlist needs.
 */
#ifndef _SHIM_LINUX_MM_H
#define _SHIM_LINUX_MM_H

#include <linux/types.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PAGE_ALIGN(x)	(((x) + PAGE_SIZE - 1) & PAGE_MASK)

struct page {
	unsigned long flags;
};

#define SHIM_MEMMAP	((struct page *)0x100000UL)

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return SHIM_MEMMAP + pfn;
}

static inline unsigned long page_to_pfn(const struct page *page)
{
	return page - SHIM_MEMMAP;
}

#define page_to_phys(page)	((phys_addr_t)page_to_pfn(page) << PAGE_SHIFT)
#define offset_in_page(p)	((unsigned long)(p) & ~PAGE_MASK)

#endif /* _SHIM_LINUX_MM_H */
