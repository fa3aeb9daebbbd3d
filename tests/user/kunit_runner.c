// SPDX-License-Identifier: GPL-2.0
/*
 * Runs the KUnit suites of one shared test body (tests/kunit/X_kunit.c) as
 * ONE CMocka group: every case, and every parameter of a parameterised
 * case, is one CMocka test named "suite.case[/parameter]", wrapped in
 * dvt_sim_setup()/dvt_sim_teardown(): a fresh simulated machine, and after
 * the case no leak, no kmap left, no unexpected WARN, DMA fault or mapping.
 * The KUnit API itself is the substitution header compat/include/kunit/test.h,
 * implemented by kunit_shim.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kunit/test.h>

#include "helpers.h"

/* One CMocka test: a case and one of its parameters. */
struct kunit_shim_entry {
	struct kunit_suite *suite;
	struct kunit_case *kcase;
	const void *param;
	char *name;
};

static struct kunit shim_test;

/* The suite's init, the case, then the suite's exit, whatever happened. */
static void shim_case(struct kunit *test, const void *arg)
{
	const struct kunit_shim_entry *e = arg;

	if (e->suite->init && e->suite->init(test))
		KUNIT_FAIL(test, "suite init failed");
	else
		e->kcase->run_case(test);
}

static void shim_exit(struct kunit *test, const void *arg)
{
	const struct kunit_shim_entry *e = arg;

	if (e->suite->exit)
		e->suite->exit(test);
}

static void shim_run(void **state)
{
	struct kunit_shim_entry *e = *state;
	struct kunit *test = &shim_test;

	memset(test, 0, sizeof(*test));
	test->param_value = e->param;
	test->name = e->name;
	dvt_kunit_run(test, shim_case, e);
	dvt_kunit_run(test, shim_exit, e);
	dvt_kunit_end(test);
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
