/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <kunit/test.h>: the part of the KUnit API that the shared test
 * bodies in tests/kunit/ use, on top of CMocka.
 *
 * A test body is written once against this API.  In the kernel it is a KUnit
 * suite; in userspace tests/user/kunit_runner.c runs the same suites, every
 * case (every parameter of a parameterised case) as one CMocka test wrapped
 * in the leak and WARN checks of tests/user/helpers.c.
 *
 * Semantics kept from KUnit: a failed KUNIT_EXPECT_*() reports (file, line,
 * both operands) and the case goes on; a failed KUNIT_ASSERT_*() reports and
 * ends the case; kunit_skip() ends it as skipped (counted as passed);
 * memory from kunit_kmalloc() and friends and the deferred actions of
 * kunit_add_action() are released when the case ends, whatever the outcome,
 * last registered first.
 */
#ifndef _SHIM_KUNIT_TEST_H
#define _SHIM_KUNIT_TEST_H

#include <setjmp.h>
#include <stdio.h>

#include <linux/array_size.h>
#include <linux/compiler.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/string.h>
#include <linux/types.h>

#define KUNIT_PARAM_DESC_SIZE	128

struct kunit;

/**
 * struct kunit_case - one test case
 * @run_case: the body
 * @name: its name
 * @generate_params: for a parameterised case, the parameter generator
 */
struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
};

/**
 * struct kunit_suite - a named set of cases
 * @name: suite name
 * @suite_init: called once before the first case
 * @suite_exit: called once after the last case
 * @init: called before each case
 * @exit: called after each case
 * @test_cases: the cases, ended by an empty entry
 */
struct kunit_suite {
	const char name[256];
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
};

struct kunit_shim_action;

/**
 * struct kunit - the state of the running case
 * @param_value: the current parameter of a parameterised case
 * @priv: for the suite's init/exit and the case
 * @name: "suite.case" (and the parameter description)
 * @failed: an expectation or assertion failed
 * @skipped: kunit_skip() or kunit_mark_skipped() was called
 * @actions: deferred actions, last registered first
 * @abort: where an assertion or kunit_skip() ends the case
 */
struct kunit {
	const void *param_value;
	void *priv;
	const char *name;
	bool failed;
	bool skipped;
	struct kunit_shim_action *actions;
	jmp_buf *abort;
};

typedef void (kunit_action_t)(void *ctx);

/* Report a failed check; end the case if @abort. */
void kunit_shim_fail(struct kunit *test, const char *file, int line,
		     const char *fmt, ...) __printf(4, 5);
/* Add the optional message of a _MSG check (" " alone means none). */
void kunit_shim_note(struct kunit *test, const char *fmt, ...) __printf(2, 3);
/* End the case after a failed assertion or a skip. */
__attribute__((__noreturn__)) void kunit_shim_abort(struct kunit *test);

void kunit_shim_skip(struct kunit *test, bool abort, const char *fmt, ...)
	__printf(3, 4);
void kunit_shim_log(struct kunit *test, const char *fmt, ...) __printf(2, 3);

#define kunit_skip(test, fmt, ...)					\
	kunit_shim_skip(test, true, fmt, ##__VA_ARGS__)
#define kunit_mark_skipped(test, fmt, ...)				\
	kunit_shim_skip(test, false, fmt, ##__VA_ARGS__)
#define kunit_info(test, fmt, ...)	kunit_shim_log(test, fmt, ##__VA_ARGS__)
#define kunit_warn(test, fmt, ...)	kunit_shim_log(test, fmt, ##__VA_ARGS__)
#define kunit_err(test, fmt, ...)	kunit_shim_log(test, fmt, ##__VA_ARGS__)

/* ---- checks ---- */

#define KUNIT_SHIM_END(test, abort, ...)				\
	do {								\
		kunit_shim_note(test, " " __VA_ARGS__);			\
		if (abort)						\
			kunit_shim_abort(test);				\
	} while (0)

#define KUNIT_SHIM_BINARY(test, abort, left, op, right, ...)		\
	do {								\
		const typeof(left) __kl = (left);			\
		const typeof(right) __kr = (right);			\
									\
		if (!(__kl op __kr)) {					\
			kunit_shim_fail(test, __FILE__, __LINE__,	\
				"Expected %s %s %s, but\n"		\
				"        %s == %lld (0x%llx)\n"		\
				"        %s == %lld (0x%llx)",		\
				#left, #op, #right,			\
				#left, (long long)__kl,			\
				(unsigned long long)__kl,		\
				#right, (long long)__kr,		\
				(unsigned long long)__kr);		\
			KUNIT_SHIM_END(test, abort, ##__VA_ARGS__);	\
		}							\
	} while (0)

#define KUNIT_SHIM_PTR(test, abort, left, op, right, ...)		\
	do {								\
		const void *__kl = (left);				\
		const void *__kr = (right);				\
									\
		if (!(__kl op __kr)) {					\
			kunit_shim_fail(test, __FILE__, __LINE__,	\
				"Expected %s %s %s, but\n"		\
				"        %s == %p\n        %s == %p",	\
				#left, #op, #right, #left, __kl,	\
				#right, __kr);				\
			KUNIT_SHIM_END(test, abort, ##__VA_ARGS__);	\
		}							\
	} while (0)

#define KUNIT_SHIM_BOOL(test, abort, cond, want, ...)			\
	do {								\
		const bool __kc = (cond);				\
									\
		if (__kc != (want)) {					\
			kunit_shim_fail(test, __FILE__, __LINE__,	\
				"Expected %s to be %s, but is %s",	\
				#cond, (want) ? "true" : "false",	\
				(want) ? "false" : "true");		\
			KUNIT_SHIM_END(test, abort, ##__VA_ARGS__);	\
		}							\
	} while (0)

#define KUNIT_SHIM_NULL(test, abort, ptr, want_null, ...)		\
	do {								\
		const void *__kp = (ptr);				\
									\
		if ((__kp == NULL) != (want_null)) {			\
			kunit_shim_fail(test, __FILE__, __LINE__,	\
				"Expected %s %s NULL, but %s == %p",	\
				#ptr, (want_null) ? "==" : "!=", #ptr,	\
				__kp);					\
			KUNIT_SHIM_END(test, abort, ##__VA_ARGS__);	\
		}							\
	} while (0)

#define KUNIT_SHIM_NOT_ERR_OR_NULL(test, abort, ptr, ...)		\
	do {								\
		const void *__kp = (ptr);				\
									\
		if (IS_ERR_OR_NULL(__kp)) {				\
			kunit_shim_fail(test, __FILE__, __LINE__,	\
				"Expected %s is not error or NULL, but is %p (%ld)", \
				#ptr, __kp, PTR_ERR(__kp));		\
			KUNIT_SHIM_END(test, abort, ##__VA_ARGS__);	\
		}							\
	} while (0)

#define KUNIT_SHIM_MEMEQ(test, abort, left, right, size, ...)		\
	do {								\
		const void *__kl = (left);				\
		const void *__kr = (right);				\
		size_t __ks = (size);					\
									\
		if (memcmp(__kl, __kr, __ks)) {				\
			kunit_shim_fail(test, __FILE__, __LINE__,	\
				"Expected %s == %s over %zu bytes, but they differ at byte %zu", \
				#left, #right, __ks,			\
				kunit_shim_mismatch(__kl, __kr, __ks));	\
			KUNIT_SHIM_END(test, abort, ##__VA_ARGS__);	\
		}							\
	} while (0)

#define KUNIT_SHIM_STREQ(test, abort, left, right, ...)		\
	do {								\
		const char *__kl = (left);				\
		const char *__kr = (right);				\
									\
		if (strcmp(__kl, __kr)) {				\
			kunit_shim_fail(test, __FILE__, __LINE__,	\
				"Expected %s == %s, but\n"		\
				"        %s == \"%s\"\n        %s == \"%s\"", \
				#left, #right, #left, __kl, #right, __kr); \
			KUNIT_SHIM_END(test, abort, ##__VA_ARGS__);	\
		}							\
	} while (0)

size_t kunit_shim_mismatch(const void *a, const void *b, size_t size);

#define KUNIT_FAIL(test, fmt, ...)					\
	do {								\
		kunit_shim_fail(test, __FILE__, __LINE__, fmt, ##__VA_ARGS__); \
	} while (0)

#define KUNIT_SUCCEED(test)	do { } while (0)

#define KUNIT_EXPECT_TRUE(t, c)		KUNIT_SHIM_BOOL(t, false, c, true)
#define KUNIT_EXPECT_FALSE(t, c)	KUNIT_SHIM_BOOL(t, false, c, false)
#define KUNIT_ASSERT_TRUE(t, c)		KUNIT_SHIM_BOOL(t, true, c, true)
#define KUNIT_ASSERT_FALSE(t, c)	KUNIT_SHIM_BOOL(t, true, c, false)
#define KUNIT_EXPECT_TRUE_MSG(t, c, ...)				\
	KUNIT_SHIM_BOOL(t, false, c, true, __VA_ARGS__)
#define KUNIT_EXPECT_FALSE_MSG(t, c, ...)				\
	KUNIT_SHIM_BOOL(t, false, c, false, __VA_ARGS__)
#define KUNIT_ASSERT_TRUE_MSG(t, c, ...)				\
	KUNIT_SHIM_BOOL(t, true, c, true, __VA_ARGS__)
#define KUNIT_ASSERT_FALSE_MSG(t, c, ...)				\
	KUNIT_SHIM_BOOL(t, true, c, false, __VA_ARGS__)

#define KUNIT_EXPECT_EQ(t, l, r)	KUNIT_SHIM_BINARY(t, false, l, ==, r)
#define KUNIT_EXPECT_NE(t, l, r)	KUNIT_SHIM_BINARY(t, false, l, !=, r)
#define KUNIT_EXPECT_LT(t, l, r)	KUNIT_SHIM_BINARY(t, false, l, <, r)
#define KUNIT_EXPECT_LE(t, l, r)	KUNIT_SHIM_BINARY(t, false, l, <=, r)
#define KUNIT_EXPECT_GT(t, l, r)	KUNIT_SHIM_BINARY(t, false, l, >, r)
#define KUNIT_EXPECT_GE(t, l, r)	KUNIT_SHIM_BINARY(t, false, l, >=, r)
#define KUNIT_ASSERT_EQ(t, l, r)	KUNIT_SHIM_BINARY(t, true, l, ==, r)
#define KUNIT_ASSERT_NE(t, l, r)	KUNIT_SHIM_BINARY(t, true, l, !=, r)
#define KUNIT_ASSERT_LT(t, l, r)	KUNIT_SHIM_BINARY(t, true, l, <, r)
#define KUNIT_ASSERT_LE(t, l, r)	KUNIT_SHIM_BINARY(t, true, l, <=, r)
#define KUNIT_ASSERT_GT(t, l, r)	KUNIT_SHIM_BINARY(t, true, l, >, r)
#define KUNIT_ASSERT_GE(t, l, r)	KUNIT_SHIM_BINARY(t, true, l, >=, r)

#define KUNIT_EXPECT_EQ_MSG(t, l, r, ...)				\
	KUNIT_SHIM_BINARY(t, false, l, ==, r, __VA_ARGS__)
#define KUNIT_EXPECT_NE_MSG(t, l, r, ...)				\
	KUNIT_SHIM_BINARY(t, false, l, !=, r, __VA_ARGS__)
#define KUNIT_EXPECT_LT_MSG(t, l, r, ...)				\
	KUNIT_SHIM_BINARY(t, false, l, <, r, __VA_ARGS__)
#define KUNIT_EXPECT_LE_MSG(t, l, r, ...)				\
	KUNIT_SHIM_BINARY(t, false, l, <=, r, __VA_ARGS__)
#define KUNIT_EXPECT_GT_MSG(t, l, r, ...)				\
	KUNIT_SHIM_BINARY(t, false, l, >, r, __VA_ARGS__)
#define KUNIT_EXPECT_GE_MSG(t, l, r, ...)				\
	KUNIT_SHIM_BINARY(t, false, l, >=, r, __VA_ARGS__)
#define KUNIT_ASSERT_EQ_MSG(t, l, r, ...)				\
	KUNIT_SHIM_BINARY(t, true, l, ==, r, __VA_ARGS__)
#define KUNIT_ASSERT_NE_MSG(t, l, r, ...)				\
	KUNIT_SHIM_BINARY(t, true, l, !=, r, __VA_ARGS__)
#define KUNIT_ASSERT_LT_MSG(t, l, r, ...)				\
	KUNIT_SHIM_BINARY(t, true, l, <, r, __VA_ARGS__)
#define KUNIT_ASSERT_LE_MSG(t, l, r, ...)				\
	KUNIT_SHIM_BINARY(t, true, l, <=, r, __VA_ARGS__)
#define KUNIT_ASSERT_GT_MSG(t, l, r, ...)				\
	KUNIT_SHIM_BINARY(t, true, l, >, r, __VA_ARGS__)
#define KUNIT_ASSERT_GE_MSG(t, l, r, ...)				\
	KUNIT_SHIM_BINARY(t, true, l, >=, r, __VA_ARGS__)

#define KUNIT_EXPECT_PTR_EQ(t, l, r)	KUNIT_SHIM_PTR(t, false, l, ==, r)
#define KUNIT_EXPECT_PTR_NE(t, l, r)	KUNIT_SHIM_PTR(t, false, l, !=, r)
#define KUNIT_ASSERT_PTR_EQ(t, l, r)	KUNIT_SHIM_PTR(t, true, l, ==, r)
#define KUNIT_ASSERT_PTR_NE(t, l, r)	KUNIT_SHIM_PTR(t, true, l, !=, r)
#define KUNIT_EXPECT_PTR_EQ_MSG(t, l, r, ...)				\
	KUNIT_SHIM_PTR(t, false, l, ==, r, __VA_ARGS__)
#define KUNIT_ASSERT_PTR_EQ_MSG(t, l, r, ...)				\
	KUNIT_SHIM_PTR(t, true, l, ==, r, __VA_ARGS__)

#define KUNIT_EXPECT_NULL(t, p)		KUNIT_SHIM_NULL(t, false, p, true)
#define KUNIT_EXPECT_NOT_NULL(t, p)	KUNIT_SHIM_NULL(t, false, p, false)
#define KUNIT_ASSERT_NULL(t, p)		KUNIT_SHIM_NULL(t, true, p, true)
#define KUNIT_ASSERT_NOT_NULL(t, p)	KUNIT_SHIM_NULL(t, true, p, false)
#define KUNIT_EXPECT_NULL_MSG(t, p, ...)				\
	KUNIT_SHIM_NULL(t, false, p, true, __VA_ARGS__)
#define KUNIT_EXPECT_NOT_NULL_MSG(t, p, ...)				\
	KUNIT_SHIM_NULL(t, false, p, false, __VA_ARGS__)

#define KUNIT_EXPECT_NOT_ERR_OR_NULL(t, p)				\
	KUNIT_SHIM_NOT_ERR_OR_NULL(t, false, p)
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(t, p)				\
	KUNIT_SHIM_NOT_ERR_OR_NULL(t, true, p)

#define KUNIT_EXPECT_MEMEQ(t, l, r, n)	KUNIT_SHIM_MEMEQ(t, false, l, r, n)
#define KUNIT_ASSERT_MEMEQ(t, l, r, n)	KUNIT_SHIM_MEMEQ(t, true, l, r, n)
#define KUNIT_EXPECT_MEMEQ_MSG(t, l, r, n, ...)				\
	KUNIT_SHIM_MEMEQ(t, false, l, r, n, __VA_ARGS__)

#define KUNIT_EXPECT_STREQ(t, l, r)	KUNIT_SHIM_STREQ(t, false, l, r)
#define KUNIT_ASSERT_STREQ(t, l, r)	KUNIT_SHIM_STREQ(t, true, l, r)

/* ---- cases, parameters and suites ---- */

#define KUNIT_CASE(fn)		{ .run_case = fn, .name = #fn }
#define KUNIT_CASE_PARAM(fn, gen)					\
	{ .run_case = fn, .name = #fn, .generate_params = gen }

/*
 * The generator of a case over every element of @array; @get_desc (or
 * NULL) names each element.
 */
#define KUNIT_ARRAY_PARAM(name, array, get_desc)			\
	static const void *name##_gen_params(const void *prev, char *desc) \
	{								\
		typeof((array)[0]) *__kn = prev ?			\
			(typeof(__kn))prev + 1 : (array);		\
		void (*__kd)(typeof(__kn), char *) = get_desc;		\
									\
		if (__kn >= (array) + ARRAY_SIZE(array))		\
			return NULL;					\
		if (__kd)						\
			__kd(__kn, desc);				\
		return __kn;						\
	}

/* The same, each element named by its string member @member. */
#define KUNIT_ARRAY_PARAM_DESC(name, array, member)			\
	static const void *name##_gen_params(const void *prev, char *desc) \
	{								\
		typeof((array)[0]) *__kn = prev ?			\
			(typeof(__kn))prev + 1 : (array);		\
									\
		if (__kn >= (array) + ARRAY_SIZE(array))		\
			return NULL;					\
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", __kn->member); \
		return __kn;						\
	}

/* The suites of one test executable; tests/user/kunit_runner.c runs them. */
extern struct kunit_suite *const kunit_shim_suites[];

#define kunit_test_suites(...)						\
	struct kunit_suite *const kunit_shim_suites[] = { __VA_ARGS__, NULL }
#define kunit_test_suite(suite)	kunit_test_suites(&(suite))

/* ---- memory and deferred actions, released when the case ends ---- */

void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size, gfp_t gfp);
void kunit_kfree(struct kunit *test, const void *ptr);

static inline void *kunit_kmalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kmalloc_array(test, 1, size, gfp);
}

static inline void *kunit_kzalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kmalloc(test, size, gfp | __GFP_ZERO);
}

static inline void *kunit_kcalloc(struct kunit *test, size_t n, size_t size,
				  gfp_t gfp)
{
	return kunit_kmalloc_array(test, n, size, gfp | __GFP_ZERO);
}

int kunit_add_action(struct kunit *test, kunit_action_t *action, void *ctx);
int kunit_add_action_or_reset(struct kunit *test, kunit_action_t *action,
			      void *ctx);
void kunit_remove_action(struct kunit *test, kunit_action_t *action,
			 void *ctx);
void kunit_release_action(struct kunit *test, kunit_action_t *action,
			  void *ctx);

#define KUNIT_DEFINE_ACTION_WRAPPER(wrapper, orig, arg_type)		\
	static void wrapper(void *in)					\
	{								\
		orig((arg_type)in);					\
	}

#endif /* _SHIM_KUNIT_TEST_H */
