// SPDX-License-Identifier: GPL-2.0
/*
 * The NVMe controller oracle: the data pointer rules of the NVM Express
 * Base Specification (PRP entries and lists, SGL descriptors and
 * segments), applied strictly, with every descriptor read and every byte
 * moved by the simulated DMA engine as the controller device.
 *
 * PRP rules:
 *  - PRP1 may start at any dword-aligned offset in its memory page;
 *  - if the transfer ends in that page, PRP2 is not used (and must be 0);
 *    if it ends in the next page, PRP2 is that page (offset 0); else PRP2
 *    is a PRP list pointer, which may have an offset (qword aligned here,
 *    the entries being qwords): the list then runs to the end of its page;
 *  - every entry in a list has offset 0;
 *  - when more than one entry's worth of data remains at the last entry of
 *    a list page, that entry points to the next list page (offset 0).
 * SGL rules:
 *  - descriptor types 0h Data Block, 1h Bit Bucket, 2h Segment, 3h Last
 *    Segment; sub type 0h (Address) is the only one on PCIe;
 *  - SGL1 is a Data Block, Segment or Last Segment descriptor;
 *  - a Segment descriptor points to a segment that is not the last (so it
 *    ends with a Segment or Last Segment descriptor), a Last Segment
 *    descriptor to the last one (which holds no segment descriptors);
 *  - a (Last) Segment descriptor is only ever the last entry of a segment;
 *  - a segment's length is a non-zero multiple of 16;
 *  - reserved bytes (12-14; the address of a Bit Bucket) are zero;
 *  - Bit Buckets only with SGLS bit 16, and only when the controller
 *    writes host memory;
 *  - with SGLS bits 1:0 = 10b, Data Block addresses and lengths are dword
 *    aligned;
 *  - the data described equals the transfer length (SGLS bit 18, excess
 *    length, is not modelled).
 * Stricter than the specification, since no builder should emit them: a
 * zero-length Data Block or Bit Bucket is rejected, and so is PRP2 != 0
 * when it is not used.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/math.h>
#include <linux/minmax.h>
#include <shim/sim.h>

#include <shim/nvme_oracle.h>

#define SGL_TYPE_DATA		0x0
#define SGL_TYPE_BIT_BUCKET	0x1
#define SGL_TYPE_SEGMENT	0x2
#define SGL_TYPE_LAST_SEGMENT	0x3

/* The largest segment the oracle reads in one go. */
#define ORACLE_MAX_SEG_BYTES	(16U << 20)

struct oracle_extent {
	u64 addr;
	u64 len;
	bool bucket;
};

struct oracle_ctx {
	const struct nvme_oracle *o;
	const struct nvme_oracle_cmd *cmd;
	struct nvme_oracle_result *res;
	u64 page_size;
	unsigned int max_lists;
	struct oracle_extent *ext;
	unsigned long nr_ext;
	unsigned long cap_ext;
	u64 total;
};

static int __printf(2, 3)
oracle_fail(struct oracle_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->res->err, sizeof(c->res->err), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int oracle_fault(struct oracle_ctx *c, const char *what)
{
	snprintf(c->res->err, sizeof(c->res->err), "%s: %s", what,
		 sim_last_fault());
	return -EFAULT;
}

static int oracle_add(struct oracle_ctx *c, u64 addr, u64 len, bool bucket)
{
	if (c->nr_ext == c->cap_ext) {
		unsigned long cap = c->cap_ext ? 2 * c->cap_ext : 64;
		struct oracle_extent *e = realloc(c->ext, cap * sizeof(*e));

		if (!e)
			return -ENOMEM;
		c->ext = e;
		c->cap_ext = cap;
	}
	c->ext[c->nr_ext++] = (struct oracle_extent){ addr, len, bucket };
	c->total += len;
	return 0;
}

/* Read @len bytes of descriptors at @addr, as the controller. */
static int oracle_read(struct oracle_ctx *c, u64 addr, void *buf, size_t len,
		       const char *what)
{
	if (sim_dma(c->o->dev, addr, buf, len, false))
		return oracle_fault(c, what);
	return 0;
}

static int oracle_prp_list(struct oracle_ctx *c, u64 list, u64 left)
{
	u64 ps = c->page_size, mask = ps - 1;
	u64 nents = (ps - (list & mask)) / 8;
	__le64 *buf;
	int ret = 0;

	buf = malloc(ps);
	if (!buf)
		return -ENOMEM;
	while (left) {
		u64 need = DIV_ROUND_UP(left, ps), cnt = min(need, nents), i;
		u64 next = 0;
		char what[64];

		if (++c->res->lists > c->max_lists) {
			ret = oracle_fail(c, "more than %u PRP list pages",
					  c->max_lists);
			break;
		}
		snprintf(what, sizeof(what), "PRP list %u at %#llx",
			 c->res->lists, (unsigned long long)list);
		ret = oracle_read(c, list, buf, cnt * 8, what);
		if (ret)
			break;
		c->res->descs += cnt;
		for (i = 0; i < cnt; i++) {
			u64 e = le64_to_cpu(buf[i]);

			if (i == nents - 1 && need > nents) {
				if (e & mask) {
					ret = oracle_fail(c, "%s: entry %llu chains to the next list page at %#llx, which is not page aligned (page size %#llx)",
							  what, (unsigned long long)i,
							  (unsigned long long)e,
							  (unsigned long long)ps);
					goto out;
				}
				next = e;
				break;
			}
			if (e & mask) {
				ret = oracle_fail(c, "%s: entry %llu is %#llx: a PRP list entry must have offset 0 (page size %#llx)",
						  what, (unsigned long long)i,
						  (unsigned long long)e,
						  (unsigned long long)ps);
				goto out;
			}
			ret = oracle_add(c, e, min(left, ps), false);
			if (ret)
				goto out;
			left -= min(left, ps);
		}
		list = next;
		nents = ps / 8;
	}
out:
	free(buf);
	return ret;
}

static int oracle_prp(struct oracle_ctx *c)
{
	u64 prp1 = le64_to_cpu(c->cmd->dptr.prp1);
	u64 prp2 = le64_to_cpu(c->cmd->dptr.prp2);
	u64 ps = c->page_size, mask = ps - 1;
	u64 n, left;
	int ret;

	if (prp1 & 3)
		return oracle_fail(c, "PRP1 %#llx is not dword aligned",
				   (unsigned long long)prp1);
	n = min(c->cmd->len, ps - (prp1 & mask));
	ret = oracle_add(c, prp1, n, false);
	if (ret)
		return ret;
	left = c->cmd->len - n;
	if (!left) {
		if (prp2)
			return oracle_fail(c, "PRP2 is %#llx but unused: the transfer ends in the page of PRP1",
					   (unsigned long long)prp2);
		return 0;
	}
	if (left <= ps) {
		if (prp2 & mask)
			return oracle_fail(c, "PRP2 %#llx: the second page of a two-page transfer must have offset 0 (page size %#llx)",
					   (unsigned long long)prp2,
					   (unsigned long long)ps);
		return oracle_add(c, prp2, left, false);
	}
	if (prp2 & 7)
		return oracle_fail(c, "PRP2 %#llx: a PRP list pointer must be qword aligned",
				   (unsigned long long)prp2);
	return oracle_prp_list(c, prp2, left);
}

static int oracle_sgl_data(struct oracle_ctx *c, const struct nvme_sgl_desc *d,
			   const char *where)
{
	unsigned int type = d->type >> 4;
	u64 addr = le64_to_cpu(d->addr);
	u32 len = le32_to_cpu(d->length);

	if (d->rsvd[0] || d->rsvd[1] || d->rsvd[2])
		return oracle_fail(c, "%s: reserved bytes 12-14 are %02x %02x %02x, not zero",
				   where, d->rsvd[0], d->rsvd[1], d->rsvd[2]);
	if (!len)
		return oracle_fail(c, "%s: zero-length %s", where,
				   type == SGL_TYPE_DATA ? "Data Block" :
				   "Bit Bucket");
	if (type == SGL_TYPE_BIT_BUCKET) {
		if (!c->o->bit_bucket)
			return oracle_fail(c, "%s: Bit Bucket, but SGLS bit 16 (Bit Bucket support) is clear",
					   where);
		if (c->cmd->write)
			return oracle_fail(c, "%s: Bit Bucket in a command that reads host memory",
					   where);
		if (addr)
			return oracle_fail(c, "%s: Bit Bucket with a non-zero (reserved) address %#llx",
					   where, (unsigned long long)addr);
	}
	if (c->o->sgls == NVME_ORACLE_SGLS_DWORD &&
	    ((type == SGL_TYPE_DATA ? addr : 0) | len) & 3)
		return oracle_fail(c, "%s: %#llx+%#x is not dword aligned (SGLS: dword alignment and granularity)",
				   where, (unsigned long long)addr, len);
	if (len > c->cmd->len - c->total)
		return oracle_fail(c, "%s: %#x bytes at offset %#llx overrun the %#llx bytes of the transfer",
				   where, len, (unsigned long long)c->total,
				   (unsigned long long)c->cmd->len);
	if (type == SGL_TYPE_BIT_BUCKET)
		c->res->bucket_bytes += len;
	return oracle_add(c, addr, len, type == SGL_TYPE_BIT_BUCKET);
}

static bool oracle_sgl_is_seg(unsigned int type)
{
	return type == SGL_TYPE_SEGMENT || type == SGL_TYPE_LAST_SEGMENT;
}

/* Checks common to every descriptor; 0 if it is of a known type. */
static int oracle_sgl_check(struct oracle_ctx *c, const struct nvme_sgl_desc *d,
			    const char *where)
{
	unsigned int type = d->type >> 4, sub = d->type & 0xf;

	if (type > SGL_TYPE_LAST_SEGMENT)
		return oracle_fail(c, "%s: descriptor type %#x is invalid here",
				   where, type);
	if (sub != NVME_SGL_FMT_ADDRESS)
		return oracle_fail(c, "%s: sub type %#x, only Address (0h) is valid",
				   where, sub);
	if (oracle_sgl_is_seg(type) && (d->rsvd[0] || d->rsvd[1] ||
					d->rsvd[2]))
		return oracle_fail(c, "%s: reserved bytes 12-14 are %02x %02x %02x, not zero",
				   where, d->rsvd[0], d->rsvd[1], d->rsvd[2]);
	return 0;
}

static int oracle_sgl_segments(struct oracle_ctx *c,
			       struct nvme_sgl_desc link)
{
	struct nvme_sgl_desc *seg = NULL;
	unsigned int nr;
	int ret = 0;

	for (;;) {
		bool last = (link.type >> 4) == SGL_TYPE_LAST_SEGMENT;
		u32 bytes = le32_to_cpu(link.length);
		u64 addr = le64_to_cpu(link.addr);
		unsigned int i, idx = c->res->lists;
		char what[96];

		if (++c->res->lists > c->max_lists) {
			ret = oracle_fail(c, "more than %u SGL segments",
					  c->max_lists);
			break;
		}
		snprintf(what, sizeof(what), "%s %u at %#llx",
			 last ? "last segment" : "segment", idx,
			 (unsigned long long)addr);
		if (!bytes || bytes % 16) {
			ret = oracle_fail(c, "%s: length %u is not a non-zero multiple of 16",
					  what, bytes);
			break;
		}
		if (bytes > ORACLE_MAX_SEG_BYTES) {
			ret = oracle_fail(c, "%s: %u bytes, more than the oracle reads",
					  what, bytes);
			break;
		}
		free(seg);
		seg = malloc(bytes);
		if (!seg) {
			ret = -ENOMEM;
			break;
		}
		ret = oracle_read(c, addr, seg, bytes, what);
		if (ret)
			break;
		nr = bytes / 16;
		c->res->descs += nr;
		for (i = 0; i < nr; i++) {
			unsigned int type = seg[i].type >> 4;
			char where[128];

			snprintf(where, sizeof(where), "%s, descriptor %u",
				 what, i);
			ret = oracle_sgl_check(c, &seg[i], where);
			if (ret)
				goto out;
			if (!oracle_sgl_is_seg(type)) {
				ret = oracle_sgl_data(c, &seg[i], where);
				if (ret)
					goto out;
				continue;
			}
			if (last) {
				ret = oracle_fail(c, "%s: a %s descriptor in the last segment",
						  where, type == SGL_TYPE_SEGMENT ?
						  "Segment" : "Last Segment");
				goto out;
			}
			if (i != nr - 1) {
				ret = oracle_fail(c, "%s: a %s descriptor that is not the last of its segment (%u descriptors)",
						  where, type == SGL_TYPE_SEGMENT ?
						  "Segment" : "Last Segment", nr);
				goto out;
			}
		}
		if (last)
			break;
		if (!oracle_sgl_is_seg(seg[nr - 1].type >> 4)) {
			ret = oracle_fail(c, "%s: ends without a Segment or Last Segment descriptor, but a Segment descriptor announced more",
					  what);
			break;
		}
		link = seg[nr - 1];
	}
out:
	free(seg);
	return ret;
}

static int oracle_sgl(struct oracle_ctx *c)
{
	const struct nvme_sgl_desc *d = &c->cmd->dptr.sgl;
	unsigned int type = d->type >> 4;
	int ret;

	c->res->sgl = true;
	if (c->o->sgls != NVME_ORACLE_SGLS_BYTE &&
	    c->o->sgls != NVME_ORACLE_SGLS_DWORD)
		return oracle_fail(c, "PSDT selects SGLs, which the controller does not support (SGLS bits 1:0 = %u)",
				   c->o->sgls);
	ret = oracle_sgl_check(c, d, "SGL1");
	if (ret)
		return ret;
	if (type == SGL_TYPE_BIT_BUCKET)
		return oracle_fail(c, "SGL1: a Bit Bucket cannot be the first descriptor");
	if (type == SGL_TYPE_DATA)
		ret = oracle_sgl_data(c, d, "SGL1");
	else
		ret = oracle_sgl_segments(c, *d);
	if (ret)
		return ret;
	if (c->total != c->cmd->len)
		return oracle_fail(c, "the SGL describes %#llx bytes, the transfer is %#llx",
				   (unsigned long long)c->total,
				   (unsigned long long)c->cmd->len);
	return 0;
}

static int oracle_transfer(struct oracle_ctx *c, u8 *media)
{
	unsigned long i;
	u64 off = 0;

	for (i = 0; i < c->nr_ext; i++) {
		const struct oracle_extent *e = &c->ext[i];
		char what[96];

		if (!e->bucket) {
			snprintf(what, sizeof(what), "data extent %lu (%#llx+%#llx)",
				 i, (unsigned long long)e->addr,
				 (unsigned long long)e->len);
			if (sim_dma(c->o->dev, e->addr, media + off, e->len,
				    !c->cmd->write))
				return oracle_fault(c, what);
			c->res->extents++;
		}
		off += e->len;
	}
	return 0;
}

int nvme_oracle_exec(const struct nvme_oracle *o,
		     const struct nvme_oracle_cmd *cmd, void *media,
		     struct nvme_oracle_result *res)
{
	struct nvme_oracle_result dummy;
	unsigned int psdt = cmd->flags >> 6;
	struct oracle_ctx c = {
		.o = o,
		.cmd = cmd,
		.res = res ? res : &dummy,
		.max_lists = o->max_segments ? o->max_segments : 65536,
	};
	int ret;

	memset(c.res, 0, sizeof(*c.res));
	if (o->mps > 15)
		return oracle_fail(&c, "CC.MPS %u is out of range", o->mps);
	c.page_size = 4096ULL << o->mps;
	if (!cmd->len)
		return oracle_fail(&c, "no data to transfer");
	if (psdt == 3)
		return oracle_fail(&c, "PSDT 11b is reserved");
	ret = psdt ? oracle_sgl(&c) : oracle_prp(&c);
	if (!ret && c.total != cmd->len)
		ret = oracle_fail(&c, "the data pointer describes %#llx bytes, the transfer is %#llx",
				  (unsigned long long)c.total,
				  (unsigned long long)cmd->len);
	if (!ret && media)
		ret = oracle_transfer(&c, media);
	free(c.ext);
	return ret;
}
