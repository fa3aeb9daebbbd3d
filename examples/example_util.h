/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by the example programs: human-readable sizes and
 * strict parsing of numeric options.
 */
#ifndef EXAMPLE_UTIL_H
#define EXAMPLE_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <linux/array_size.h>
#include <linux/types.h>

/* @bytes as "12.3 MiB" in @buf; returns @buf. */
static inline const char *human(u64 bytes, char *buf, size_t size)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)bytes;
	unsigned int u = 0;

	while (v >= 1024 && u < ARRAY_SIZE(unit) - 1) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%llu B", (unsigned long long)bytes);
	else
		snprintf(buf, size, "%.1f %s", v, unit[u]);
	return buf;
}

/*
 * Parse option --@name of program @prog: a number in [@min, @max] in any
 * base strtoull() takes.  Returns 0 or -EINVAL after a message on stderr.
 */
static inline int parse_u64(const char *prog, const char *arg,
			    const char *name, u64 min, u64 max, u64 *val)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || arg[0] == '-' || v < min ||
	    v > max) {
		fprintf(stderr, "%s: --%s wants a number in [%llu, %llu], not '%s'\n",
			prog, name, (unsigned long long)min,
			(unsigned long long)max, arg);
		return -EINVAL;
	}
	*val = v;
	return 0;
}

#endif /* EXAMPLE_UTIL_H */
