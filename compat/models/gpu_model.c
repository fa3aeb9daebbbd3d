// SPDX-License-Identifier: GPL-2.0
/*
 * gpu_model: a simulated large-BAR GPU exporting VRAM through dma_vec.
 * See gpu_model.h for the API and docs/exporter.md for the walk-through.
 */
#include <linux/bitops.h>
#include <linux/bug.h>
#include <linux/dma_vec.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/math.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/pci_ids.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <shim/sim.h>

#include <shim/gpu_model.h>

/* An H100-like function: NVIDIA, BAR 1 is the VRAM window. */
#define GPU_DEVICE_ID		0x2330

/* splitmix64: the same sequence everywhere, for reproducible churn. */
static u64 gpu_rng(struct gpu_device *gpu)
{
	u64 z = (gpu->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The allocator */

/* First bit at or after @from that is @set, or @size. */
static unsigned long gpu_find_bit(const unsigned long *map, unsigned long size,
				  unsigned long from, bool set)
{
	while (from < size) {
		unsigned long w = map[BIT_WORD(from)];

		if (!set)
			w = ~w;
		w &= ~0UL << (from % BITS_PER_LONG);
		from &= ~(unsigned long)(BITS_PER_LONG - 1);
		if (w)
			return min(from + __ffs(w), size);
		from += BITS_PER_LONG;
	}
	return size;
}

static void gpu_mark(struct gpu_device *gpu, unsigned long block,
		     unsigned long nr, bool used)
{
	unsigned long b;

	for (b = block; b < block + nr; b++) {
		if (used)
			set_bit(b, gpu->used);
		else
			clear_bit(b, gpu->used);
	}
}

/*
 * First fit: take the lowest free blocks, as runs of contiguous ones.
 * Counts the runs first so that the extent array is allocated once.
 */
static int gpu_vram_alloc(struct gpu_device *gpu, unsigned long nr,
			  struct gpu_extent **extp, unsigned int *nr_extp)
{
	struct gpu_extent *ext;
	unsigned long b, end, left;
	unsigned int n = 0, i;

	if (nr > gpu->nr_free)
		return -ENOSPC;
	for (b = gpu->first_free, left = nr; left; b = end, n++) {
		b = gpu_find_bit(gpu->used, gpu->nr_blocks, b, false);
		end = gpu_find_bit(gpu->used, gpu->nr_blocks, b, true);
		end = min(end, b + left);
		left -= end - b;
	}
	ext = kmalloc_array(n, sizeof(*ext), GFP_KERNEL);
	if (!ext)
		return -ENOMEM;
	for (b = gpu->first_free, left = nr, i = 0; left; b = end, i++) {
		b = gpu_find_bit(gpu->used, gpu->nr_blocks, b, false);
		end = gpu_find_bit(gpu->used, gpu->nr_blocks, b, true);
		end = min(end, b + left);
		ext[i].block = b;
		ext[i].nr = end - b;
		gpu_mark(gpu, b, end - b, true);
		left -= end - b;
	}
	gpu->nr_free -= nr;
	gpu->first_free = gpu_find_bit(gpu->used, gpu->nr_blocks,
				       gpu->first_free, false);
	*extp = ext;
	*nr_extp = n;
	return 0;
}

static void gpu_vram_free_ext(struct gpu_device *gpu,
			      const struct gpu_extent *ext, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		gpu_mark(gpu, ext[i].block, ext[i].nr, false);
		gpu->nr_free += ext[i].nr;
		gpu->first_free = min(gpu->first_free, ext[i].block);
	}
}

/* Providers */

static struct gpu_provider *gpu_provider_new(struct gpu_device *gpu)
{
	struct gpu_provider *p = kzalloc(sizeof(*p), GFP_KERNEL);
	int ret;

	if (!p)
		return ERR_PTR(-ENOMEM);
	/* The whole BAR, no CPU mapping: a 128 GiB BAR has no flat iomap. */
	ret = dma_vec_provider_init_pci(&p->prov, gpu->pdev, GPU_VRAM_BAR, 0,
					0, NULL);
	if (ret) {
		kfree(p);
		return ERR_PTR(ret);
	}
	INIT_LIST_HEAD(&p->node);
	return p;
}

static void gpu_provider_free(struct gpu_provider *p)
{
	dma_vec_provider_destroy(&p->prov);
	kfree(p);
}

/* Revoked providers go once no pin taken under them can remain. */
static void gpu_free_retired(struct gpu_device *gpu)
{
	struct gpu_provider *p, *tmp;

	if (gpu->nr_pins || gpu->in_reset)
		return;
	list_for_each_entry_safe(p, tmp, &gpu->retired, node) {
		list_del(&p->node);
		gpu_provider_free(p);
	}
}

/* The device */

struct gpu_device *gpu_create(struct pci_bus *bus, const struct gpu_desc *desc)
{
	u64 vram = desc->vram_size ? desc->vram_size : GPU_VRAM_DEFAULT;
	struct sim_pci_desc d = {
		.type = PCI_EXP_TYPE_ENDPOINT,
		.devfn = desc->devfn,
		.vendor = PCI_VENDOR_ID_NVIDIA,
		.device = GPU_DEVICE_ID,
		.dma_bits = 64,
		.bar[GPU_REGS_BAR] = { .size = GPU_REGS_SIZE },
		.bar[GPU_VRAM_BAR] = {
			.size = vram, .prefetch = true, .phys = desc->vram_phys,
		},
	};
	struct gpu_device *gpu;
	struct gpu_provider *p;
	int ret = -ENOMEM;

	if (vram < GPU_BLOCK_SIZE || (vram & (vram - 1)) ||
	    (desc->vram_phys & (vram - 1)))
		return ERR_PTR(-EINVAL);

	gpu = kzalloc(sizeof(*gpu), GFP_KERNEL);
	if (!gpu)
		return ERR_PTR(-ENOMEM);
	gpu->pdev = sim_add_pci(bus, &d);
	if (pci_resource_len(gpu->pdev, GPU_VRAM_BAR) != vram) {
		/* The host bridge window had no room for the BAR. */
		kfree(gpu);
		return ERR_PTR(-ENOSPC);
	}
	gpu->vram_size = vram;
	gpu->nr_blocks = vram >> GPU_BLOCK_SHIFT;
	gpu->nr_free = gpu->nr_blocks;
	gpu->rng = desc->seed;
	gpu->next_pgoff = GPU_MMAP_OFFSET_START >> PAGE_SHIFT;
	mutex_init(&gpu->lock);
	INIT_LIST_HEAD(&gpu->retired);
	INIT_LIST_HEAD(&gpu->bos);
	gpu->used = kcalloc(DIV_ROUND_UP(gpu->nr_blocks, BITS_PER_LONG),
			    sizeof(unsigned long), GFP_KERNEL);
	if (!gpu->used)
		goto err;
	p = gpu_provider_new(gpu);
	if (IS_ERR(p)) {
		ret = PTR_ERR(p);
		goto err;
	}
	gpu->prov = p;
	return gpu;

err:
	kfree(gpu->used);
	mutex_destroy(&gpu->lock);
	kfree(gpu);
	return ERR_PTR(ret);
}

void gpu_destroy(struct gpu_device *gpu)
{
	struct gpu_provider *p;
	struct gpu_bo *bo, *tmp;

	if (!gpu)
		return;
	/* Unbinding: importers must let go before the provider goes. */
	if (gpu->prov)
		dma_vec_provider_revoke(&gpu->prov->prov);
	list_for_each_entry_safe(bo, tmp, &gpu->bos, node)
		if (bo->background)
			gpu_bo_put(bo);
	if (WARN_ON(!list_empty(&gpu->bos) || gpu->nr_pins))
		return;		/* leak rather than free what is in use */
	p = gpu->prov;
	gpu->prov = NULL;
	if (p)
		gpu_provider_free(p);
	gpu->in_reset = false;
	gpu_free_retired(gpu);
	kfree(gpu->used);
	mutex_destroy(&gpu->lock);
	kfree(gpu);
}

struct dma_vec_provider *gpu_provider(struct gpu_device *gpu)
{
	struct dma_vec_provider *prov;

	mutex_lock(&gpu->lock);
	prov = gpu->prov ? &gpu->prov->prov : NULL;
	mutex_unlock(&gpu->lock);
	return prov;
}

u64 gpu_vram_free(struct gpu_device *gpu)
{
	u64 bytes;

	mutex_lock(&gpu->lock);
	bytes = (u64)gpu->nr_free << GPU_BLOCK_SHIFT;
	mutex_unlock(&gpu->lock);
	return bytes;
}

int gpu_vram_churn(struct gpu_device *gpu, u64 bytes, unsigned int max_blocks)
{
	unsigned long nr = bytes >> GPU_BLOCK_SHIFT, done = 0, n = 0, i;
	struct gpu_bo **bos;
	int ret = 0;

	if (!max_blocks || (bytes & (GPU_BLOCK_SIZE - 1)))
		return -EINVAL;
	if (bytes > gpu_vram_free(gpu))
		return -ENOSPC;
	bos = kvmalloc_array(nr ? nr : 1, sizeof(*bos), GFP_KERNEL);
	if (!bos)
		return -ENOMEM;

	/* Other clients allocate a lot of small buffers... */
	while (done < nr) {
		unsigned long k = 1 + gpu_rng(gpu) % max_blocks;
		struct gpu_bo *bo;

		k = min(k, nr - done);
		bo = gpu_bo_create(gpu, (u64)k << GPU_BLOCK_SHIFT);
		if (IS_ERR(bo)) {
			ret = PTR_ERR(bo);
			break;
		}
		bo->background = true;
		bos[n++] = bo;
		done += k;
	}
	/* ...and free about half of them, in no particular order. */
	for (i = 0; i < n; i++)
		if (ret || gpu_rng(gpu) & 1)
			gpu_bo_put(bos[i]);
	kvfree(bos);
	return ret;
}

/* Buffer objects */

struct gpu_bo *gpu_bo_create(struct gpu_device *gpu, u64 size)
{
	struct gpu_bo *bo;
	int ret;

	if (!size || size > gpu->vram_size)
		return ERR_PTR(-EINVAL);
	size = round_up(size, GPU_BLOCK_SIZE);
	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	kref_init(&bo->ref);
	bo->gpu = gpu;
	bo->size = size;

	mutex_lock(&gpu->lock);
	ret = gpu_vram_alloc(gpu, size >> GPU_BLOCK_SHIFT, &bo->ext,
			     &bo->nr_ext);
	if (ret) {
		mutex_unlock(&gpu->lock);
		kfree(bo);
		return ERR_PTR(ret);
	}
	bo->mmap_pgoff = gpu->next_pgoff;
	gpu->next_pgoff += size >> PAGE_SHIFT;
	list_add_tail(&bo->node, &gpu->bos);
	mutex_unlock(&gpu->lock);
	return bo;
}

struct gpu_bo *gpu_bo_get(struct gpu_bo *bo)
{
	kref_get(&bo->ref);
	return bo;
}

static void gpu_bo_release(struct kref *ref)
{
	struct gpu_bo *bo = container_of(ref, struct gpu_bo, ref);
	struct gpu_device *gpu = bo->gpu;

	mutex_lock(&gpu->lock);
	WARN_ON_ONCE(bo->pin_count);
	gpu_vram_free_ext(gpu, bo->ext, bo->nr_ext);
	list_del(&bo->node);
	mutex_unlock(&gpu->lock);
	kfree(bo->ext);
	kfree(bo);
}

void gpu_bo_put(struct gpu_bo *bo)
{
	if (bo)
		kref_put(&bo->ref, gpu_bo_release);
}

/* Extent holding byte @offset (< size) of @bo, and the offset inside it. */
static unsigned int gpu_bo_find(const struct gpu_bo *bo, u64 offset,
				u64 *inner)
{
	unsigned int i;

	for (i = 0; i < bo->nr_ext; i++) {
		u64 bytes = (u64)bo->ext[i].nr << GPU_BLOCK_SHIFT;

		if (offset < bytes)
			break;
		offset -= bytes;
	}
	*inner = offset;
	return i;
}

/* Offset in the VRAM BAR of byte @inner of extent @e. */
static u64 gpu_ext_bar_off(const struct gpu_extent *e, u64 inner)
{
	return ((u64)e->block << GPU_BLOCK_SHIFT) + inner;
}

phys_addr_t gpu_bo_phys(struct gpu_bo *bo, u64 offset, u64 *contig)
{
	struct gpu_device *gpu = bo->gpu;
	phys_addr_t phys;
	unsigned int i;
	u64 inner;

	if (WARN_ON_ONCE(offset >= bo->size))
		return 0;
	mutex_lock(&gpu->lock);
	i = gpu_bo_find(bo, offset, &inner);
	phys = pci_resource_start(gpu->pdev, GPU_VRAM_BAR) +
	       gpu_ext_bar_off(&bo->ext[i], inner);
	if (contig)
		*contig = ((u64)bo->ext[i].nr << GPU_BLOCK_SHIFT) - inner;
	mutex_unlock(&gpu->lock);
	return phys;
}

/* CPU access through the BAR, as the driver's upload/download paths. */
static int gpu_bo_rw(struct gpu_bo *bo, u64 offset, void *buf, size_t len,
		     bool write)
{
	struct gpu_device *gpu = bo->gpu;
	unsigned int i;
	u8 *p = buf;
	u64 inner;
	int ret = 0;

	if (offset > bo->size || len > bo->size - offset)
		return -EINVAL;
	mutex_lock(&gpu->lock);
	for (i = gpu_bo_find(bo, offset, &inner); len; i++, inner = 0) {
		const struct gpu_extent *e = &bo->ext[i];
		size_t n = min_t(u64, len,
				 ((u64)e->nr << GPU_BLOCK_SHIFT) - inner);
		u64 off = gpu_ext_bar_off(e, inner);

		if (write)
			ret = sim_bar_write(gpu->pdev, GPU_VRAM_BAR, off, p, n);
		else
			ret = sim_bar_read(gpu->pdev, GPU_VRAM_BAR, off, p, n);
		if (ret)
			break;
		p += n;
		len -= n;
	}
	mutex_unlock(&gpu->lock);
	return ret;
}

int gpu_bo_write(struct gpu_bo *bo, u64 offset, const void *buf, size_t len)
{
	return gpu_bo_rw(bo, offset, (void *)buf, len, true);
}

int gpu_bo_read(struct gpu_bo *bo, u64 offset, void *buf, size_t len)
{
	return gpu_bo_rw(bo, offset, buf, len, false);
}

/* mmap and the p2p VMA operations */

u64 gpu_bo_mmap_offset(const struct gpu_bo *bo)
{
	return (u64)bo->mmap_pgoff << PAGE_SHIFT;
}

/* Byte offset in @bo of user address @addr of @vma. */
static u64 gpu_vma_bo_offset(const struct vm_area_struct *vma,
			     const struct gpu_bo *bo, unsigned long addr)
{
	return ((u64)(vma->vm_pgoff - bo->mmap_pgoff) << PAGE_SHIFT) +
	       (addr - vma->vm_start);
}

/* Append bytes [@offset, @offset + @len) of @bo; the lock is held. */
static int gpu_bo_append(struct gpu_bo *bo, u64 offset, u64 len,
			 struct dma_vec_provider *prov,
			 struct dma_vec_table *tbl, gfp_t gfp)
{
	unsigned int first, last, i;
	u64 inner, last_inner;
	int ret;

	first = gpu_bo_find(bo, offset, &inner);
	last = gpu_bo_find(bo, offset + len - 1, &last_inner);
	/* One range per extent at most: size the table once. */
	if (last - first + 1 > UINT_MAX - tbl->nr)
		return -E2BIG;
	ret = dma_vec_table_reserve(tbl, tbl->nr + (last - first + 1), gfp);
	if (ret)
		return ret;
	for (i = first; len; i++, inner = 0) {
		const struct gpu_extent *e = &bo->ext[i];
		u64 n = min(len, ((u64)e->nr << GPU_BLOCK_SHIFT) - inner);

		ret = dma_vec_append(tbl, prov->base + gpu_ext_bar_off(e, inner),
				     n, prov, gfp);
		if (ret)
			return ret;
		len -= n;
	}
	return 0;
}

static void gpu_pin_release(struct dma_vec_pin *pin);

static int gpu_vm_p2p_map(struct vm_area_struct *vma, unsigned long start,
			  unsigned long end, bool write,
			  struct dma_vec_table *tbl, struct dma_vec_pin *pin,
			  gfp_t gfp)
{
	struct gpu_bo *bo = vma->vm_private_data;
	struct gpu_device *gpu = bo->gpu;
	struct dma_vec_checkpoint cp;
	u64 offset, len = end - start;
	int ret;

	if (WARN_ON_ONCE(start >= end || start < vma->vm_start ||
			 end > vma->vm_end || vma->vm_pgoff < bo->mmap_pgoff))
		return -EINVAL;
	if (write && !(vma->vm_flags & VM_WRITE))
		return -EACCES;
	offset = gpu_vma_bo_offset(vma, bo, start);
	if (offset > bo->size || len > bo->size - offset)
		return -EFAULT;		/* a mapping past the end of the bo */

	mutex_lock(&gpu->lock);
	if (!gpu->prov) {
		/* Resetting: no new importers until the new generation. */
		ret = -EAGAIN;
		goto out;
	}
	dma_vec_checkpoint(tbl, &cp);
	ret = gpu_bo_append(bo, offset, len, &gpu->prov->prov, tbl, gfp);
	if (ret) {
		dma_vec_rollback(tbl, &cp);
		goto out;
	}
	/*
	 * The pin: the blocks stay put until the pin is released or a reset.
	 * It holds the buffer, so releasing needs no VMA.
	 */
	pin->release = gpu_pin_release;
	pin->cookie = bo;
	kref_get(&bo->ref);
	bo->pin_count++;
	bo->pin_gen = gpu->generation;
	gpu->nr_pins++;
	gpu->p2p_maps++;
out:
	mutex_unlock(&gpu->lock);
	return ret;
}

static void gpu_pin_release(struct dma_vec_pin *pin)
{
	struct gpu_bo *bo = pin->cookie;
	struct gpu_device *gpu = bo->gpu;

	mutex_lock(&gpu->lock);
	if (WARN_ON_ONCE(!bo->pin_count)) {
		mutex_unlock(&gpu->lock);
		return;
	}
	bo->pin_count--;
	gpu->nr_pins--;
	gpu_free_retired(gpu);
	mutex_unlock(&gpu->lock);
	gpu_bo_put(bo);
}

const struct vm_operations_struct gpu_vm_ops = {
	.p2p_map = gpu_vm_p2p_map,
};

struct vm_area_struct *gpu_bo_mmap(struct gpu_bo *bo, struct mm_struct *mm,
				   unsigned long addr, u64 offset, u64 len,
				   unsigned int flags)
{
	vm_flags_t vm_flags = VM_READ | VM_MAYREAD | VM_SHARED | VM_MAYSHARE |
			      VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP;
	struct vm_area_struct *vma;

	if (!len || ((addr | offset | len) & ~PAGE_MASK) ||
	    offset > bo->size || len > bo->size - offset ||
	    addr + len < addr)
		return ERR_PTR(-EINVAL);
	if (!(flags & GPU_MMAP_READ_ONLY))
		vm_flags |= VM_WRITE | VM_MAYWRITE;

	mmap_write_lock(mm);
	vma = sim_vma_add(mm, addr, addr + len, vm_flags, &gpu_vm_ops, bo);
	if (vma)
		vma->vm_pgoff = bo->mmap_pgoff + (offset >> PAGE_SHIFT);
	mmap_write_unlock(mm);
	return vma ? vma : ERR_PTR(-EEXIST);
}

/* Migration and reset */

static bool gpu_page_is_zero(const u64 *p)
{
	size_t i;

	for (i = 0; i < PAGE_SIZE / sizeof(*p); i++)
		if (p[i])
			return false;
	return true;
}

/*
 * Copy one extent's worth of pages, leaving never-written pages unwritten
 * (the sparse BAR stays sparse) unless the destination holds stale data.
 */
static int gpu_copy_pages(struct gpu_device *gpu, u64 src, u64 dst, u64 len,
			  u64 *buf)
{
	u64 *other = buf + PAGE_SIZE / sizeof(*buf);
	u64 off;
	int ret;

	for (off = 0; off < len; off += PAGE_SIZE) {
		ret = sim_bar_read(gpu->pdev, GPU_VRAM_BAR, src + off, buf,
				   PAGE_SIZE);
		if (ret)
			return ret;
		if (gpu_page_is_zero(buf)) {
			ret = sim_bar_read(gpu->pdev, GPU_VRAM_BAR, dst + off,
					   other, PAGE_SIZE);
			if (ret)
				return ret;
			if (gpu_page_is_zero(other))
				continue;
		}
		ret = sim_bar_write(gpu->pdev, GPU_VRAM_BAR, dst + off, buf,
				    PAGE_SIZE);
		if (ret)
			return ret;
	}
	return 0;
}

int gpu_bo_move(struct gpu_bo *bo)
{
	struct gpu_device *gpu = bo->gpu;
	struct gpu_extent *ext;
	unsigned int nr_ext, s = 0, d = 0;
	u64 s_in = 0, d_in = 0, left = bo->size;
	u64 *buf;
	int ret;

	buf = kmalloc(2 * PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	mutex_lock(&gpu->lock);
	if (gpu->in_reset) {
		ret = -EAGAIN;
		goto out;
	}
	if (bo->pin_count && bo->pin_gen == gpu->generation) {
		/* Importers hold it in place: revoke first (a reset). */
		ret = -EBUSY;
		goto out;
	}
	ret = gpu_vram_alloc(gpu, bo->size >> GPU_BLOCK_SHIFT, &ext, &nr_ext);
	if (ret)
		goto out;
	while (left) {
		const struct gpu_extent *se = &bo->ext[s], *de = &ext[d];
		u64 n = min3(left, ((u64)se->nr << GPU_BLOCK_SHIFT) - s_in,
			     ((u64)de->nr << GPU_BLOCK_SHIFT) - d_in);

		ret = gpu_copy_pages(gpu, gpu_ext_bar_off(se, s_in),
				     gpu_ext_bar_off(de, d_in), n, buf);
		if (ret) {
			gpu_vram_free_ext(gpu, ext, nr_ext);
			kfree(ext);
			goto out;
		}
		left -= n;
		s_in += n;
		d_in += n;
		if (s_in == (u64)se->nr << GPU_BLOCK_SHIFT) {
			s++;
			s_in = 0;
		}
		if (d_in == (u64)de->nr << GPU_BLOCK_SHIFT) {
			d++;
			d_in = 0;
		}
	}
	gpu_vram_free_ext(gpu, bo->ext, bo->nr_ext);
	kfree(bo->ext);
	bo->ext = ext;
	bo->nr_ext = nr_ext;
out:
	mutex_unlock(&gpu->lock);
	kfree(buf);
	return ret;
}

int gpu_bo_migrate(struct gpu_bo *bo)
{
	int ret = gpu_bo_move(bo);

	if (ret != -EBUSY)
		return ret;
	gpu_reset_begin(bo->gpu);
	ret = gpu_reset_end(bo->gpu);
	return ret ? ret : gpu_bo_move(bo);
}

void gpu_reset_begin(struct gpu_device *gpu)
{
	struct gpu_provider *p;

	mutex_lock(&gpu->lock);
	if (WARN_ON_ONCE(gpu->in_reset)) {
		mutex_unlock(&gpu->lock);
		return;
	}
	gpu->in_reset = true;
	p = gpu->prov;
	gpu->prov = NULL;
	list_add_tail(&p->node, &gpu->retired);
	mutex_unlock(&gpu->lock);

	/*
	 * Importers are told and unmap (perhaps dropping their pins, which
	 * takes the lock: not held here).  Only then do the old addresses
	 * stop working.
	 */
	dma_vec_provider_revoke(&p->prov);
	sim_bar_enable(gpu->pdev, GPU_VRAM_BAR, false);
}

int gpu_reset_end(struct gpu_device *gpu)
{
	struct gpu_provider *p;

	mutex_lock(&gpu->lock);
	if (WARN_ON_ONCE(!gpu->in_reset)) {
		mutex_unlock(&gpu->lock);
		return -EINVAL;
	}
	p = gpu_provider_new(gpu);
	if (IS_ERR(p)) {
		mutex_unlock(&gpu->lock);
		return PTR_ERR(p);	/* still in reset; try again */
	}
	p->generation = ++gpu->generation;
	sim_bar_enable(gpu->pdev, GPU_VRAM_BAR, true);
	gpu->prov = p;
	gpu->in_reset = false;
	gpu_free_retired(gpu);
	mutex_unlock(&gpu->lock);
	return 0;
}
