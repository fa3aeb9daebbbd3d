// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: the per-I/O NVMe request path, differentially.
 *
 * The input describes a command (PRPs or SGLs, the controller page size,
 * the announced length, the provider's bus offset) and up to 24 pieces of
 * host RAM or of a peer window below the same PCIe switch as the
 * controller, at any offset and of any length: misaligned, empty, crossing
 * either end of the window or of RAM, wrapping.  The same pieces go into a
 * command in up to five ways:
 *
 *   A. range by range, dma_vec_nvme_rq_add();
 *   B. runs of one owner, dma_vec_nvme_rq_add_ranges() (its one-loop
 *      paths), cut into calls of at most a chosen number of ranges;
 *   C. as B after dma_vec_nvme_rq_host_pages(), nvme-pci's bvec path,
 *      when every host piece is in RAM;
 *   D. one table, dma_vec_nvme_rq_add_table() (whose peer runs are not
 *      checked again), when dma_vec_append() takes every piece;
 *   E. the first pieces range by range, the rest as one table, when
 *      dma_vec_append() takes those: what the general path left pending
 *      meets a table run.
 *
 * Every way must give A's answer: the same error, or a data pointer that
 * the controller oracle executes to exactly the pieces' bytes.  After
 * dma_vec_nvme_rq_end() nothing is allocated, held or mapped.
 *
 * FZ_DUMP=1 in the environment prints each input as decoded.
 */
#include <linux/align.h>
#include <linux/dmapool.h>
#include <linux/nvme.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <shim/sim.h>

#include "fuzz.h"
#include "dma_vec_nvme.h"
#include <shim/nvme_oracle.h>

#define BAR_SIZE	SZ_4M
#define WIN_OFF		SZ_1M
#define WIN_SIZE	SZ_2M
#define RAM_SIZE	SZ_1M
#define MEDIA_SIZE	SZ_8M
#define MAX_PIECES	24

enum { WAY_ONE, WAY_RUNS, WAY_PAGES, WAY_TABLE, WAY_MIXED, NR_WAYS };

struct piece {
	bool host;
	u64 off;	/* from the start of RAM or of the window */
	u64 len;
};

static struct {
	struct pci_dev *nvme, *gpu;
	struct device *dev;
	struct dma_vec_provider prov;
	u64 bus_offset;		/* the provider's own */
	u8 *bar;		/* what BAR 0 holds */
	u8 *ram;		/* host memory, page aligned, never written */
	phys_addr_t ram_pa;
	u8 *media, *want;
} rig;

static void init_once(void)
{
	struct sim_host_bridge_desc h = {
		.vendor = PCI_VENDOR_ID_INTEL,
		.device = 0x2030,
	};
	struct pci_host_bridge *hb;
	struct pci_dev *rp, *down[2];
	const char *why;
	void *ram;
	size_t i;

	if (rig.dev)
		return;
	hb = sim_add_host_bridge(&h);
	rp = hb ? sim_add_root_port(hb, PCI_DEVFN(1, 0)) : NULL;
	if (!rp || !sim_add_switch(rp->subordinate, 2, down))
		abort();
	rig.nvme = sim_add_endpoint(down[0]->subordinate, 0, 0);
	rig.gpu = sim_add_endpoint(down[1]->subordinate, 0, BAR_SIZE);
	if (!rig.nvme || !rig.gpu)
		abort();
	rig.dev = &rig.nvme->dev;
	if (dma_vec_provider_init_pci(&rig.prov, rig.gpu, 0, WIN_OFF, WIN_SIZE,
				      NULL) ||
	    dma_vec_classify(&rig.prov, rig.dev, GFP_KERNEL, &why) !=
	    DMA_VEC_MAP_BUS_ADDR)
		abort();
	rig.bus_offset = rig.prov.bus_offset;
	rig.bar = malloc(BAR_SIZE);
	rig.media = malloc(MEDIA_SIZE);
	rig.want = malloc(MEDIA_SIZE);
	ram = shim_ram_alloc(RAM_SIZE + SZ_4K, &rig.ram_pa);
	if (!rig.bar || !rig.media || !rig.want || !ram)
		abort();
	rig.ram = (u8 *)ram + (ALIGN(rig.ram_pa, SZ_4K) - rig.ram_pa);
	rig.ram_pa = ALIGN(rig.ram_pa, SZ_4K);
	for (i = 0; i < BAR_SIZE; i++)
		rig.bar[i] = (u8)(i * 7 + (i >> 12) + 1);
	for (i = 0; i < RAM_SIZE; i++)
		rig.ram[i] = (u8)(i * 13 + (i >> 12) + 2);
	if (sim_bar_write(rig.gpu, 0, 0, rig.bar, BAR_SIZE))
		abort();
}

static phys_addr_t piece_pa(const struct piece *p)
{
	return (p->host ? rig.ram_pa : rig.prov.base) + p->off;
}

/* An offset near the ends of the area, inside it, or anywhere. */
static u64 steer_off(struct fz *f, u64 area)
{
	uint8_t sel = fz_u8(f);
	u64 v = fz_u32(f);

	switch (sel & 7) {
	case 0: case 1: case 2:	/* a page of the area */
		return (v % (area >> 12)) << 12;
	case 3:			/* a dword of the area */
		return (v % area) & ~3ULL;
	case 4:			/* just below its end */
		return area - (v % (3 * SZ_4K) + 1);
	case 5:			/* just below its start */
		return -(v % (2 * SZ_4K) + 1);
	case 6:
		return v % area;
	default:
		return fz_val(f);
	}
}

static u64 steer_len(struct fz *f)
{
	uint8_t sel = fz_u8(f);
	u64 v = fz_u32(f);

	switch (sel & 7) {
	case 0: case 1: case 2:	/* whole pages */
		return (v % 8 + 1) << 12;
	case 3:			/* a small piece */
		return v % 64 + 1;
	case 4:			/* up to a page end, from the offset */
		return 0;
	case 5:
		return v % (64 * SZ_4K);
	default:
		return fz_val(f);
	}
}

/* Build the command one way; its error, or 0 with *@dptr written. */
static int build(unsigned int way, const struct piece *p, unsigned int nr,
		 struct dma_vec_nvme_rq *rq, const struct dma_vec_nvme_ctrl *c,
		 bool sgl, u64 len, unsigned int split, unsigned int mix,
		 union nvme_data_ptr *dptr)
{
	struct dma_vec_prange r[MAX_PIECES];
	struct dma_vec_table tbl;
	unsigned int i, j, n;
	int ret;

	ret = dma_vec_nvme_rq_start(rq, c, rig.dev, DMA_TO_DEVICE, 0, sgl, len,
				    GFP_KERNEL);
	if (ret)
		return ret;
	for (i = 0; i < nr; i++)
		r[i] = (struct dma_vec_prange){ piece_pa(&p[i]), p[i].len };
	switch (way) {
	case WAY_ONE:
	case WAY_MIXED:
		/* E: the pieces before @mix; the table takes the rest. */
		for (i = 0; !ret && i < (way == WAY_ONE ? nr : mix); i++)
			ret = dma_vec_nvme_rq_add(rq, r[i].paddr, r[i].len,
						  p[i].host ? NULL :
						  &rig.prov);
		break;
	case WAY_RUNS:
	case WAY_PAGES:
		if (way == WAY_PAGES)
			dma_vec_nvme_rq_host_pages(rq);
		for (i = 0; !ret && i < nr; i += n) {
			for (j = i + 1; j < nr && p[j].host == p[i].host; j++)
				;
			n = min(j - i, split);
			ret = dma_vec_nvme_rq_add_ranges(rq, r + i, n,
							 p[i].host ? NULL :
							 &rig.prov);
		}
		break;
	}
	if (way == WAY_TABLE || (way == WAY_MIXED && !ret)) {
		dma_vec_table_init(&tbl);
		for (i = way == WAY_MIXED ? mix : 0; !ret && i < nr; i++)
			ret = dma_vec_append(&tbl, r[i].paddr, r[i].len,
					     p[i].host ? NULL : &rig.prov,
					     GFP_KERNEL);
		FZ_CHECK(!ret);		/* the caller checked */
		ret = dma_vec_nvme_rq_add_table(rq, &tbl);
		dma_vec_table_release(&tbl);
	}
	return ret ? ret : dma_vec_nvme_rq_finish(rq, dptr);
}

/* Whether dma_vec_append() takes every piece, as a table would hold it. */
static bool table_holds(const struct piece *p, unsigned int nr)
{
	struct dma_vec_table tbl;
	unsigned int i;
	int ret = 0;

	dma_vec_table_init(&tbl);
	for (i = 0; !ret && i < nr; i++)
		ret = dma_vec_append(&tbl, piece_pa(&p[i]), p[i].len,
				     p[i].host ? NULL : &rig.prov, GFP_KERNEL);
	dma_vec_table_release(&tbl);
	return !ret;
}

/* Every host piece in RAM: what the block layer's pages would be. */
static bool host_in_ram(const struct piece *p, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (p[i].host && (!p[i].len || p[i].off >= RAM_SIZE ||
				  p[i].len > RAM_SIZE - p[i].off))
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int shifts[] = { 12, 12, 13, 16 };
	struct fz f = { data, size };
	struct piece p[MAX_PIECES];
	struct dma_vec_nvme_rq *rq;
	struct dma_vec_nvme_ctrl ctrl = { };
	struct nvme_oracle o = { };
	unsigned int i, nr, way, split, mix;
	int want = 0, ret;
	bool sgl, sum_ok;
	u64 len = 0, sum = 0, page, off;
	uint8_t flags;
	long live;

	init_once();
	live = fz_begin();
	flags = fz_u8(&f);
	ctrl.page_shift = shifts[flags & 3];
	page = 1ULL << ctrl.page_shift;
	ctrl.pool_block = page;
	ctrl.sgls = DMA_VEC_NVME_SGLS;
	/*
	 * nvme-pci's cap.  Without one a command may announce gigabytes, and
	 * a loop that sets up the PRP list at its first range then fails
	 * its allocation (-ENOMEM) where range by range a later range is
	 * refused first: with memory short, either answer is right.
	 */
	ctrl.max_transfer = MEDIA_SIZE;
	ctrl.max_map = flags & 4 ? (u64)(fz_u8(&f) % 16 + 1) << 12 : 0;
	sgl = flags & 8;
	split = flags & 16 ? fz_u8(&f) % 4 + 1 : MAX_PIECES;
	if (flags & 32)
		rig.prov.bus_offset = fz_val(&f);
	nr = fz_u8(&f) % MAX_PIECES + 1;
	mix = fz_u8(&f) % nr;
	for (i = 0; i < nr; i++) {
		p[i].host = fz_u8(&f) & 1;
		p[i].off = steer_off(&f, p[i].host ? RAM_SIZE : WIN_SIZE);
		p[i].len = steer_len(&f);
		if (!p[i].len)	/* to the end of the offset's page */
			p[i].len = SZ_4K - (p[i].off & (SZ_4K - 1));
	}
	sum_ok = true;
	for (i = 0; i < nr; i++)
		sum_ok &= !__builtin_add_overflow(sum, p[i].len, &sum);
	/* The pieces' length, or a little more or less, or anything. */
	switch (fz_u8(&f) & 7) {
	case 0:
		len = sum + fz_u8(&f) % 8 + 1;
		break;
	case 1:
		len = sum - (fz_u8(&f) % 8 + 1);
		break;
	case 2:
		len = fz_val(&f);
		break;
	default:
		len = sum;
		break;
	}

	if (getenv("FZ_DUMP")) {
		fprintf(stderr, "shift %u max_map %llu sgl %d split %u bus %llx len %llx\n",
			ctrl.page_shift, (unsigned long long)ctrl.max_map, sgl,
			split, (unsigned long long)rig.prov.bus_offset,
			(unsigned long long)len);
		for (i = 0; i < nr; i++)
			fprintf(stderr, "  %s off %llx len %llx\n",
				p[i].host ? "host" : "peer",
				(unsigned long long)p[i].off,
				(unsigned long long)p[i].len);
	}
	rq = malloc(sizeof(*rq));
	FZ_CHECK(rq);
	ctrl.pool = dma_pool_create("fuzz rq", rig.dev, page, page, 0);
	FZ_CHECK(ctrl.pool);
	for (way = 0; way < NR_WAYS; way++) {
		union nvme_data_ptr dptr, dptr0;
		struct nvme_oracle_result res;

		if ((way == WAY_PAGES && !host_in_ram(p, nr)) ||
		    (way == WAY_TABLE && !table_holds(p, nr)) ||
		    (way == WAY_MIXED && (!mix || !table_holds(p + mix,
							       nr - mix))))
			continue;
		memset(&dptr, 0xcc, sizeof(dptr));
		dptr0 = dptr;
		ret = build(way, p, nr, rq, &ctrl, sgl, len, split, mix,
			    &dptr);
		if (way == WAY_ONE)
			want = ret;
		if (ret != want) {
			fprintf(stderr, "way %u: %d, range by range: %d\n", way,
				ret, want);
			FZ_CHECK(ret == want);
		}
		if (ret) {
			FZ_CHECK(!memcmp(&dptr, &dptr0, sizeof(dptr)));
		} else {
			struct nvme_oracle_cmd cmd = {
				.flags = rq->data.sgl ? NVME_CMD_SGL_METABUF :
					 0,
				.write = true,
				.dptr = dptr,
				.len = len,
			};

			FZ_CHECK(sum_ok && len == sum);
			FZ_CHECK(rq->data.sgl == sgl);
			/* Never a peer byte outside the window. */
			for (i = 0; i < nr; i++)
				FZ_CHECK(p[i].host ||
					 (p[i].off < WIN_SIZE &&
					  p[i].len <= WIN_SIZE - p[i].off));
			/*
			 * Host bytes outside RAM_SIZE are not the rig's, and
			 * a bus offset of the input's is not the platform's:
			 * then the answers are compared, not the bytes.
			 */
			if (len <= MEDIA_SIZE && host_in_ram(p, nr) &&
			    rig.prov.bus_offset == rig.bus_offset) {
				o.dev = rig.dev;
				o.mps = ctrl.page_shift - 12;
				o.sgls = NVME_ORACLE_SGLS_BYTE;
				memset(rig.media, 0x5a, len);
				ret = nvme_oracle_exec(&o, &cmd, rig.media,
						       &res);
				if (ret)
					fprintf(stderr, "way %u: oracle: %s\n",
						way, res.err);
				FZ_CHECK(!ret);
				for (i = 0, off = 0; i < nr;
				     off += p[i++].len)
					memcpy(rig.want + off, p[i].host ?
					       rig.ram + p[i].off :
					       rig.bar + WIN_OFF + p[i].off,
					       p[i].len);
				FZ_CHECK(!memcmp(rig.media, rig.want, len));
			}
		}
		dma_vec_nvme_rq_end(rq);
		FZ_CHECK(!shim_dma_pool_in_use(ctrl.pool));
		FZ_CHECK(sim_live_mappings(rig.dev) ==
			 shim_dma_pool_pages(ctrl.pool));
	}
	dma_pool_destroy(ctrl.pool);
	FZ_CHECK(!sim_live_mappings(rig.dev));
	rig.prov.bus_offset = rig.bus_offset;
	free(rq);
	fz_end(live, 0);
	return 0;
}
