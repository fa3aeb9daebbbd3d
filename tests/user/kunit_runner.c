// SPDX-License-Identifier: GPL-2.0
/*
 * Runs the KUnit suites of one shared test body (tests/kunit/X_kunit.c) as
 * ONE CMocka group: every case, and every parameter of a parameterised
 * case, is one CMocka test named "suite.case[/parameter]", wrapped in
 * dvt_sim_setup()/dvt_sim_teardown(): a fresh simulated machine, and after
 * the case no leak, no kmap left, no unexpected WARN, DMA fault or mapping.
 * The KUnit API itself is the substitution header compat/include/kunit/test.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kunit/test.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "helpers.h"

struct kunit_shim_action {
	kunit_action_t *fn;
	void *ctx;
	struct kunit_shim_action *next;
};

/* One CMocka test: a case and one of its parameters. */
struct kunit_shim_entry {
	struct kunit_suite *suite;
	struct kunit_case *kcase;
	const void *param;
	char *name;
};

static struct kunit shim_test;

void kunit_shim_fail(struct kunit *test, const char *file, int line,
		     const char *fmt, ...)
{
	va_list ap;

	test->failed = true;
	print_error("%s:%d: %s: ", file, line, test->name);
	va_start(ap, fmt);
	vprint_error(fmt, ap);
	va_end(ap);
	print_error("\n");
}

void kunit_shim_note(struct kunit *test, const char *fmt, ...)
{
	va_list ap;

	(void)test;
	if (!strcmp(fmt, " "))
		return;
	print_error("        ");
	va_start(ap, fmt);
	vprint_error(fmt + 1, ap);
	va_end(ap);
	print_error("\n");
}

void kunit_shim_abort(struct kunit *test)
{
	longjmp(*test->abort, 1);
}

void kunit_shim_skip(struct kunit *test, bool abort, const char *fmt, ...)
{
	va_list ap;

	test->skipped = true;
	print_message("  %s: skipped: ", test->name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	print_message("\n");
	if (abort)
		kunit_shim_abort(test);
}

void kunit_shim_log(struct kunit *test, const char *fmt, ...)
{
	va_list ap;

	print_message("  %s: ", test->name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	print_message("\n");
}

size_t kunit_shim_mismatch(const void *a, const void *b, size_t size)
{
	const u8 *x = a, *y = b;
	size_t i;

	for (i = 0; i < size && x[i] == y[i]; i++)
		;
	return i;
}

int kunit_add_action(struct kunit *test, kunit_action_t *action, void *ctx)
{
	struct kunit_shim_action *a = malloc(sizeof(*a));

	if (!a)
		return -ENOMEM;
	a->fn = action;
	a->ctx = ctx;
	a->next = test->actions;
	test->actions = a;
	return 0;
}

int kunit_add_action_or_reset(struct kunit *test, kunit_action_t *action,
			      void *ctx)
{
	int ret = kunit_add_action(test, action, ctx);

	if (ret)
		action(ctx);
	return ret;
}

/* Unlink the newest matching action; NULL if there is none. */
static struct kunit_shim_action *shim_unlink(struct kunit *test,
					     kunit_action_t *action, void *ctx)
{
	struct kunit_shim_action **p, *a;

	for (p = &test->actions; *p; p = &(*p)->next) {
		a = *p;
		if (a->fn == action && a->ctx == ctx) {
			*p = a->next;
			return a;
		}
	}
	return NULL;
}

void kunit_remove_action(struct kunit *test, kunit_action_t *action, void *ctx)
{
	free(shim_unlink(test, action, ctx));
}

void kunit_release_action(struct kunit *test, kunit_action_t *action,
			  void *ctx)
{
	struct kunit_shim_action *a = shim_unlink(test, action, ctx);

	if (a) {
		a->fn(a->ctx);
		free(a);
	}
}

static void shim_kfree_action(void *p)
{
	kfree(p);
}

void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;
	void *p;

	if (check_mul_overflow(n, size, &bytes))
		return NULL;
	p = kmalloc(bytes, gfp);
	if (p && kunit_add_action_or_reset(test, shim_kfree_action, p))
		return NULL;
	return p;
}

void kunit_kfree(struct kunit *test, const void *ptr)
{
	if (ptr)
		kunit_release_action(test, shim_kfree_action, (void *)ptr);
}

/* Run the deferred actions, last registered first. */
static void shim_cleanup(struct kunit *test)
{
	struct kunit_shim_action *a;

	while ((a = test->actions)) {
		test->actions = a->next;
		a->fn(a->ctx);
		free(a);
	}
}

static void shim_run(void **state)
{
	struct kunit_shim_entry *e = *state;
	struct kunit *test = &shim_test;
	static jmp_buf env;

	memset(test, 0, sizeof(*test));
	test->param_value = e->param;
	test->name = e->name;
	test->abort = &env;
	if (!setjmp(env)) {
		if (e->suite->init && e->suite->init(test))
			KUNIT_FAIL(test, "suite init failed");
		else
			e->kcase->run_case(test);
	}
	if (!setjmp(env) && e->suite->exit)
		e->suite->exit(test);
	shim_cleanup(test);
	if (test->failed)
		fail_msg("%s failed", e->name);
}

/* A fresh simulated machine per case; no leak, fault or stray WARN after. */
static int shim_setup(void **state)
{
	return dvt_sim_setup(state);
}

static int shim_teardown(void **state)
{
	return dvt_sim_teardown(state);
}

static int shim_suites_init(void **state)
{
	struct kunit_suite *const *s;

	(void)state;
	for (s = kunit_shim_suites; *s; s++)
		if ((*s)->suite_init && (*s)->suite_init(*s))
			return -1;
	return 0;
}

static int shim_suites_exit(void **state)
{
	struct kunit_suite *const *s;

	(void)state;
	for (s = kunit_shim_suites; *s; s++)
		if ((*s)->suite_exit)
			(*s)->suite_exit(*s);
	return 0;
}

static char *shim_name(const struct kunit_suite *s, const struct kunit_case *c,
		       const char *desc)
{
	size_t n = strlen(s->name) + strlen(c->name) + strlen(desc) + 3;
	char *name = malloc(n);

	if (name)
		snprintf(name, n, "%s.%s%s%s", s->name, c->name,
			 *desc ? "/" : "", desc);
	return name;
}

int main(int argc, char **argv)
{
	struct kunit_shim_entry *entries = NULL;
	struct CMUnitTest *tests = NULL;
	struct kunit_suite *const *s;
	size_t nr = 0, cap = 0, i;
	const char *group;
	int ret;

	(void)argc;
	group = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	for (s = kunit_shim_suites; *s; s++) {
		struct kunit_case *c;

		for (c = (*s)->test_cases; c->run_case; c++) {
			char desc[KUNIT_PARAM_DESC_SIZE] = "";
			const void *param = NULL;

			if (c->generate_params) {
				param = c->generate_params(NULL, desc);
				if (!param)
					continue;
			}
			do {
				if (nr == cap) {
					cap = cap ? 2 * cap : 64;
					entries = realloc(entries,
							  cap * sizeof(*entries));
					if (!entries)
						return 1;
				}
				entries[nr].suite = *s;
				entries[nr].kcase = c;
				entries[nr].param = param;
				entries[nr].name = shim_name(*s, c, desc);
				if (!entries[nr].name)
					return 1;
				nr++;
				desc[0] = '\0';
				if (c->generate_params)
					param = c->generate_params(param, desc);
			} while (param);
		}
	}

	tests = calloc(nr, sizeof(*tests));
	if (!tests)
		return 1;
	for (i = 0; i < nr; i++) {
		tests[i].name = entries[i].name;
		tests[i].test_func = shim_run;
		tests[i].setup_func = shim_setup;
		tests[i].teardown_func = shim_teardown;
		tests[i].initial_state = &entries[i];
	}
	ret = _cmocka_run_group_tests(group, tests, nr, shim_suites_init,
				      shim_suites_exit);
	for (i = 0; i < nr; i++)
		free(entries[i].name);
	free(entries);
	free(tests);
	return ret;
}
