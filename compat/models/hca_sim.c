// SPDX-License-Identifier: GPL-2.0
/*
 * The simulated RDMA HCA; see hca_sim.h.  Test code, not kernel code: it
 * plays the hardware (and the bits of a driver that only fill its tables).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bitops.h>
#include <linux/log2.h>
#include <shim/sim.h>

#include <shim/hca_sim.h>

#define HCA_KEY_TAG	0x5a

void hca_init(struct hca *h, struct device *dev, bool soft)
{
	memset(h, 0, sizeof(*h));
	h->dev = dev;
	h->soft = soft;
	h->max_sge = 4;
	h->max_sge_rd = 4;
	h->max_pages = 1U << 17;
	/* 4 KiB, 64 KiB, 2 MiB and 1 GiB pages. */
	h->pgsz_bitmap = (1UL << 12) | (1UL << 16) | (1UL << 21) | (1UL << 30);
	h->last_reject = "";
}

static u32 hca_key(unsigned int idx)
{
	return (idx + 1) << 8 | HCA_KEY_TAG;
}

static struct hca_region *hca_lookup(struct hca *h, u32 key)
{
	unsigned int idx = (key >> 8) - 1;

	if ((key & 0xff) != HCA_KEY_TAG || (key >> 8) == 0 ||
	    idx >= HCA_MAX_KEYS || h->keys[idx].type == HCA_REG_NONE)
		return NULL;
	return &h->keys[idx];
}

static struct hca_region *hca_slot(struct hca *h, u32 *key)
{
	unsigned int i;

	for (i = 0; i < HCA_MAX_KEYS; i++) {
		if (h->keys[i].type == HCA_REG_NONE) {
			memset(&h->keys[i], 0, sizeof(h->keys[i]));
			*key = hca_key(i);
			return &h->keys[i];
		}
	}
	return NULL;
}

/* A free key for a region of @type; NULL when the table is full. */
static struct hca_region *hca_reg(struct hca *h, enum hca_region_type type,
				  int access, u32 *key)
{
	struct hca_region *r = hca_slot(h, key);

	if (r) {
		r->type = type;
		r->access = access;
	}
	return r;
}

u32 hca_reg_phys(struct hca *h, const struct dma_vec_drange *ranges,
		 unsigned int nr, int access)
{
	u32 key = 0;
	struct hca_region *r = hca_reg(h, HCA_REG_PHYS, access, &key);

	if (r) {
		r->ranges = ranges;
		r->nr = nr;
	}
	return key;
}

u32 hca_reg_dma(struct hca *h, int access)
{
	u32 key = 0;

	hca_reg(h, HCA_REG_DMA, access, &key);
	return key;
}

u32 hca_reg_table(struct hca *h, const struct dma_vec_table *tbl, int access)
{
	u32 key = 0;
	struct hca_region *r = hca_reg(h, HCA_REG_TABLE, access, &key);

	if (r)
		r->tbl = tbl;
	return key;
}

void hca_dereg(struct hca *h, u32 key)
{
	struct hca_region *r = hca_lookup(h, key);

	if (r)
		memset(r, 0, sizeof(*r));
}

int hca_mr_alloc(struct hca *h, struct hca_mr *mr, enum ib_mr_type type,
		 unsigned int max_entries)
{
	struct hca_region *r;
	u32 key = 0;

	memset(mr, 0, sizeof(*mr));
	if (type != IB_MR_TYPE_MEM_REG && type != IB_MR_TYPE_SG_GAPS)
		return -EINVAL;
	r = hca_slot(h, &key);
	if (!r)
		return -ENOMEM;
	if (type == IB_MR_TYPE_MEM_REG)
		mr->pages = calloc(max_entries, sizeof(*mr->pages));
	else
		mr->klms = calloc(max_entries, sizeof(*mr->klms));
	if (!mr->pages && !mr->klms)
		return -ENOMEM;
	r->type = HCA_REG_MR;
	r->mr = mr;
	mr->hca = h;
	mr->max = max_entries;
	mr->ibmr.type = type;
	mr->ibmr.lkey = key;
	mr->ibmr.rkey = key;
	return 0;
}

void hca_mr_free(struct hca_mr *mr)
{
	if (mr->hca)
		hca_dereg(mr->hca, mr->ibmr.lkey);
	free(mr->pages);
	free(mr->klms);
	memset(mr, 0, sizeof(*mr));
}

int hca_set_page(void *ctx, u64 addr)
{
	struct hca_mr *mr = ctx;

	if (!mr->pages || mr->nr >= mr->max)
		return -ENOMEM;
	mr->pages[mr->nr++] = addr;
	return 0;
}

int hca_set_klm(void *ctx, u64 addr, u32 len)
{
	struct hca_mr *mr = ctx;

	if (!mr->klms || mr->nr >= mr->max)
		return -ENOMEM;
	mr->klms[mr->nr].addr = addr;
	mr->klms[mr->nr].len = len;
	mr->nr++;
	return 0;
}

void hca_mr_reset(struct hca_mr *mr)
{
	mr->nr = 0;
	mr->valid = false;
}

void hca_mr_invalidate(struct hca_mr *mr)
{
	mr->valid = false;
}

static int hca_reject(struct hca *h, int err, const char *why)
{
	h->rejects++;
	h->last_reject = why;
	return err;
}

int hca_mr_register(struct hca_mr *mr, int access)
{
	struct hca *h = mr->hca;
	const struct ib_mr *ib = &mr->ibmr;
	unsigned int i;

	if (!ib->length)
		return hca_reject(h, -EINVAL, "empty MR");
	if (ib->type == IB_MR_TYPE_MEM_REG) {
		u64 ps = ib->page_size, mask = ps - 1, need;

		if (!is_power_of_2(ps) || !(h->pgsz_bitmap & ps))
			return hca_reject(h, -EINVAL, "unsupported page size");
		for (i = 0; i < mr->nr; i++)
			if (mr->pages[i] & mask)
				return hca_reject(h, -EINVAL,
						  "misaligned page list");
		need = ((ib->iova & mask) + ib->length + mask) >>
		       ilog2(ps);
		if (need > mr->nr || mr->nr > h->max_pages)
			return hca_reject(h, -EINVAL, "page list too short");
	} else {
		u64 sum = 0;

		for (i = 0; i < mr->nr; i++)
			sum += mr->klms[i].len;
		if (sum < ib->length)
			return hca_reject(h, -EINVAL, "KLM list too short");
	}
	mr->access = access;
	mr->valid = true;
	h->regs++;
	return 0;
}

static bool hca_within(u64 addr, u64 len, u64 base, u64 size)
{
	return addr >= base && addr - base <= size && len <= size - (addr - base);
}

/*
 * Move @len bytes at region address @addr to or from @buf (@to_mem: @buf
 * to memory), or only check the bounds when @dry.
 */
static int hca_walk(struct hca *h, const struct hca_region *r, u64 addr,
		    u64 len, u8 *buf, bool to_mem, bool dry)
{
	const struct hca_mr *mr = r->mr;
	unsigned int i;
	int ret;

	if (!len)
		return 0;
	if (h->soft != (r->type == HCA_REG_TABLE))
		return -EOPNOTSUPP;
	switch (r->type) {
	case HCA_REG_PHYS:
		for (i = 0; i < r->nr; i++)
			if (hca_within(addr, len, r->ranges[i].addr,
				       r->ranges[i].len))
				break;
		if (i == r->nr)
			return -EINVAL;
		return dry ? 0 : sim_dma(h->dev, addr, buf, len, to_mem);
	case HCA_REG_DMA:
		/* Any address: the DMA engine faults outside a mapping. */
		return dry ? 0 : sim_dma(h->dev, addr, buf, len, to_mem);
	case HCA_REG_TABLE: {
		struct dma_vec_slice s;

		if (!hca_within(addr, len, 0, dma_vec_len(r->tbl)))
			return -EINVAL;
		if (dry)
			return 0;
		ret = dma_vec_slice(r->tbl, addr, len, &s);
		if (!ret)
			ret = to_mem ? dma_vec_copy_from_buf(&s, buf) :
				       dma_vec_copy_to_buf(&s, buf);
		return ret;
	}
	case HCA_REG_MR:
		break;
	default:
		return -EINVAL;
	}

	if (!mr->valid)
		return -EINVAL;
	if (!hca_within(addr, len, mr->ibmr.iova, mr->ibmr.length))
		return -EINVAL;
	if (dry)
		return 0;
	if (mr->ibmr.type == IB_MR_TYPE_MEM_REG) {
		u64 ps = mr->ibmr.page_size, mask = ps - 1;
		u64 base = mr->ibmr.iova & ~mask;
		unsigned int shift = ilog2(ps);

		while (len) {
			u64 off = addr & mask, n = min(len, ps - off);

			ret = sim_dma(h->dev, mr->pages[(addr - base) >> shift] +
				      off, buf, n, to_mem);
			if (ret)
				return ret;
			addr += n;
			buf += n;
			len -= n;
		}
		return 0;
	}
	/* KLMs: end to end from iova. */
	addr -= mr->ibmr.iova;
	for (i = 0; len; i++) {
		u64 n;

		if (addr >= mr->klms[i].len) {
			addr -= mr->klms[i].len;
			continue;
		}
		n = min(len, mr->klms[i].len - addr);
		ret = sim_dma(h->dev, mr->klms[i].addr + addr, buf, n, to_mem);
		if (ret)
			return ret;
		addr = 0;
		buf += n;
		len -= n;
	}
	return 0;
}

static int hca_rdma(struct hca *h, const struct ib_rdma_wr *wr,
		    struct hca *peer)
{
	bool read = wr->wr.opcode == IB_WR_RDMA_READ;
	u32 max = read ? h->max_sge_rd : h->max_sge;
	int local_need = read ? IB_ACCESS_LOCAL_WRITE : 0;
	int remote_need = read ? IB_ACCESS_REMOTE_READ : IB_ACCESS_REMOTE_WRITE;
	const struct hca_region *rr;
	u64 total = 0, off;
	int i, ret = 0;
	u8 *buf;

	if (wr->wr.num_sge < 0 || (u32)wr->wr.num_sge > max)
		return hca_reject(h, -E2BIG, "too many SGEs");
	for (i = 0; i < wr->wr.num_sge; i++) {
		const struct ib_sge *sge = &wr->wr.sg_list[i];
		const struct hca_region *lr = hca_lookup(h, sge->lkey);
		int access;

		if (!lr)
			return hca_reject(h, -EINVAL, "bad lkey");
		access = lr->type == HCA_REG_MR ? lr->mr->access : lr->access;
		if ((access & local_need) != local_need)
			return hca_reject(h, -EACCES, "no local write access");
		ret = hca_walk(h, lr, sge->addr, sge->length, NULL, false,
			       true);
		if (ret)
			return hca_reject(h, ret, "SGE outside its region");
		total += sge->length;
	}
	rr = hca_lookup(peer, wr->rkey);
	if (!rr)
		return hca_reject(h, -EINVAL, "bad rkey");
	if (rr->type != HCA_REG_MR && rr->type != HCA_REG_TABLE)
		return hca_reject(h, -EINVAL, "rkey is not an MR");
	if (((rr->type == HCA_REG_MR ? rr->mr->access : rr->access) &
	     remote_need) != remote_need)
		return hca_reject(h, -EACCES, "no remote access");
	ret = hca_walk(peer, rr, wr->remote_addr, total, NULL, false, true);
	if (ret)
		return hca_reject(h, ret, "remote access outside the MR");

	buf = malloc(total ? total : 1);
	if (!buf)
		return -ENOMEM;
	if (read)
		ret = hca_walk(peer, rr, wr->remote_addr, total, buf, false,
			       false);
	for (i = 0, off = 0; !ret && i < wr->wr.num_sge; i++) {
		const struct ib_sge *sge = &wr->wr.sg_list[i];

		ret = hca_walk(h, hca_lookup(h, sge->lkey), sge->addr,
			       sge->length, buf + off, read, false);
		off += sge->length;
	}
	if (!ret && !read)
		ret = hca_walk(peer, rr, wr->remote_addr, total, buf, true,
			       false);
	free(buf);
	if (ret)
		return hca_reject(h, ret, "data movement failed");
	h->bytes += total;
	return 0;
}

int hca_post(struct hca *h, const struct ib_send_wr *wr, struct hca *peer)
{
	int ret;

	for (; wr; wr = wr->next) {
		switch (wr->opcode) {
		case IB_WR_REG_MR: {
			const struct ib_reg_wr *reg = reg_wr(wr);
			struct hca_mr *mr = container_of(reg->mr, struct hca_mr,
							 ibmr);

			if (mr->hca != h || reg->key != reg->mr->lkey)
				return hca_reject(h, -EINVAL, "bad REG_MR");
			ret = hca_mr_register(mr, reg->access);
			break;
		}
		case IB_WR_RDMA_READ:
		case IB_WR_RDMA_WRITE:
			ret = hca_rdma(h, rdma_wr(wr), peer);
			break;
		default:
			ret = hca_reject(h, -EOPNOTSUPP, "unsupported opcode");
			break;
		}
		if (ret)
			return ret;
		h->wrs++;
	}
	return 0;
}
