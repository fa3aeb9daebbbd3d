// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of the example driver on the simulated platform.  The test plays
 * the device: it reads the ring and moves the data with sim_dma(), which
 * faults, with a readable report, on anything outside a live mapping.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <asm/byteorder.h>
#include <linux/errno.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <shim/shim.h>
#include <shim/sim.h>

#include "ring_driver.h"

struct machine {
	struct pci_dev *engine, *gpu;
	struct dma_vec_provider gpu_bar;
	u8 *ram;
	phys_addr_t ram_pa;
};

/* A copy engine and a GPU below one PCIe switch; 64 KiB of host RAM. */
static void machine_init(struct machine *m)
{
	struct sim_host_bridge_desc hd = { .vendor = 0x8086, .device = 0x2030 };
	struct pci_host_bridge *hb;
	struct pci_dev *rp, *down[2];

	sim_reset();
	hb = sim_add_host_bridge(&hd);
	rp = sim_add_root_port(hb, PCI_DEVFN(1, 0));
	sim_add_switch(rp->subordinate, 2, down);
	m->engine = sim_add_endpoint(down[0]->subordinate, 0, 0);
	m->gpu = sim_add_endpoint(down[1]->subordinate, 0, SZ_256M);
	assert_int_equal(dma_vec_provider_init_pci(&m->gpu_bar, m->gpu, 0, 0, 0,
						   NULL), 0);
	m->ram = shim_ram_alloc(SZ_64K, &m->ram_pa);
	assert_non_null(m->ram);
}

static void machine_fini(struct machine *m)
{
	dma_vec_provider_destroy(&m->gpu_bar);
	shim_ram_free(m->ram);
	assert_int_equal(sim_live_mappings(NULL), 0);
	sim_reset();
}

/*
 * The device: walk the ring, move each segment between @data and memory.
 * Returns 0 or -EFAULT at the first fault.
 */
static int device_run(struct device *dev, dma_addr_t ring, u8 *data)
{
	struct ring_desc d;
	unsigned int i;
	size_t off = 0;
	int ret;

	for (i = 0; ; i++) {
		ret = sim_dma(dev, ring + i * sizeof(d), &d, sizeof(d), false);
		if (ret)
			return ret;
		ret = sim_dma(dev, le64_to_cpu(d.addr), data + off,
			      le32_to_cpu(d.len),
			      le32_to_cpu(d.flags) & RING_DESC_TO_MEM);
		if (ret)
			return ret;
		off += le32_to_cpu(d.len);
		if (le32_to_cpu(d.flags) & RING_DESC_LAST)
			return 0;
	}
}

static void fill(u8 *p, size_t n, unsigned int seed)
{
	while (n--)
		*p++ = (u8)(seed += 0x9d);
}

static void test_to_device_from_ram(void **state)
{
	struct dma_vec_table tbl;
	struct machine m;
	struct ring r;
	long live = shim_live_objects();
	u8 got[0x5000];

	(void)state;
	machine_init(&m);
	fill(m.ram, SZ_64K, 1);
	dma_vec_table_init(&tbl);
	assert_int_equal(dma_vec_append(&tbl, m.ram_pa + 0x100, 0x2000, NULL,
					GFP_KERNEL), 0);
	assert_int_equal(dma_vec_append(&tbl, m.ram_pa + 0x8000, 0x3000, NULL,
					GFP_KERNEL), 0);
	assert_int_equal(ring_init(&r, &m.engine->dev, 16), 0);
	assert_int_equal(ring_post(&r, &tbl, DMA_TO_DEVICE), 0);
	assert_int_equal(device_run(&m.engine->dev, r.desc_dma, got), 0);
	ring_complete(&r);
	assert_memory_equal(got, m.ram + 0x100, 0x2000);
	assert_memory_equal(got + 0x2000, m.ram + 0x8000, 0x3000);
	ring_fini(&r);
	dma_vec_table_release(&tbl);
	machine_fini(&m);
	assert_int_equal(sim_faults(), 0);
	assert_int_equal(shim_live_objects(), live);
}

/* Peer-to-peer: the engine writes straight into the GPU's BAR. */
static void test_from_device_into_gpu_bar(void **state)
{
	u8 *data = malloc(SZ_256K), *check = malloc(SZ_256K);
	struct dma_vec_table tbl;
	struct machine m;
	struct ring r;

	(void)state;
	assert_non_null(data);
	assert_non_null(check);
	machine_init(&m);
	fill(data, SZ_256K, 7);
	dma_vec_table_init(&tbl);
	assert_int_equal(dma_vec_append(&tbl, m.gpu_bar.base + SZ_2M, SZ_256K,
					&m.gpu_bar, GFP_KERNEL), 0);
	assert_int_equal(ring_init(&r, &m.engine->dev, 16), 0);
	assert_int_equal(ring_post(&r, &tbl, DMA_FROM_DEVICE), 0);
	/* 256 KiB in segments of the device's 64 KiB maximum. */
	assert_int_equal(r.used, 4);
	assert_int_equal(device_run(&m.engine->dev, r.desc_dma, data), 0);
	ring_complete(&r);
	assert_int_equal(sim_bar_read(m.gpu, 0, SZ_2M, check, SZ_256K), 0);
	assert_memory_equal(check, data, SZ_256K);
	ring_fini(&r);
	dma_vec_table_release(&tbl);
	machine_fini(&m);
	free(data);
	free(check);
}

/* The planted off-by-one is caught, and the report says where. */
static void test_planted_off_by_one(void **state)
{
	struct dma_vec_table tbl;
	struct machine m;
	struct ring r;
	u8 got[0x2000];
	char name[64];

	(void)state;
	machine_init(&m);
	dma_vec_table_init(&tbl);
	assert_int_equal(dma_vec_append(&tbl, m.ram_pa, 0x1000, NULL,
					GFP_KERNEL), 0);
	assert_int_equal(ring_init(&r, &m.engine->dev, 16), 0);
	r.bugs = RING_BUG_LEN_PLUS_ONE;
	assert_int_equal(ring_post(&r, &tbl, DMA_TO_DEVICE), 0);
	assert_int_equal(device_run(&m.engine->dev, r.desc_dma, got), -EFAULT);
	assert_int_equal(sim_faults(), 1);
	print_message("  report: %s\n", sim_last_fault());
	snprintf(name, sizeof(name), "%s", pci_name(m.engine));
	assert_non_null(strstr(sim_last_fault(), name));
	assert_non_null(strstr(sim_last_fault(), "read"));
	assert_non_null(strstr(sim_last_fault(), "past the end of mapping"));
	ring_complete(&r);
	ring_fini(&r);
	dma_vec_table_release(&tbl);
	machine_fini(&m);
}

/* The planted use after unmap is caught too. */
static void test_planted_use_after_unmap(void **state)
{
	struct dma_vec_table tbl;
	struct machine m;
	struct ring r;
	u8 got[0x1000];

	(void)state;
	machine_init(&m);
	dma_vec_table_init(&tbl);
	assert_int_equal(dma_vec_append(&tbl, m.ram_pa + 0x4000, 0x1000, NULL,
					GFP_KERNEL), 0);
	assert_int_equal(ring_init(&r, &m.engine->dev, 16), 0);
	r.bugs = RING_BUG_UNMAP_EARLY;
	assert_int_equal(ring_post(&r, &tbl, DMA_FROM_DEVICE), 0);
	assert_int_equal(device_run(&m.engine->dev, r.desc_dma, got), -EFAULT);
	assert_int_equal(sim_faults(), 1);
	print_message("  report: %s\n", sim_last_fault());
	assert_non_null(strstr(sim_last_fault(), pci_name(m.engine)));
	assert_non_null(strstr(sim_last_fault(), "write"));
	ring_complete(&r);
	ring_fini(&r);
	dma_vec_table_release(&tbl);
	machine_fini(&m);
}

/* A ring too small for the transfer: -ENOSPC and nothing left mapped. */
static void test_ring_too_small(void **state)
{
	struct dma_vec_table tbl;
	unsigned long ring_maps;
	struct machine m;
	struct ring r;

	(void)state;
	machine_init(&m);
	dma_vec_table_init(&tbl);
	assert_int_equal(dma_vec_append(&tbl, m.gpu_bar.base, SZ_1M, &m.gpu_bar,
					GFP_KERNEL), 0);
	assert_int_equal(ring_init(&r, &m.engine->dev, 4), 0);
	ring_maps = sim_live_mappings(NULL);
	assert_int_equal(ring_post(&r, &tbl, DMA_TO_DEVICE), -ENOSPC);
	assert_int_equal(sim_live_mappings(NULL), ring_maps);
	ring_fini(&r);
	dma_vec_table_release(&tbl);
	machine_fini(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_to_device_from_ram),
		cmocka_unit_test(test_from_device_into_gpu_bar),
		cmocka_unit_test(test_planted_off_by_one),
		cmocka_unit_test(test_planted_use_after_unmap),
		cmocka_unit_test(test_ring_too_small),
	};

	return cmocka_run_group_tests_name("ring_driver", tests, NULL, NULL);
}
