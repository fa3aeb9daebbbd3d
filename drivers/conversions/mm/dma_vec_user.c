// SPDX-License-Identifier: GPL-2.0
/*
 * dma_vec from user addresses: resolve a user virtual address range mapped
 * by one or more BAR exporters into a dma_vec table, through the p2p_map
 * operation of their VMAs, without struct pages.
 */
#include <linux/bug.h>
#include <linux/dma_vec.h>
#include <linux/dma_vec_user.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/overflow.h>

/* Release [start, end) on every VMA it spans (all were mapped). */
static void dma_vec_unmap_vmas(struct mm_struct *mm, unsigned long start,
			       unsigned long end)
{
	unsigned long addr, next;

	for (addr = start; addr < end; addr = next) {
		struct vm_area_struct *vma = vma_lookup(mm, addr);

		if (WARN_ON_ONCE(!vma))
			return;
		next = min(end, vma->vm_end);
		if (vma->vm_ops->p2p_unmap)
			vma->vm_ops->p2p_unmap(vma, addr, next);
	}
}

/**
 * dma_vec_from_user - append the memory behind user addresses to a table
 * @mm: the address space
 * @start: first user address
 * @len: length in bytes
 * @write: the device will write to the memory
 * @tbl: the table to append to
 * @gfp: allocation flags
 *
 * Walks the VMAs covering [@start, @start + @len) and asks each one's
 * exporter, through vm_operations_struct.p2p_map, to append the physical
 * ranges and their provider.  The exporter keeps the memory in place until
 * dma_vec_put_user() (or revokes its provider, see
 * dma_vec_provider_revoke()).  The importer then maps the table for its
 * device with dma_vec_map_table().
 *
 * Context: Process context; takes the mmap lock for reading.
 * Return: 0 on success; -EINVAL if @len is zero; -EFAULT if the range wraps
 * or part of it is not mapped; -EOPNOTSUPP if a VMA has no p2p_map
 * operation (ordinary memory: use pin_user_pages()); -EACCES if a VMA does
 * not allow the access; or the exporter's error.  On error the table is
 * unchanged and every exporter called has been released.
 */
int dma_vec_from_user(struct mm_struct *mm, unsigned long start,
		      unsigned long len, bool write, struct dma_vec_table *tbl,
		      gfp_t gfp)
{
	struct dma_vec_checkpoint cp;
	unsigned long addr, end, next;
	int ret = 0;

	if (!len)
		return -EINVAL;
	if (check_add_overflow(start, len, &end))
		return -EFAULT;

	dma_vec_checkpoint(tbl, &cp);
	mmap_read_lock(mm);
	for (addr = start; addr < end; addr = next) {
		struct vm_area_struct *vma = vma_lookup(mm, addr);

		if (!vma) {
			ret = -EFAULT;
			break;
		}
		if (!vma->vm_ops || !vma->vm_ops->p2p_map) {
			ret = -EOPNOTSUPP;
			break;
		}
		if (!(vma->vm_flags & (write ? VM_WRITE : VM_READ))) {
			ret = -EACCES;
			break;
		}
		next = min(end, vma->vm_end);
		ret = vma->vm_ops->p2p_map(vma, addr, next, write, tbl, gfp);
		if (ret)
			break;
	}
	if (ret) {
		dma_vec_unmap_vmas(mm, start, addr);
		dma_vec_rollback(tbl, &cp);
	}
	mmap_read_unlock(mm);
	return ret;
}
EXPORT_SYMBOL_GPL(dma_vec_from_user);

/**
 * dma_vec_put_user - release what dma_vec_from_user() obtained
 * @mm: the address space
 * @start: first user address, as passed to dma_vec_from_user()
 * @len: length in bytes, as passed to dma_vec_from_user()
 *
 * Calls the p2p_unmap operation of every VMA of the range.  The range must
 * still be mapped as it was; DMA to it must have stopped.
 *
 * Context: Process context; takes the mmap lock for reading.
 */
void dma_vec_put_user(struct mm_struct *mm, unsigned long start,
		      unsigned long len)
{
	mmap_read_lock(mm);
	dma_vec_unmap_vmas(mm, start, start + len);
	mmap_read_unlock(mm);
}
EXPORT_SYMBOL_GPL(dma_vec_put_user);
