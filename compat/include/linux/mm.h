/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/mm.h>: 4 KiB pages and a struct page that exists only
 * as an address.  pfn_to_page() and page_to_pfn() are inverse functions on
 * a fake, never dereferenced memmap, which is all a scatterlist needs.
 * VMAs come from the simulated platform (see <linux/mm_types.h>).
 */
#ifndef _SHIM_LINUX_MM_H
#define _SHIM_LINUX_MM_H

#include <linux/gfp_types.h>
#include <linux/mm_types.h>
#include <linux/mmap_lock.h>
#include <linux/types.h>
#include <shim/shim.h>

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

/* True for simulated host RAM (see shim_ram_alloc()). */
bool pfn_valid(unsigned long pfn);

#define page_to_phys(page)	((phys_addr_t)page_to_pfn(page) << PAGE_SHIFT)
#define offset_in_page(p)	((unsigned long)(p) & ~PAGE_MASK)

/*
 * Single pages for tests (the kernel has alloc_page() in <linux/gfp.h>): a
 * page of simulated host RAM (see shim_ram_alloc()), zeroed whatever @gfp
 * says, reachable through page_address() and kmap_local_pfn().
 */
static inline struct page *alloc_page(gfp_t gfp)
{
	phys_addr_t pa;

	if (!shim_ram_alloc(PAGE_SIZE, &pa))
		return NULL;
	return pfn_to_page(pa >> PAGE_SHIFT);
}

/* 2^@order physically contiguous pages of simulated host RAM, zeroed. */
static inline struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	phys_addr_t pa;

	if (!shim_ram_alloc(PAGE_SIZE << order, &pa))
		return NULL;
	return pfn_to_page(pa >> PAGE_SHIFT);
}

static inline void *page_address(const struct page *page)
{
	return shim_ram_resolve(page_to_phys(page), NULL);
}

static inline void __free_page(struct page *page)
{
	shim_ram_free(page_address(page));
}

static inline void __free_pages(struct page *page, unsigned int order)
{
	shim_ram_free(page_address(page));
}

#define VM_NONE		0x00000000UL
#define VM_READ		0x00000001UL
#define VM_WRITE	0x00000002UL
#define VM_EXEC		0x00000004UL
#define VM_SHARED	0x00000008UL
#define VM_MAYREAD	0x00000010UL
#define VM_MAYWRITE	0x00000020UL
#define VM_MAYSHARE	0x00000080UL
#define VM_PFNMAP	0x00000400UL
#define VM_IO		0x00004000UL
#define VM_DONTEXPAND	0x00040000UL
#define VM_DONTDUMP	0x04000000UL

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *vma_lookup(struct mm_struct *mm, unsigned long addr);

static inline unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

#endif /* _SHIM_LINUX_MM_H */
