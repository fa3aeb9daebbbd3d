// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the NVMe data pointer builders (PRP and SGL).
 *
 * The input describes a controller (page size, SGL support, MDTS, SGL
 * threshold, the pool block size it claims) and up to 16 DMA ranges (any
 * addresses: misaligned, wrapping, ending at 2^64, huge).  Every data
 * pointer a builder returns is executed by the controller oracle
 * (compat/models/nvme_oracle.c), which reads every PRP list and SGL segment
 * through the simulated DMA engine and must accept it for exactly the
 * transfer length; every refusal must leave the outputs untouched and no
 * descriptor block allocated, and no range reaching 2^64 may be accepted.
 */
#include <linux/dmapool.h>
#include <linux/nvme.h>
#include <shim/sim.h>

#include "fuzz.h"
#include "dma_vec_nvme.h"
#include <shim/nvme_oracle.h>

#define FZ_NR_PS	3

static const unsigned int page_shifts[FZ_NR_PS] = { 12, 13, 16 };
static struct device *dev;

static void init_once(void)
{
	static const struct sim_dev_desc desc = { .dma_bits = 64 };

	if (!dev)
		dev = sim_add_device("fuzz-nvme", NULL, &desc);
}

static u64 steer(struct fz *f, u64 page)
{
	uint8_t sel = fz_u8(f);
	u64 v = fz_val(f);

	switch (sel & 3) {
	case 0:		/* page aligned, in a 16 TiB space */
		return (v % (1ULL << 44)) & ~(page - 1);
	case 1:		/* dword aligned */
		return (v % (1ULL << 44)) & ~3ULL;
	default:
		return v;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct dma_vec_drange r[16];
	struct dma_vec_nvme_ctrl ctrl = { };
	struct dma_vec_nvme_data d, pd;
	union nvme_data_ptr dptr, pdptr;
	struct nvme_oracle o = { };
	struct nvme_oracle_cmd cmd = { };
	struct nvme_oracle_result res;
	unsigned int i, nr, ps;
	bool reaches_top = false, len_overflow = false;
	uint8_t flags, mode, fail;
	u64 page, total = 0;
	long live;
	int ret;

	init_once();
	live = fz_begin();
	flags = fz_u8(&f);
	ps = fz_u8(&f) % FZ_NR_PS;
	ctrl.page_shift = page_shifts[ps];
	page = 1ULL << ctrl.page_shift;
	/* A pool per input: its pages are live objects until destroyed. */
	ctrl.pool = dma_pool_create("fuzz", dev, page, page, 0);
	if (!ctrl.pool)
		abort();
	ctrl.pool_block = flags & 1 ? fz_u32(&f) : page;
	ctrl.sgls = fz_u8(&f) % 4;
	/*
	 * Without an MDTS the limit of DMA_VEC_NVME_MAX_ENTRIES applies; a
	 * transfer near it takes the oracle a while, so most inputs get a
	 * 64 MiB MDTS unless they ask for none (flag 128).
	 */
	ctrl.max_transfer = flags & 2 ? fz_val(&f) :
			    flags & 128 ? 0 : 64ULL << 20;
	ctrl.sgl_threshold = flags & 4 ? fz_u32(&f) : 0;
	mode = fz_u8(&f) % 3;
	nr = fz_u8(&f) % 16 + (flags & 8 ? 0 : 1);
	for (i = 0; i < nr; i++) {
		u64 end;

		r[i].addr = steer(&f, page);
		r[i].len = flags & 16 ? fz_val(&f) :
			   (fz_u32(&f) % (1U << 22)) & ~(flags & 32 ? 0 : 3ULL);
		if (!r[i].len)
			r[i].len = page;
		if (__builtin_add_overflow(r[i].addr, r[i].len, &end))
			reaches_top = true;
		if (__builtin_add_overflow(total, r[i].len, &total))
			len_overflow = true;
	}
	fail = fz_u8(&f);

	memset(&d, 0x5a, sizeof(d));
	memset(&dptr, 0x5a, sizeof(dptr));
	pd = d;
	pdptr = dptr;
	if (fail < 8)
		shim_fail_nth(fail % 3 + 1);
	if (mode == 0)
		ret = dma_vec_nvme_setup_prps(&ctrl, r, nr, &dptr, &d,
					      GFP_KERNEL);
	else if (mode == 1)
		ret = dma_vec_nvme_setup_sgls(&ctrl, r, nr, &dptr, &d,
					      GFP_KERNEL);
	else
		ret = dma_vec_nvme_setup_data(&ctrl, r, nr, &dptr, &d,
					      GFP_KERNEL);
	shim_fail_nth(0);

	if (ret) {
		FZ_CHECK(ret == -EINVAL || ret == -EOVERFLOW || ret == -E2BIG ||
			 ret == -ENOMEM || ret == -EOPNOTSUPP);
		FZ_CHECK(!memcmp(&d, &pd, sizeof(d)));
		FZ_CHECK(!memcmp(&dptr, &pdptr, sizeof(dptr)));
		FZ_CHECK(!shim_dma_pool_in_use(ctrl.pool));
		if (ctrl.pool_block < page)
			FZ_CHECK(ret == -EINVAL || ret == -EOPNOTSUPP);
		dma_pool_destroy(ctrl.pool);
		fz_end(live, 0);
		return 0;
	}

	/* Accepted: sane input, and a data pointer the controller takes. */
	FZ_CHECK(nr && !reaches_top && !len_overflow);
	FZ_CHECK(ctrl.pool_block >= page);
	FZ_CHECK(!ctrl.max_transfer || total <= ctrl.max_transfer);
	FZ_CHECK(mode != 0 || !d.sgl);
	FZ_CHECK(mode != 1 || d.sgl);
	FZ_CHECK(!d.sgl || ctrl.sgls == 1 || ctrl.sgls == 2);
	FZ_CHECK(d.nr_pages == shim_dma_pool_in_use(ctrl.pool));
	o.dev = dev;
	o.mps = ctrl.page_shift - 12;
	o.sgls = ctrl.sgls == 3 ? 0 : ctrl.sgls;
	cmd.flags = d.sgl ? NVME_CMD_SGL_METABUF : 0;
	cmd.write = flags & 64;
	cmd.dptr = dptr;
	cmd.len = total;
	ret = nvme_oracle_exec(&o, &cmd, NULL, &res);
	if (ret) {
		fprintf(stderr, "oracle: %s\n", res.err);
		FZ_CHECK(!ret);
	}
	dma_vec_nvme_free_data(&d);
	FZ_CHECK(!shim_dma_pool_in_use(ctrl.pool));
	dma_pool_destroy(ctrl.pool);
	fz_end(live, 0);
	return 0;
}
