/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gpu_model: a simulated large-BAR GPU that exports its VRAM for P2P DMA
 * through dma_vec, the way a real GPU driver would.
 *
 * The GPU is a PCI endpoint of the simulated platform (<shim/sim.h>) with
 * a 16 MiB register BAR 0 and a prefetchable VRAM BAR 1 of up to 128 GiB
 * (sparse backing: only touched pages cost host memory).  The whole VRAM
 * BAR is described by one dma_vec_provider made with
 * dma_vec_provider_init_pci(): no struct page, no CPU mapping.
 *
 * VRAM is handed out in 2 MiB blocks by a first-fit bitmap allocator; a
 * buffer object (struct gpu_bo) owns a list of block extents, so a large
 * buffer allocated after some churn is naturally fragmented.  A buffer is
 * "mmap"ed into a simulated process as a VM_IO | VM_PFNMAP VMA whose
 * vm_operations_struct implements p2p_map: it appends the physical ranges
 * of the mapped part of the buffer with the GPU's provider, pins the
 * buffer, and hands out a struct dma_vec_pin whose release drops the pin
 * (with no VMA: user space may have munmapped it).  This is all
 * dma_vec_from_user() and dma_vec_put_user() need.
 *
 * A pinned buffer cannot move under its importers.  To move it anyway the
 * GPU "resets": gpu_reset_begin() revokes the provider (every importer's
 * invalidate callback runs) and disables the BAR, gpu_reset_end() enables
 * it again under a new provider (a new generation).  Pins taken before the
 * reset no longer hold the buffer in place.
 *
 * Objects are allocated with kmalloc(), so the shim's leak checks see
 * them.  The model is single-threaded like the platform, but takes its
 * lock where a driver would.
 */
#ifndef DMA_VEC_EXAMPLES_GPU_MODEL_H
#define DMA_VEC_EXAMPLES_GPU_MODEL_H

#include <linux/dma_vec.h>
#include <linux/dma_vec_p2p.h>
#include <linux/dma_vec_user.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/types.h>

/** GPU_BLOCK_SHIFT - log2 of the VRAM allocation block */
#define GPU_BLOCK_SHIFT		21
/** GPU_BLOCK_SIZE - VRAM allocation block: 2 MiB, as amdgpu's buddy */
#define GPU_BLOCK_SIZE		(1ULL << GPU_BLOCK_SHIFT)
/** GPU_REGS_BAR - BAR of the (unused) register window */
#define GPU_REGS_BAR		0
/** GPU_VRAM_BAR - BAR of the VRAM window */
#define GPU_VRAM_BAR		1
/** GPU_REGS_SIZE - size of the register BAR */
#define GPU_REGS_SIZE		(16ULL << 20)
/** GPU_VRAM_DEFAULT - default VRAM (and BAR) size: 128 GiB */
#define GPU_VRAM_DEFAULT	(128ULL << 30)
/** GPU_MMAP_OFFSET_START - first fake mmap offset, as DRM's */
#define GPU_MMAP_OFFSET_START	0x100000000ULL

/**
 * struct gpu_desc - how to build a simulated GPU
 * @devfn: PCI_DEVFN(slot, function) on the parent bus
 * @vram_size: VRAM and BAR size, a power of two of at least 2 MiB; 0 for
 *	GPU_VRAM_DEFAULT
 * @vram_phys: CPU physical address of the VRAM BAR, naturally aligned; 0
 *	to let the host bridge window place it
 * @seed: seed of the model's pseudo-random choices (gpu_vram_churn())
 */
struct gpu_desc {
	unsigned int devfn;
	u64 vram_size;
	phys_addr_t vram_phys;
	u64 seed;
};

/**
 * struct gpu_provider - one generation of the GPU's VRAM provider
 * @prov: the dma_vec provider covering the whole VRAM BAR
 * @generation: counts resets, from 0
 * @node: in &gpu_device.retired once revoked
 */
struct gpu_provider {
	struct dma_vec_provider prov;
	unsigned int generation;
	struct list_head node;
};

/**
 * struct gpu_device - a simulated GPU
 * @pdev: the PCI function
 * @vram_size: bytes of VRAM, all of it visible through the BAR
 * @nr_blocks: VRAM blocks of GPU_BLOCK_SIZE
 * @nr_free: free blocks
 * @used: allocation bitmap, one bit per block
 * @first_free: no block below this one is free (a first-fit hint)
 * @rng: state of the model's pseudo-random generator
 * @lock: protects everything below and every buffer's blocks and pins
 * @prov: current provider, NULL during a reset
 * @generation: generation of the current (or next) provider
 * @retired: revoked providers that pins taken before a reset may still
 *	reference; freed when the GPU has no pins left
 * @nr_pins: outstanding p2p_map pins, over all buffers
 * @bos: all live buffers
 * @next_pgoff: next fake mmap offset, in pages
 * @in_reset: between gpu_reset_begin() and gpu_reset_end()
 * @p2p_maps: p2p_map calls that succeeded (statistics)
 */
struct gpu_device {
	struct pci_dev *pdev;
	u64 vram_size;
	unsigned long nr_blocks;
	unsigned long nr_free;
	unsigned long *used;
	unsigned long first_free;
	u64 rng;
	/* Protects the allocator, the providers, the bos and their pins. */
	struct mutex lock;
	struct gpu_provider *prov;
	unsigned int generation;
	struct list_head retired;
	unsigned long nr_pins;
	struct list_head bos;
	unsigned long next_pgoff;
	bool in_reset;
	unsigned long p2p_maps;
};

/**
 * struct gpu_extent - contiguous VRAM blocks of a buffer
 * @block: first block
 * @nr: number of blocks
 */
struct gpu_extent {
	unsigned long block;
	unsigned long nr;
};

/**
 * struct gpu_bo - a VRAM buffer object
 * @ref: reference count; gpu_bo_put() frees the buffer and its VRAM
 * @gpu: the GPU
 * @size: bytes, a multiple of GPU_BLOCK_SIZE
 * @ext: the buffer's blocks, in buffer order
 * @nr_ext: number of extents
 * @pin_count: outstanding p2p_map pins
 * @pin_gen: provider generation of the most recent pin
 * @mmap_pgoff: fake mmap offset of the buffer, in pages (vm_pgoff of a
 *	mapping of its first page)
 * @background: allocated by gpu_vram_churn(), owned by the GPU
 * @node: in &gpu_device.bos
 */
struct gpu_bo {
	struct kref ref;
	struct gpu_device *gpu;
	u64 size;
	struct gpu_extent *ext;
	unsigned int nr_ext;
	unsigned int pin_count;
	unsigned int pin_gen;
	unsigned long mmap_pgoff;
	bool background;
	struct list_head node;
};

/**
 * enum gpu_mmap_flags - options of gpu_bo_mmap()
 * @GPU_MMAP_READ_ONLY: map without VM_WRITE; dma_vec_from_user() with
 *	write access is refused (-EACCES)
 */
enum gpu_mmap_flags {
	GPU_MMAP_READ_ONLY = 1,
};

/**
 * gpu_create() - Add a simulated GPU to the platform.
 * @bus: the parent bus (a downstream port's ->subordinate, say)
 * @desc: description
 *
 * Adds the PCI function (NVIDIA vendor id, a 64-bit DMA mask, BAR 0 of
 * registers, BAR 1 of VRAM), an empty VRAM allocator and the first
 * provider (generation 0) covering the whole VRAM BAR.
 *
 * Return: the GPU, or ERR_PTR(-EINVAL) for a bad size or address,
 * ERR_PTR(-ENOSPC) if the host bridge window cannot hold the BAR,
 * ERR_PTR(-ENOMEM).
 */
struct gpu_device *gpu_create(struct pci_bus *bus, const struct gpu_desc *desc);

/**
 * gpu_destroy() - Unbind the GPU model and free it.
 * @gpu: the GPU, or NULL
 *
 * Revokes the current provider (importers still mapped are told to
 * unmap), drops the buffers of gpu_vram_churn() and frees the rest.  Every
 * other buffer must have been put and every pin dropped: otherwise the
 * model WARNs and leaks rather than free memory in use.  The PCI function
 * stays on the platform until sim_reset().
 */
void gpu_destroy(struct gpu_device *gpu);

/**
 * gpu_provider() - The current VRAM provider.
 * @gpu: the GPU
 *
 * Return: the provider p2p_map hands out now, or NULL during a reset.  It
 * changes at every reset: compare pointers to tell generations apart.
 */
struct dma_vec_provider *gpu_provider(struct gpu_device *gpu);

/**
 * gpu_vram_free() - Free VRAM.
 * @gpu: the GPU
 *
 * Return: the bytes the allocator can still hand out.
 */
u64 gpu_vram_free(struct gpu_device *gpu);

/**
 * gpu_vram_churn() - Fragment VRAM the way other clients would.
 * @gpu: the GPU
 * @bytes: VRAM to allocate first, a multiple of GPU_BLOCK_SIZE
 * @max_blocks: the buffers are 1 to @max_blocks blocks long
 *
 * Allocates buffers of pseudo-random sizes (from the GPU's seed) until
 * @bytes are allocated, then frees about half of them, so the free VRAM at
 * the bottom of the BAR becomes holes of a few blocks.  The surviving
 * buffers belong to the GPU and go with gpu_destroy().  Deterministic for
 * a given seed and allocation history.
 *
 * Return: 0; -EINVAL for a bad argument; -ENOSPC if less than @bytes are
 * free; -ENOMEM (then nothing is left allocated by this call).
 */
int gpu_vram_churn(struct gpu_device *gpu, u64 bytes, unsigned int max_blocks);

/**
 * gpu_bo_create() - Allocate a VRAM buffer object.
 * @gpu: the GPU
 * @size: bytes, rounded up to GPU_BLOCK_SIZE
 *
 * First fit: the buffer takes the lowest free blocks, so after churn it
 * is a list of extents in ascending block order.  The buffer gets a fake
 * mmap offset (gpu_bo_mmap_offset()), as a DRM GEM object.
 *
 * Return: the buffer with one reference, or ERR_PTR(-EINVAL),
 * ERR_PTR(-ENOSPC) or ERR_PTR(-ENOMEM).
 */
struct gpu_bo *gpu_bo_create(struct gpu_device *gpu, u64 size);

/**
 * gpu_bo_get() - Take a reference to a buffer.
 * @bo: the buffer
 *
 * Return: @bo.
 */
struct gpu_bo *gpu_bo_get(struct gpu_bo *bo);

/**
 * gpu_bo_put() - Drop a reference; the last one frees the buffer's VRAM.
 * @bo: the buffer, or NULL
 *
 * Every p2p_map pin holds a reference, so a pinned buffer outlives its
 * creator's reference.
 */
void gpu_bo_put(struct gpu_bo *bo);

/**
 * gpu_bo_phys() - CPU physical address of a byte of a buffer.
 * @bo: the buffer
 * @offset: byte offset, less than the buffer size
 * @contig: if not NULL, set to the bytes physically contiguous from there
 *	to the end of the extent
 *
 * Return: the address (in the VRAM BAR), or 0 with a WARN if @offset is
 * out of range.
 */
phys_addr_t gpu_bo_phys(struct gpu_bo *bo, u64 offset, u64 *contig);

/**
 * gpu_bo_write() - Upload: write a buffer's contents through the BAR.
 * @bo: the buffer
 * @offset: byte offset in the buffer
 * @buf: data
 * @len: bytes
 *
 * Return: 0; -EINVAL if the range is not inside the buffer; -EIO if the
 * BAR is disabled (during a reset).
 */
int gpu_bo_write(struct gpu_bo *bo, u64 offset, const void *buf, size_t len);

/**
 * gpu_bo_read() - Download: read a buffer's contents through the BAR.
 * @bo: the buffer
 * @offset: byte offset in the buffer
 * @buf: destination
 * @len: bytes
 *
 * Never written bytes read as zero.
 *
 * Return: 0; -EINVAL if the range is not inside the buffer; -EIO if the
 * BAR is disabled (during a reset).
 */
int gpu_bo_read(struct gpu_bo *bo, u64 offset, void *buf, size_t len);

/**
 * gpu_bo_mmap_offset() - The buffer's fake mmap offset.
 * @bo: the buffer
 *
 * Return: the offset a process passes to mmap() to map the buffer from its
 * first byte (vm_pgoff is this offset in pages).
 */
u64 gpu_bo_mmap_offset(const struct gpu_bo *bo);

/**
 * gpu_bo_mmap() - Map (part of) a buffer into a simulated process.
 * @bo: the buffer
 * @mm: the address space (sim_mm_create())
 * @addr: user address, page aligned (MAP_FIXED_NOREPLACE)
 * @offset: byte offset in the buffer of the first mapped byte, page aligned
 * @len: bytes, page aligned, not past the end of the buffer
 * @flags: GPU_MMAP_READ_ONLY or 0
 *
 * Creates a VM_SHARED | VM_IO | VM_PFNMAP VMA (VM_READ, and VM_WRITE unless
 * read-only) with the gpu_vm_ops operations and vm_pgoff set as mmap() of
 * gpu_bo_mmap_offset() + @offset would.  The simulated mm has no munmap or
 * vm_close, so the VMA holds no reference: keep the buffer until the mm is
 * destroyed or no longer used.
 *
 * Return: the VMA, or ERR_PTR(-EINVAL) for a bad range, ERR_PTR(-EEXIST)
 * if it overlaps another VMA.
 */
struct vm_area_struct *gpu_bo_mmap(struct gpu_bo *bo, struct mm_struct *mm,
				   unsigned long addr, u64 offset, u64 len,
				   unsigned int flags);

/**
 * gpu_bo_move() - Migrate a buffer to other VRAM blocks.
 * @bo: the buffer
 *
 * Allocates new blocks first fit, copies the contents through the BAR
 * (pages never written stay unbacked) and frees the old blocks.  A buffer
 * pinned by p2p_map in the current provider generation cannot move:
 * importers use its physical addresses.  Pins taken before a reset do not
 * count: the reset revoked them.
 *
 * Return: 0; -EBUSY if pinned; -EAGAIN during a reset; -ENOSPC if VRAM
 * cannot hold a second copy; -ENOMEM.
 */
int gpu_bo_move(struct gpu_bo *bo);

/**
 * gpu_bo_migrate() - Migrate a buffer, revoking its importers if needed.
 * @bo: the buffer
 *
 * gpu_bo_move(); if the buffer is pinned, a full reset
 * (gpu_reset_begin(), gpu_reset_end()) first, which revokes every importer
 * of the GPU's memory.
 *
 * Return: as gpu_bo_move(), or the error of gpu_reset_end().
 */
int gpu_bo_migrate(struct gpu_bo *bo);

/**
 * gpu_reset_begin() - Start a reset: revoke the provider, disable the BAR.
 * @gpu: the GPU, not in a reset
 *
 * Calls dma_vec_provider_revoke() on the current provider, so every
 * mapping of the GPU's memory is invalidated (each importer's callback
 * once) and dma_vec_map_table() of tables made before fails with -ENODEV;
 * then disables the VRAM BAR, so DMA to the old addresses faults.  Until
 * gpu_reset_end(), p2p_map fails with -EAGAIN.  The revoked provider stays
 * allocated while pins taken under it remain.
 */
void gpu_reset_begin(struct gpu_device *gpu);

/**
 * gpu_reset_end() - Finish a reset under a new provider generation.
 * @gpu: the GPU, in a reset
 *
 * Enables the BAR again and creates a new provider (a new object: the
 * revoked one stays revoked).  Buffers pinned before the reset may now be
 * moved.
 *
 * Return: 0, or -ENOMEM (the GPU stays in the reset; call again).
 */
int gpu_reset_end(struct gpu_device *gpu);

/*
 * gpu_vm_ops: the VMA operations of gpu_bo_mmap() mappings.
 *
 * p2p_map appends the physical ranges of the mapped part of the buffer
 * (from vm_pgoff and the start and end addresses) with the current
 * provider and pins the buffer; it fails with -EAGAIN during a reset and
 * leaves the table unchanged on any error.  The release callback of the
 * struct dma_vec_pin it fills in drops the pin.
 */
extern const struct vm_operations_struct gpu_vm_ops;

#endif /* DMA_VEC_EXAMPLES_GPU_MODEL_H */
