/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/mm_types.h>: an address space as a sorted list of VMAs
 * (the simulated platform builds them: sim_mm_create(), sim_vma_add()).
 * struct vm_operations_struct holds only the member this project adds to
 * the kernel's: the p2p_map operation of a BAR exporter.  The mmap_lock is
 * a pthread rwlock (see <linux/mmap_lock.h>).
 */
#ifndef _SHIM_LINUX_MM_TYPES_H
#define _SHIM_LINUX_MM_TYPES_H

#include <pthread.h>
#include <linux/list.h>
#include <linux/types.h>

struct dma_vec_pin;
struct dma_vec_table;
struct vm_area_struct;

typedef unsigned long vm_flags_t;

struct vm_operations_struct {
	int (*p2p_map)(struct vm_area_struct *vma, unsigned long start,
		       unsigned long end, bool write,
		       struct dma_vec_table *tbl, struct dma_vec_pin *pin,
		       gfp_t gfp);
};

struct mm_struct {
	/* Simulator state: VMAs sorted by address, and the mmap_lock. */
	struct list_head sim_vmas;
	pthread_rwlock_t sim_lock;
	int sim_readers;
	int sim_writer;
};

struct vm_area_struct {
	unsigned long vm_start;
	unsigned long vm_end;
	struct mm_struct *vm_mm;
	vm_flags_t vm_flags;
	const struct vm_operations_struct *vm_ops;
	void *vm_private_data;
	unsigned long vm_pgoff;
	/* Simulator state: node in the mm's VMA list. */
	struct list_head sim_node;
};

#endif /* _SHIM_LINUX_MM_TYPES_H */
