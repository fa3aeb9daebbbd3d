// SPDX-License-Identifier: GPL-2.0
/*
 * CPU access: random copies between a buffer and the memory a slice
 * describes, through kmap_local_pfn() for host RAM and the provider's iomem
 * mapping for BAR memory, checked against a byte-addressed reference model
 * of all simulated memory.  The hand-made layouts and the refusals are the
 * shared body tests/kunit/dma_vec_kunit.c (suite dma_vec_copy).
 */
#include <stdlib.h>

#include <linux/slab.h>

#include "helpers.h"

#define RAM_SIZE	(64 * 1024)
#define BAR_SIZE	(256 * 1024)
#define BAR_BASE	0x80000000000ULL

struct copy_env {
	u8 *ram[2];
	phys_addr_t ram_pa[2];
	u8 *bar;
	struct dma_vec_provider prov;
};

static void env_init(struct copy_env *e)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		e->ram[i] = shim_ram_alloc(RAM_SIZE, &e->ram_pa[i]);
		assert_non_null(e->ram[i]);
	}
	e->bar = calloc(1, BAR_SIZE);
	assert_non_null(e->bar);
	/* A non-zero bus offset: copies must use CPU addresses only. */
	assert_int_equal(dma_vec_provider_init(&e->prov, NULL, 0, BAR_BASE,
					       BAR_SIZE, 0x7000000000ULL,
					       (void __iomem *)e->bar), 0);
}

static void env_fini(struct copy_env *e)
{
	shim_ram_free(e->ram[0]);
	shim_ram_free(e->ram[1]);
	free(e->bar);
}

/* The CPU pointer behind a physical address, as the model sees it. */
static u8 *model_ptr(struct copy_env *e, phys_addr_t pa)
{
	unsigned int i;

	for (i = 0; i < 2; i++)
		if (pa >= e->ram_pa[i] && pa - e->ram_pa[i] < RAM_SIZE)
			return e->ram[i] + (pa - e->ram_pa[i]);
	assert_true(pa >= BAR_BASE && pa - BAR_BASE < BAR_SIZE);
	return e->bar + (pa - BAR_BASE);
}

/* A copy of all simulated memory, addressed like the real one. */
static void model_save(struct copy_env *e, struct copy_env *m)
{
	unsigned int i;

	*m = *e;
	for (i = 0; i < 2; i++) {
		m->ram[i] = malloc(RAM_SIZE);
		assert_non_null(m->ram[i]);
		memcpy(m->ram[i], e->ram[i], RAM_SIZE);
	}
	m->bar = malloc(BAR_SIZE);
	assert_non_null(m->bar);
	memcpy(m->bar, e->bar, BAR_SIZE);
}

static void model_check(struct copy_env *e, struct copy_env *m)
{
	assert_memory_equal(e->ram[0], m->ram[0], RAM_SIZE);
	assert_memory_equal(e->ram[1], m->ram[1], RAM_SIZE);
	assert_memory_equal(e->bar, m->bar, BAR_SIZE);
}

static void model_drop(struct copy_env *m)
{
	free(m->ram[0]);
	free(m->ram[1]);
	free(m->bar);
}

static u64 rnd(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void test_copy_random(void **state)
{
	u64 seed = 0x243f6a8885a308d3ULL;
	struct copy_env e, m;
	unsigned int round;

	(void)state;
	env_init(&e);
	for (round = 0; round < 500; round++) {
		struct dma_vec_table t;
		struct dma_vec_slice s;
		u8 *src, *dst, *expect;
		u64 off, len, pos, k;
		unsigned int nr = 1 + rnd(&seed) % 12, i;

		dma_vec_table_init(&t);
		for (i = 0; i < nr; i++) {
			unsigned int where = rnd(&seed) % 3;
			u64 size = where == 2 ? BAR_SIZE : RAM_SIZE;
			u64 l = 1 + rnd(&seed) % 9000;
			u64 start = rnd(&seed) % (size - l);
			phys_addr_t base = where == 2 ? BAR_BASE : e.ram_pa[where];

			assert_int_equal(dma_vec_append(&t, base + start, l,
							where == 2 ? &e.prov : NULL,
							GFP_KERNEL), 0);
		}
		off = rnd(&seed) % dma_vec_len(&t);
		len = rnd(&seed) % (dma_vec_len(&t) - off + 1);
		assert_int_equal(dma_vec_slice(&t, off, len, &s), 0);

		src = malloc(len + 1);
		dst = malloc(len + 1);
		expect = malloc(len + 1);
		assert_non_null(src);
		assert_non_null(dst);
		assert_non_null(expect);
		for (k = 0; k < len; k++)
			src[k] = (u8)rnd(&seed);

		/*
		 * Model: apply the same writes byte by byte to a copy of all
		 * memory (the last write wins where ranges overlap), then
		 * compare every byte, so stray writes are caught too.
		 */
		model_save(&e, &m);
		pos = 0;
		for (i = 0; i < t.nr; i++)
			for (k = 0; k < t.ranges[i].len; k++, pos++)
				if (pos >= off && pos < off + len)
					*model_ptr(&m, t.ranges[i].paddr + k) =
						src[pos - off];
		assert_int_equal(dma_vec_copy_from_buf(&s, src), 0);
		model_check(&e, &m);
		model_drop(&m);
		/* Reading back yields, per byte, what memory now holds. */
		assert_int_equal(dma_vec_copy_to_buf(&s, dst), 0);
		pos = 0;
		for (i = 0; i < t.nr; i++)
			for (k = 0; k < t.ranges[i].len; k++, pos++)
				if (pos >= off && pos < off + len)
					expect[pos - off] =
						*model_ptr(&e, t.ranges[i].paddr + k);
		if (len)
			assert_memory_equal(dst, expect, len);
		free(src);
		free(dst);
		free(expect);
		dma_vec_table_release(&t);
	}
	env_fini(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, dvt_setup, dvt_teardown)
		T(test_copy_random),
#undef T
	};

	return cmocka_run_group_tests_name("copy", tests, NULL, NULL);
}
