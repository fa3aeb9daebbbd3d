/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by the example programs: human-readable sizes and
 * strict parsing of numeric options.
 */
#ifndef EXAMPLE_UTIL_H
#define EXAMPLE_UTIL_H

#include <errno.h>
#include <getopt.h>
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

/**
 * struct u64_option - a numeric command-line option --@name N
 * @name: long option name
 * @min: smallest value accepted
 * @max: largest value accepted
 * @val: where the value goes; holds the default beforehand
 */
struct u64_option {
	const char *name;
	u64 min;
	u64 max;
	u64 *val;
};

#define MAX_U64_OPTIONS	8

/*
 * Parse argv against @nr numeric options and --help.  --help prints @help
 * (with argv[0]) on stdout and exits; anything wrong prints it on stderr.
 * Returns 0 or -EINVAL.
 */
static inline int parse_u64_options(int argc, char **argv, const char *prog,
				    const struct u64_option *opts,
				    unsigned int nr, const char *help)
{
	struct option longopts[MAX_U64_OPTIONS + 2] = { };
	unsigned int i;
	int c;

	if (nr > MAX_U64_OPTIONS)
		return -EINVAL;
	for (i = 0; i < nr; i++)
		longopts[i] = (struct option){ opts[i].name, required_argument,
					       NULL, 'A' + (int)i };
	longopts[nr] = (struct option){ "help", no_argument, NULL, 'h' };
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			printf(help, argv[0]);
			exit(0);
		}
		if (c < 'A' || c >= 'A' + (int)nr) {
			fprintf(stderr, help, argv[0]);
			return -EINVAL;
		}
		i = c - 'A';
		if (parse_u64(prog, optarg, opts[i].name, opts[i].min,
			      opts[i].max, opts[i].val))
			return -EINVAL;
	}
	if (optind != argc) {
		fprintf(stderr, help, argv[0]);
		return -EINVAL;
	}
	return 0;
}

#endif /* EXAMPLE_UTIL_H */
