// SPDX-License-Identifier: GPL-2.0
/*
 * User addresses to dma_vec through the p2p_map VMA operation: one or
 * more VMAs of one or more exporters, every error answer, unwinding of
 * exporter pins and of the table, and the whole flow from a user address
 * to bytes moved by a peer.
 */
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <shim/sim.h>

#include "helpers.h"

#define VA	0x7f0000000000UL

/* A minimal BAR exporter: a VMA maps a window of its BAR linearly. */
struct exporter {
	struct dma_vec_provider prov;
	unsigned int maps;
	unsigned int unmaps;
	int fail;
};

static void exp_release(struct dma_vec_pin *pin)
{
	struct exporter *x = pin->cookie;

	assert_true(pin->start < pin->end);
	x->unmaps++;
}

static int exp_p2p_map(struct vm_area_struct *vma, unsigned long start,
		       unsigned long end, bool write, struct dma_vec_table *tbl,
		       struct dma_vec_pin *pin, gfp_t gfp)
{
	struct exporter *x = vma->vm_private_data;
	phys_addr_t pa = x->prov.base + (vma->vm_pgoff << PAGE_SHIFT) +
			 (start - vma->vm_start);
	int ret;

	assert_true(start >= vma->vm_start && end <= vma->vm_end);
	assert_true(start < end);
	if (x->fail)
		return x->fail;
	ret = dma_vec_append(tbl, pa, end - start, &x->prov, gfp);
	if (!ret) {
		x->maps++;
		pin->release = exp_release;
		pin->cookie = x;
	}
	return ret;
}

static const struct vm_operations_struct exp_ops = {
	.p2p_map = exp_p2p_map,
};

static const struct vm_operations_struct no_p2p_ops = { };

#define RW	(VM_READ | VM_WRITE | VM_SHARED | VM_IO | VM_PFNMAP)

struct env {
	struct pci_dev *gpu[2], *nic;
	struct exporter x[2];
	struct mm_struct *mm;
};

/* Two GPUs and a NIC below one switch; each GPU exports its BAR 0. */
static void env_init(struct env *e)
{
	struct sim_host_bridge_desc hd = { .vendor = 0x8086, .device = 0x2030 };
	struct pci_host_bridge *hb = sim_add_host_bridge(&hd);
	struct pci_dev *rp = sim_add_root_port(hb, PCI_DEVFN(1, 0));
	struct pci_dev *down[3];
	unsigned int i;

	memset(e, 0, sizeof(*e));
	sim_add_switch(rp->subordinate, 3, down);
	for (i = 0; i < 2; i++) {
		e->gpu[i] = sim_add_endpoint(down[i]->subordinate, 0, SZ_1G);
		assert_int_equal(dma_vec_provider_init_pci(&e->x[i].prov,
							   e->gpu[i], 0, 0, 0,
							   NULL), 0);
	}
	e->nic = sim_add_endpoint(down[2]->subordinate, 0, 0);
	e->mm = sim_mm_create();
	assert_non_null(e->mm);
}

static void env_fini(struct env *e)
{
	assert_int_equal(e->x[0].maps, e->x[0].unmaps);
	assert_int_equal(e->x[1].maps, e->x[1].unmaps);
	dma_vec_provider_destroy(&e->x[0].prov);
	dma_vec_provider_destroy(&e->x[1].prov);
	sim_mm_destroy(e->mm);
}

static struct vm_area_struct *vma_of(struct env *e, unsigned long start,
				     unsigned long len, unsigned long flags,
				     unsigned int gpu, unsigned long pgoff)
{
	struct vm_area_struct *vma;

	vma = sim_vma_add(e->mm, start, start + len, flags, &exp_ops,
			  &e->x[gpu]);
	assert_non_null(vma);
	vma->vm_pgoff = pgoff;
	return vma;
}

static void test_one_vma(void **state)
{
	struct dma_vec_user u = { };
	struct dma_vec_table t;
	struct env e;

	(void)state;
	env_init(&e);
	vma_of(&e, VA, SZ_1M, RW, 0, 16);
	dma_vec_table_init(&t);
	assert_int_equal(dma_vec_from_user(e.mm, VA + 0x1800, 0x3000, true, &t,
					   &u, GFP_KERNEL), 0);
	assert_int_equal(t.nr, 1);
	assert_int_equal(t.ranges[0].paddr, e.x[0].prov.base + 16 * PAGE_SIZE +
			 0x1800);
	assert_int_equal(t.ranges[0].len, 0x3000);
	assert_ptr_equal(dma_vec_range_provider(&t, 0), &e.x[0].prov);
	assert_int_equal(e.x[0].maps, 1);
	dma_vec_put_user(&u);
	assert_int_equal(e.x[0].unmaps, 1);
	dma_vec_table_release(&t);
	env_fini(&e);
}

/*
 * Three VMAs: two contiguous ones of GPU 0 whose BAR windows follow each
 * other (one merged range), then one of GPU 1 (never merged).
 */
static void test_vmas_and_exporters(void **state)
{
	struct dma_vec_user u = { };
	struct dma_vec_table t;
	struct env e;

	(void)state;
	env_init(&e);
	vma_of(&e, VA, 0x4000, RW, 0, 0);
	vma_of(&e, VA + 0x4000, 0x4000, RW, 0, 4);
	vma_of(&e, VA + 0x8000, 0x4000, RW, 1, 0);
	dma_vec_table_init(&t);
	assert_int_equal(dma_vec_from_user(e.mm, VA + 0x1000, 0x9000, false, &t,
					   &u, GFP_KERNEL), 0);
	assert_int_equal(t.nr, 2);
	assert_int_equal(t.nr_runs, 2);
	assert_int_equal(t.ranges[0].paddr, e.x[0].prov.base + 0x1000);
	assert_int_equal(t.ranges[0].len, 0x7000);
	assert_int_equal(t.ranges[1].paddr, e.x[1].prov.base);
	assert_int_equal(t.ranges[1].len, 0x2000);
	assert_int_equal(e.x[0].maps, 2);
	assert_int_equal(e.x[1].maps, 1);
	dma_vec_put_user(&u);
	dma_vec_table_release(&t);
	env_fini(&e);
}

static void test_errors(void **state)
{
	struct dma_vec_user u = { };
	static const struct {
		unsigned long start, len;
		bool write;
		int ret;
	} cases[] = {
		{ VA, 0, false, -EINVAL },		/* empty */
		{ ~0UL - 0xfff, 0x2000, false, -EFAULT },	/* wraps */
		{ VA - 0x1000, 0x2000, false, -EFAULT },	/* starts unmapped */
		{ VA + 0x3000, 0x2000, false, -EFAULT },	/* hole after */
		{ VA + 0x10000, 0x1000, false, -EOPNOTSUPP },	/* no p2p_map */
		{ VA + 0x20000, 0x1000, false, -EOPNOTSUPP },	/* no vm_ops */
		{ VA + 0x30000, 0x1000, true, -EACCES },	/* read-only */
		{ VA + 0x40000, 0x1000, false, -EACCES },	/* write-only */
	};
	struct dma_vec_table t;
	struct dvt_snapshot snap;
	struct env e;
	unsigned int i;

	(void)state;
	env_init(&e);
	vma_of(&e, VA, 0x4000, RW, 0, 0);
	assert_non_null(sim_vma_add(e.mm, VA + 0x10000, VA + 0x11000, RW,
				    &no_p2p_ops, NULL));
	assert_non_null(sim_vma_add(e.mm, VA + 0x20000, VA + 0x21000,
				    VM_READ | VM_WRITE, NULL, NULL));
	vma_of(&e, VA + 0x30000, 0x1000, VM_READ | VM_SHARED, 0, 0x30);
	vma_of(&e, VA + 0x40000, 0x1000, VM_WRITE | VM_SHARED, 0, 0x40);

	/* A table with content already: errors must leave it as it was. */
	dma_vec_table_init(&t);
	assert_int_equal(dma_vec_append(&t, e.x[0].prov.base + SZ_2M, 0x1000,
					&e.x[0].prov, GFP_KERNEL), 0);
	dvt_snapshot_take(&snap, &t);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(dma_vec_from_user(e.mm, cases[i].start,
						   cases[i].len, cases[i].write,
						   &t, &u, GFP_KERNEL), cases[i].ret);
		dvt_snapshot_check(&snap, &t);
		assert_int_equal(e.x[0].maps, e.x[0].unmaps);
	}
	/* The same read-only VMA serves reads. */
	assert_int_equal(dma_vec_from_user(e.mm, VA + 0x30000, 0x1000, false, &t,
					   &u, GFP_KERNEL), 0);
	dma_vec_put_user(&u);
	dvt_snapshot_drop(&snap);
	dma_vec_table_release(&t);
	env_fini(&e);
}

/* The second exporter fails: the first one's pin is released. */
static void test_exporter_failure_unwinds(void **state)
{
	struct dma_vec_user u = { };
	struct dma_vec_table t;
	struct env e;

	(void)state;
	env_init(&e);
	vma_of(&e, VA, 0x4000, RW, 0, 0);
	vma_of(&e, VA + 0x4000, 0x4000, RW, 1, 0);
	e.x[1].fail = -EBUSY;
	dma_vec_table_init(&t);
	assert_int_equal(dma_vec_from_user(e.mm, VA, 0x8000, true, &t,
					   &u, GFP_KERNEL), -EBUSY);
	assert_int_equal(t.nr, 0);
	assert_int_equal(t.len, 0);
	assert_int_equal(e.x[0].maps, 1);
	assert_int_equal(e.x[0].unmaps, 1);
	dma_vec_table_release(&t);
	env_fini(&e);
}

/* Every allocation failing in turn inside a multi-VMA resolution. */
static void test_enomem_unwinds(void **state)
{
	struct dma_vec_user u = { };
	unsigned long n, fired = 0;
	struct env e;
	unsigned int i;

	(void)state;
	env_init(&e);
	/* 40 VMAs alternating between the GPUs: growth of ranges and runs. */
	for (i = 0; i < 40; i++)
		vma_of(&e, VA + i * 0x2000UL, 0x2000, RW, i & 1, i * 4);
	for (n = 1; ; n++) {
		struct dma_vec_table t;
		bool hit;
		int ret;

		dma_vec_table_init(&t);
		shim_fail_nth(n);
		ret = dma_vec_from_user(e.mm, VA, 40 * 0x2000UL, true, &t,
					&u, GFP_KERNEL);
		hit = !shim_fail_pending();
		shim_fail_nth(0);
		if (ret) {
			assert_int_equal(ret, -ENOMEM);
			assert_int_equal(t.nr, 0);
			assert_int_equal(e.x[0].maps, e.x[0].unmaps);
			assert_int_equal(e.x[1].maps, e.x[1].unmaps);
			fired++;
		} else {
			assert_int_equal(t.nr, 40);
			dma_vec_put_user(&u);
		}
		dma_vec_table_release(&t);
		if (!hit)
			break;
	}
	print_message("  %lu allocation failures unwound\n", fired);
	assert_true(fired >= 4);
	env_fini(&e);
}

/* From a user address to bytes written by a peer NIC into the GPU BAR. */
static void test_user_to_peer_dma(void **state)
{
	struct dma_vec_user u = { };
	struct dma_vec_table t;
	struct dma_vec_map m = { };
	u8 out[0x3000], in[0x3000];
	struct env e;
	unsigned int i;

	(void)state;
	env_init(&e);
	vma_of(&e, VA, 0x4000, RW, 0, 0x100);
	vma_of(&e, VA + 0x4000, 0x4000, RW, 1, 0x200);
	dma_vec_table_init(&t);
	assert_int_equal(dma_vec_from_user(e.mm, VA + 0x2800, 0x3000, true, &t,
					   &u, GFP_KERNEL), 0);
	assert_int_equal(dma_vec_map_table(&m, &t, &e.nic->dev, DMA_FROM_DEVICE,
					   0, NULL, NULL, GFP_KERNEL), 0);
	for (i = 0; i < sizeof(out); i++)
		out[i] = (u8)(i * 13 + 1);
	/* A window past the ranges is refused before anything moves. */
	assert_int_equal(sim_dma_ranges(&e.nic->dev, m.ranges, m.nr, 1, out,
					sizeof(out), true), -EINVAL);
	assert_int_equal(sim_bar_read(e.gpu[0], 0, 0x100 * PAGE_SIZE + 0x2800,
				      in, 1), 0);
	assert_int_equal(in[0], 0);
	assert_int_equal(sim_dma_ranges(&e.nic->dev, m.ranges, m.nr, 0, out,
					sizeof(out), true), 2);
	assert_int_equal(sim_bar_read(e.gpu[0], 0, 0x100 * PAGE_SIZE + 0x2800,
				      in, 0x1800), 0);
	assert_int_equal(sim_bar_read(e.gpu[1], 0, 0x200 * PAGE_SIZE,
				      in + 0x1800, 0x1800), 0);
	assert_memory_equal(in, out, sizeof(out));
	dma_vec_unmap(&m);
	dma_vec_put_user(&u);
	dma_vec_table_release(&t);
	env_fini(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, dvt_sim_setup, dvt_sim_teardown)
		T(test_one_vma),
		T(test_vmas_and_exporters),
		T(test_errors),
		T(test_exporter_failure_unwinds),
		T(test_enomem_unwinds),
		T(test_user_to_peer_dma),
#undef T
	};

	return cmocka_run_group_tests_name("vma", tests, NULL, NULL);
}
