// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace side of the KUnit API that compat/include/kunit/test.h
 * declares: failure reports through CMocka, aborting a case with longjmp(),
 * memory and deferred actions released when the case ends.
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

int dvt_kunit_run(struct kunit *test, void (*fn)(struct kunit *test,
						const void *arg),
		  const void *arg)
{
	jmp_buf *outer = test->abort;
	jmp_buf env;

	test->abort = &env;
	if (!setjmp(env))
		fn(test, arg);
	test->abort = outer;
	return test->failed ? -1 : 0;
}

void dvt_kunit_end(struct kunit *test)
{
	shim_cleanup(test);
}

void dvt_kunit_call(void (*fn)(struct kunit *test, const void *arg),
		    const void *arg)
{
	static struct kunit test;

	memset(&test, 0, sizeof(test));
	test.name = "check";
	dvt_kunit_run(&test, fn, arg);
	dvt_kunit_end(&test);
	if (test.failed)
		fail();
}
