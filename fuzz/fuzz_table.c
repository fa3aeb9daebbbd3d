// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: table building, checkpoints, lookups and slicing.
 *
 * The input is a program of operations on one table: appends (host or
 * either provider, any address and length, optionally with an allocation
 * made to fail), checkpoints and rollbacks, reserves, finds and slices.
 * A plain array model of the table is kept alongside; after every step the
 * table must match the model exactly, keep its structural invariants, and
 * be unchanged by every call that failed.
 */
#include <linux/dma_vec_p2p.h>

#include "fuzz.h"

/* The provider windows of fuzz.h, set up by the first input. */
static struct dma_vec_provider *prov;

#define FZ_MAX_MODEL	4096

static struct {
	struct dma_vec_prange r[FZ_MAX_MODEL];
	struct dma_vec_run runs[FZ_MAX_MODEL];
	unsigned int nr, nr_runs;
	u64 len;
} model, saved, cp_model;


/* What dma_vec_append() must do, on the model; false if it must fail. */
static int model_append(u64 paddr, u64 len, struct dma_vec_provider *p)
{
	struct dma_vec_prange *last = model.nr ? &model.r[model.nr - 1] : NULL;
	u64 end, total;

	if (!len)
		return -EINVAL;
	if (__builtin_add_overflow(paddr, len - 1, &end) ||
	    __builtin_add_overflow(model.len, len, &total))
		return -EOVERFLOW;
	if (p && (paddr < p->base || end - p->base >= p->size))
		return -ERANGE;
	if (last && model.runs[model.nr_runs - 1].provider == p &&
	    paddr > last->paddr && paddr - last->paddr == last->len) {
		last->len += len;
		model.len = total;
		return 0;
	}
	if (model.nr == FZ_MAX_MODEL)
		return -E2BIG;	/* the harness's own limit */
	if (!model.nr_runs || model.runs[model.nr_runs - 1].provider != p) {
		model.runs[model.nr_runs].first = model.nr;
		model.runs[model.nr_runs++].provider = p;
	}
	model.r[model.nr].paddr = paddr;
	model.r[model.nr++].len = len;
	model.len = total;
	return 0;
}

static bool matches(const struct dma_vec_table *t)
{
	return fz_same_table(t, model.r, model.runs, model.nr, model.nr_runs,
			     model.len);
}

static void check_find(const struct dma_vec_table *t, u64 off)
{
	u64 roff = 0x5a5a, start = 0;
	unsigned int i;
	int idx = dma_vec_find(t, off, &roff);

	if (off >= t->len) {
		FZ_CHECK(idx == -ERANGE && roff == 0x5a5a);
		return;
	}
	for (i = 0; off - start >= t->ranges[i].len; i++)
		start += t->ranges[i].len;
	FZ_CHECK(idx == (int)i && roff == off - start);
}

static void check_slice(const struct dma_vec_table *t, u64 off, u64 len)
{
	struct dma_vec_slice s, poison;
	int ret;

	memset(&poison, 0x5a, sizeof(poison));
	s = poison;
	ret = dma_vec_slice(t, off, len, &s);
	if (off > t->len || len > t->len - off) {
		FZ_CHECK(ret == -ERANGE && !memcmp(&s, &poison, sizeof(s)));
		return;
	}
	FZ_CHECK(!ret && s.tbl == t && s.len == len);
	if (len) {
		u64 roff;

		FZ_CHECK(dma_vec_find(t, off, &roff) == (int)s.first);
		FZ_CHECK(roff == s.first_off);
		FZ_CHECK(s.first_off < t->ranges[s.first].len);
	}
}

/* @v reduced below @len + @extra (no reduction if that overflows). */
static u64 below(u64 v, u64 len, u64 extra)
{
	u64 n;

	return __builtin_add_overflow(len, extra, &n) ? v : v % n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	struct dma_vec_checkpoint cp;
	struct dma_vec_table t;
	bool have_cp = false;
	long live;
	int steps = 0;

	prov = fz_providers();
	live = fz_begin();
	dma_vec_table_init(&t);
	memset(&model, 0, sizeof(model));

	while (fz_more(&f) && steps++ < 512) {
		uint8_t op = fz_u8(&f);

		switch (op % 6) {
		case 0:
		case 1: {	/* append */
			uint8_t who = fz_u8(&f) % 3;
			struct dma_vec_provider *p = who ? &prov[who - 1] : NULL;
			u64 paddr = fz_val(&f), len = fz_val(&f);
			uint8_t fail = fz_u8(&f);
			int want, ret;

			/* Steer into the window or next to the last range. */
			if (p && (op & 0x10))
				paddr = p->base + paddr % p->size;
			if (model.nr && (op & 0x20))
				paddr = model.r[model.nr - 1].paddr +
					model.r[model.nr - 1].len;
			saved = model;
			want = model_append(paddr, len, p);
			if (want == -E2BIG) {
				model = saved;
				break;
			}
			if (fail < 8)
				shim_fail_nth(fail % 2 + 1);
			ret = dma_vec_append(&t, paddr, len, p, GFP_KERNEL);
			if (ret == -ENOMEM) {
				FZ_CHECK(!want);
				model = saved;
			} else {
				FZ_CHECK(ret == want);
			}
			shim_fail_nth(0);
			if (ret)
				model = saved;
			FZ_CHECK(matches(&t));
			break;
		}
		case 2:		/* checkpoint */
			dma_vec_checkpoint(&t, &cp);
			cp_model = model;
			have_cp = true;
			break;
		case 3:		/* rollback */
			if (!have_cp)
				break;
			dma_vec_rollback(&t, &cp);
			model = cp_model;
			FZ_CHECK(matches(&t));
			break;
		case 4: {	/* reserve */
			u32 nr = fz_u32(&f);
			int ret;

			if (nr > 4096 && nr <= DMA_VEC_MAX_RANGES)
				nr = 4096 + nr % 4096;
			ret = dma_vec_table_reserve(&t, nr, GFP_KERNEL);
			FZ_CHECK(nr > DMA_VEC_MAX_RANGES ? ret == -E2BIG : !ret);
			FZ_CHECK(ret || t.cap >= nr);
			FZ_CHECK(matches(&t));
			break;
		}
		default:	/* lookups */
			check_find(&t, below(fz_val(&f), t.len, 2));
			check_slice(&t, fz_val(&f), fz_val(&f));
			if (t.len)
				check_slice(&t, fz_val(&f) % t.len,
					    below(fz_val(&f), t.len, 1));
			break;
		}
		fz_check_table(&t);
	}
	/* A foreign checkpoint is refused and changes nothing. */
	if (have_cp && t.nr) {
		struct dma_vec_table other;

		dma_vec_table_init(&other);
		dma_vec_checkpoint(&other, &cp);
		dma_vec_rollback(&t, &cp);
		FZ_CHECK(matches(&t));
		dma_vec_table_release(&t);
		fz_end(live, 1);
		return 0;
	}
	dma_vec_table_release(&t);
	fz_end(live, 0);
	return 0;
}
