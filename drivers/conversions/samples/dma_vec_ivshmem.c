// SPDX-License-Identifier: GPL-2.0
/*
 * A peer-to-peer memory exporter without struct pages: QEMU's ivshmem-plain
 * device (PCI 1af4:1110), whose BAR 2 is shared memory, exported the way a
 * large-BAR GPU driver would export VRAM.
 *
 * - BAR 2 becomes a dma_vec provider: a description of the window (CPU
 *   physical base, bus offset, size).  No ZONE_DEVICE pages, no
 *   pci_p2pdma_add_resource(), no memremap_pages(): the BAR's PFNs keep
 *   having no memmap, which bind logs.
 * - /dev/dma_vec_ivshmemN maps the BAR (the mmap offset is the BAR offset)
 *   with io_remap_pfn_range(): a VM_IO | VM_PFNMAP mapping that
 *   get_user_pages() refuses.
 * - The VMA's p2p_map operation tells importers (dma_vec_from_user(), e.g.
 *   NVMe passthrough) which physical ranges and which provider lie behind
 *   a user address, so they can DMA to the BAR without pinning pages.
 *   Each call hands out a struct dma_vec_pin (a reference on the device)
 *   that the importer releases through its callback, never through the
 *   VMA: user space may munmap while the DMA is in flight.  The number of
 *   pins not yet released is in /sys/class/misc/dma_vec_ivshmemN/p2p_pins.
 * - DMA_VEC_IVSHMEM_IOC_REVOKE, and unbinding the device, revoke the
 *   memory: user mappings are zapped (later CPU accesses get SIGBUS),
 *   importers are told through dma_vec_provider_revoke(), and new mmap()s
 *   and p2p_map()s fail with -ENODEV.
 */
#include <linux/dma_vec.h>
#include <linux/dma_vec_p2p.h>
#include <linux/dma_vec_user.h>
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/ioctl.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/pfn.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#define DVI_BAR			2
#define DVI_NAME		"dma_vec_ivshmem"

/*
 * Revoke the BAR for good (until the device is bound again).  Defined here
 * because a sample has no uapi header; user space uses the same value.
 */
#define DMA_VEC_IVSHMEM_IOC_REVOKE	_IO('V', 0x60)

static DEFINE_IDA(dvi_ida);

/**
 * struct dvi_dev - one bound ivshmem device
 * @kref: held by the PCI binding, every open file and every pin that
 *	p2p_map() handed out and the importer has not released yet, so
 *	@prov outlives its last user
 * @prov: BAR 2 as a dma_vec provider
 * @misc: the character device
 * @lock: protects @revoked and @files
 * @revoked: the BAR was revoked: no new mmap() or p2p_map()
 * @files: open files, whose mappings revocation zaps
 * @p2p_users: pins handed out by p2p_map() and not yet released
 * @id: N of /dev/dma_vec_ivshmemN
 * @name: name of the character device
 */
struct dvi_dev {
	struct kref kref;
	struct dma_vec_provider prov;
	struct miscdevice misc;
	struct mutex lock;		/* protects revoked and files */
	bool revoked;
	struct list_head files;
	atomic_t p2p_users;
	int id;
	char name[32];
};

/* An open file: linked into dvi_dev.files so revocation finds its VMAs. */
struct dvi_file {
	struct list_head entry;
	struct dvi_dev *dvi;
	struct file *file;
};

static void dvi_free(struct kref *kref)
{
	struct dvi_dev *dvi = container_of(kref, struct dvi_dev, kref);

	/* Revoked (unbind) or never mapped: no map can still be linked. */
	WARN_ON_ONCE(dma_vec_provider_destroy(&dvi->prov));
	ida_free(&dvi_ida, dvi->id);
	kfree(dvi);
}

static void dvi_put(struct dvi_dev *dvi)
{
	kref_put(&dvi->kref, dvi_free);
}

/* Count the PFNs of the BAR that have a memmap: none should. */
static unsigned long dvi_count_memmap(const struct dma_vec_provider *prov)
{
	unsigned long pfn, n = 0;

	for (pfn = PHYS_PFN(prov->base);
	     pfn <= PHYS_PFN(prov->base + prov->size - 1); pfn++)
		n += pfn_valid(pfn);
	return n;
}

/*
 * Withdraw the BAR: refuse new maps, zap every user mapping so the CPU can
 * no longer reach it, then tell the importers (their live dma_vec mappings
 * are detached; tables made by an earlier p2p_map() no longer map).
 */
static void dvi_revoke(struct dvi_dev *dvi)
{
	struct dvi_file *f;

	mutex_lock(&dvi->lock);
	if (dvi->revoked) {
		mutex_unlock(&dvi->lock);
		return;
	}
	dvi->revoked = true;
	list_for_each_entry(f, &dvi->files, entry)
		unmap_mapping_range(f->file->f_mapping, 0, 0, 1);
	mutex_unlock(&dvi->lock);

	dma_vec_provider_revoke(&dvi->prov);
	/* Still no memmap for the BAR, however it was used meanwhile. */
	dev_info(dvi->prov.owner,
		 "%s: BAR %d revoked (%d p2p_map users, %lu PFNs with memmap)\n",
		 dvi->name, DVI_BAR, atomic_read(&dvi->p2p_users),
		 dvi_count_memmap(&dvi->prov));
}

/*
 * Release one pin handed out by dvi_p2p_map().  Called by the importer
 * (dma_vec_put_user()) once its DMA has stopped, possibly long after user
 * space unmapped the VMA: it uses only the cookie, never the VMA.
 */
static void dvi_pin_release(struct dma_vec_pin *pin)
{
	struct dvi_dev *dvi = pin->cookie;

	atomic_dec(&dvi->p2p_users);
	dvi_put(dvi);
}

/*
 * The p2p_map operation (see vm_operations_struct in include/linux/mm.h):
 * append the BAR range behind [start, end) of @vma with its provider, and
 * pin it.  A GPU driver would look up and pin its buffer object here; the
 * sample's whole BAR is one object, so the pin is a reference on the
 * device, which keeps the provider alive until dvi_pin_release().
 */
static int dvi_p2p_map(struct vm_area_struct *vma, unsigned long start,
		       unsigned long end, bool write, struct dma_vec_table *tbl,
		       struct dma_vec_pin *pin, gfp_t gfp)
{
	struct dvi_dev *dvi = vma->vm_private_data;
	phys_addr_t paddr = dvi->prov.base + (vma->vm_pgoff << PAGE_SHIFT) +
			    (start - vma->vm_start);
	int ret;

	mutex_lock(&dvi->lock);
	if (dvi->revoked) {
		ret = -ENODEV;
	} else {
		ret = dma_vec_append(tbl, paddr, end - start, &dvi->prov, gfp);
		if (!ret) {
			kref_get(&dvi->kref);
			atomic_inc(&dvi->p2p_users);
			pin->release = dvi_pin_release;
			pin->cookie = dvi;
		}
	}
	mutex_unlock(&dvi->lock);
	return ret;
}

static const struct vm_operations_struct dvi_vm_ops = {
	.p2p_map = dvi_p2p_map,
};

/* /sys/class/misc/dma_vec_ivshmemN/p2p_pins: pins not yet released. */
static ssize_t p2p_pins_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct miscdevice *misc = dev_get_drvdata(dev);
	struct dvi_dev *dvi = container_of(misc, struct dvi_dev, misc);

	return sysfs_emit(buf, "%d\n", atomic_read(&dvi->p2p_users));
}
static DEVICE_ATTR_RO(p2p_pins);

static struct attribute *dvi_attrs[] = {
	&dev_attr_p2p_pins.attr,
	NULL
};
ATTRIBUTE_GROUPS(dvi);

static int dvi_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct dvi_file *f = file->private_data;
	struct dvi_dev *dvi = f->dvi;
	unsigned long len = vma->vm_end - vma->vm_start;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	int ret;

	/* Shared only: a private mapping would make remap_pfn_range() COW. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (off >= dvi->prov.size || len > dvi->prov.size - off)
		return -EINVAL;

	mutex_lock(&dvi->lock);
	if (dvi->revoked) {
		ret = -ENODEV;
		goto out;
	}
	vma->vm_ops = &dvi_vm_ops;
	vma->vm_private_data = dvi;
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	/* Sets VM_IO | VM_PFNMAP: no struct page behind these PTEs. */
	ret = io_remap_pfn_range(vma, vma->vm_start,
				 PHYS_PFN(dvi->prov.base + off), len,
				 vma->vm_page_prot);
out:
	mutex_unlock(&dvi->lock);
	return ret;
}

static int dvi_open(struct inode *inode, struct file *file)
{
	struct dvi_dev *dvi = container_of(file->private_data, struct dvi_dev,
					   misc);
	struct dvi_file *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	/* misc_open() holds misc_mtx: dvi cannot be unbound meanwhile. */
	kref_get(&dvi->kref);
	f->dvi = dvi;
	f->file = file;
	file->private_data = f;
	mutex_lock(&dvi->lock);
	list_add(&f->entry, &dvi->files);
	mutex_unlock(&dvi->lock);
	return 0;
}

static int dvi_release(struct inode *inode, struct file *file)
{
	struct dvi_file *f = file->private_data;
	struct dvi_dev *dvi = f->dvi;

	mutex_lock(&dvi->lock);
	list_del(&f->entry);
	mutex_unlock(&dvi->lock);
	kfree(f);
	dvi_put(dvi);
	return 0;
}

static long dvi_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct dvi_file *f = file->private_data;

	switch (cmd) {
	case DMA_VEC_IVSHMEM_IOC_REVOKE:
		dvi_revoke(f->dvi);
		return 0;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations dvi_fops = {
	.owner = THIS_MODULE,
	.open = dvi_open,
	.release = dvi_release,
	.mmap = dvi_mmap,
	.unlocked_ioctl = dvi_ioctl,
};

static int dvi_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct dvi_dev *dvi;
	unsigned long memmap;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	ret = pcim_request_region(pdev, DVI_BAR, DVI_NAME);
	if (ret)
		return ret;

	dvi = kzalloc(sizeof(*dvi), GFP_KERNEL);
	if (!dvi)
		return -ENOMEM;
	kref_init(&dvi->kref);
	mutex_init(&dvi->lock);
	INIT_LIST_HEAD(&dvi->files);
	dvi->id = ida_alloc(&dvi_ida, GFP_KERNEL);
	if (dvi->id < 0) {
		ret = dvi->id;
		kfree(dvi);
		return ret;
	}
	/* The whole BAR; no CPU mapping, no struct page. */
	ret = dma_vec_provider_init_pci(&dvi->prov, pdev, DVI_BAR, 0, 0, NULL);
	if (ret) {
		ida_free(&dvi_ida, dvi->id);
		kfree(dvi);
		return ret;
	}

	memmap = dvi_count_memmap(&dvi->prov);
	if (memmap)
		pci_warn(pdev, "BAR %d: %lu PFNs have a memmap\n", DVI_BAR,
			 memmap);
	else
		pci_info(pdev, "BAR %d %pa+%#llx: no memmap (pfn_valid() false for all %llu PFNs), exported without struct pages\n",
			 DVI_BAR, &dvi->prov.base, dvi->prov.size,
			 dvi->prov.size >> PAGE_SHIFT);

	snprintf(dvi->name, sizeof(dvi->name), DVI_NAME "%d", dvi->id);
	dvi->misc.minor = MISC_DYNAMIC_MINOR;
	dvi->misc.name = dvi->name;
	dvi->misc.fops = &dvi_fops;
	dvi->misc.parent = &pdev->dev;
	dvi->misc.groups = dvi_groups;
	ret = misc_register(&dvi->misc);
	if (ret) {
		dvi_put(dvi);
		return ret;
	}
	pci_set_drvdata(pdev, dvi);
	return 0;
}

/* Unbinding always revokes: the BAR goes away with the binding. */
static void dvi_remove(struct pci_dev *pdev)
{
	struct dvi_dev *dvi = pci_get_drvdata(pdev);

	misc_deregister(&dvi->misc);
	dvi_revoke(dvi);
	dvi_put(dvi);
}

static const struct pci_device_id dvi_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_REDHAT_QUMRANET, 0x1110) },
	{ }
};
MODULE_DEVICE_TABLE(pci, dvi_ids);

static struct pci_driver dvi_driver = {
	.name = DVI_NAME,
	.id_table = dvi_ids,
	.probe = dvi_probe,
	.remove = dvi_remove,
};
module_pci_driver(dvi_driver);

MODULE_DESCRIPTION("dma_vec sample: ivshmem BAR exported without struct pages");
MODULE_LICENSE("GPL");
