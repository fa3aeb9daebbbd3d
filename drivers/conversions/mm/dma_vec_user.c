// SPDX-License-Identifier: GPL-2.0
/*
 * dma_vec from user addresses: resolve a user virtual address range mapped
 * by one or more BAR exporters into a dma_vec table, through the p2p_map
 * operation of their VMAs, without struct pages.
 *
 * What p2p_map pins is released through the struct dma_vec_pin it filled
 * in, kept in the caller's struct dma_vec_user: never through a new VMA
 * lookup, because user space may have munmapped the range, or mapped
 * something else there, by the time the importer lets go.
 */
#include <linux/bug.h>
#include <linux/dma_vec.h>
#include <linux/dma_vec_user.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>

/* Release the first @nr pins of @user, newest first. */
static void dma_vec_release_pins(struct dma_vec_user *user, unsigned int nr)
{
	while (nr--)
		user->pins[nr].release(&user->pins[nr]);
}

static void dma_vec_user_free(struct dma_vec_user *user)
{
	if (user->pins != &user->pin)
		kfree(user->pins);
	memset(user, 0, sizeof(*user));
}

/*
 * Count the VMAs of [@start, @end) and check each one before any exporter
 * is called: no hole, a p2p_map operation, and the access allowed.
 */
static int dma_vec_count_vmas(struct mm_struct *mm, unsigned long start,
			      unsigned long end, bool write, unsigned int *nr)
{
	unsigned long addr, next;

	*nr = 0;
	for (addr = start; addr < end; addr = next) {
		struct vm_area_struct *vma = vma_lookup(mm, addr);

		if (!vma)
			return -EFAULT;
		if (!vma->vm_ops || !vma->vm_ops->p2p_map)
			return -EOPNOTSUPP;
		if (!(vma->vm_flags & (write ? VM_WRITE : VM_READ)))
			return -EACCES;
		next = min(end, vma->vm_end);
		(*nr)++;
	}
	return 0;
}

/**
 * dma_vec_from_user - append the memory behind user addresses to a table
 * @mm: the address space
 * @start: first user address
 * @len: length in bytes
 * @write: the device will write to the memory
 * @tbl: the table to append to
 * @user: zeroed; receives what the exporters pinned
 * @gfp: allocation flags
 *
 * Walks the VMAs covering [@start, @start + @len) and asks each one's
 * exporter, through vm_operations_struct.p2p_map, to append the physical
 * ranges and their provider and to pin them, handing out a struct
 * dma_vec_pin.  The exporter keeps the memory in place until
 * dma_vec_put_user() releases @user (or it revokes its provider, see
 * dma_vec_provider_revoke()), whatever user space does to the mapping
 * meanwhile.  The importer then maps the table for its device with
 * dma_vec_map_table().
 *
 * Context: Process context; takes the mmap lock for reading.  Allocates
 * (with @gfp) only when the range spans more than one VMA.
 * Return: 0 on success; -EINVAL if @len is zero; -EBUSY if @user still
 * holds pins (with a WARN); -EFAULT if the range wraps or part of it is
 * not mapped; -EOPNOTSUPP if a VMA has no p2p_map operation (ordinary
 * memory: use pin_user_pages()); -EACCES if a VMA does not allow the
 * access; -ENOMEM; or the exporter's error.  On error the table and @user
 * are unchanged and every pin taken has been released.
 */
int dma_vec_from_user(struct mm_struct *mm, unsigned long start,
		      unsigned long len, bool write, struct dma_vec_table *tbl,
		      struct dma_vec_user *user, gfp_t gfp)
{
	struct dma_vec_checkpoint cp;
	unsigned long addr, end, next;
	unsigned int nr, i = 0;
	int ret;

	if (WARN_ON_ONCE(user->nr))
		return -EBUSY;
	if (!len)
		return -EINVAL;
	if (check_add_overflow(start, len, &end))
		return -EFAULT;

	mmap_read_lock(mm);
	ret = dma_vec_count_vmas(mm, start, end, write, &nr);
	if (ret)
		goto out;
	user->pins = &user->pin;
	if (nr > 1) {
		user->pins = kmalloc_array(nr, sizeof(*user->pins), gfp);
		if (!user->pins) {
			ret = -ENOMEM;
			goto out;
		}
	}

	dma_vec_checkpoint(tbl, &cp);
	for (addr = start; addr < end; addr = next, i++) {
		struct vm_area_struct *vma = vma_lookup(mm, addr);
		struct dma_vec_pin *pin = &user->pins[i];

		next = min(end, vma->vm_end);
		*pin = (struct dma_vec_pin){ .start = addr, .end = next };
		ret = vma->vm_ops->p2p_map(vma, addr, next, write, tbl, pin,
					   gfp);
		if (!ret && WARN_ON_ONCE(!pin->release))
			ret = -EINVAL;	/* an exporter bug: nothing to undo */
		if (ret)
			break;
	}
	if (ret) {
		dma_vec_release_pins(user, i);
		dma_vec_rollback(tbl, &cp);
		dma_vec_user_free(user);
	} else {
		user->nr = nr;
	}
out:
	mmap_read_unlock(mm);
	return ret;
}
EXPORT_SYMBOL_GPL(dma_vec_from_user);

/**
 * dma_vec_put_user - release what dma_vec_from_user() obtained
 * @user: as filled in by dma_vec_from_user()
 *
 * Releases every pin through the exporter's own release callback, with
 * no VMA lookup: it works after user space munmapped the range or mapped
 * other memory there, and it never reaches an exporter that did not pin.
 * DMA to the memory must have stopped (dma_vec_unmap() first).  Leaves
 * @user zeroed.
 *
 * Context: Process context; may sleep (the exporters' callbacks may).
 * Return: 0, or -EINVAL (with a WARN) if @user holds no pins: never
 * obtained, or released already.
 */
int dma_vec_put_user(struct dma_vec_user *user)
{
	might_sleep();
	if (WARN_ON_ONCE(!user->nr || !user->pins))
		return -EINVAL;
	dma_vec_release_pins(user, user->nr);
	dma_vec_user_free(user);
	return 0;
}
EXPORT_SYMBOL_GPL(dma_vec_put_user);
