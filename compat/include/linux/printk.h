/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/printk.h>.  Messages go through shim_printk(), which
 * counts them per level (see shim_log_count()) and prints errors and
 * warnings to stderr unless a test silenced them.  The kernel's %p
 * extensions (%pa, %pR, ...) are not interpreted: keep them out of
 * messages whose text a test compares.  Like WARN_ONCE() in this shim, the
 * _once variants print every time.
 */
#ifndef _SHIM_LINUX_PRINTK_H
#define _SHIM_LINUX_PRINTK_H

#include <linux/compiler_types.h>

struct device;

#define LOGLEVEL_EMERG		0
#define LOGLEVEL_ALERT		1
#define LOGLEVEL_CRIT		2
#define LOGLEVEL_ERR		3
#define LOGLEVEL_WARNING	4
#define LOGLEVEL_NOTICE		5
#define LOGLEVEL_INFO		6
#define LOGLEVEL_DEBUG		7

__printf(3, 4)
void shim_printk(int level, const struct device *dev, const char *fmt, ...);

#ifndef pr_fmt
#define pr_fmt(fmt)	fmt
#endif

#define pr_emerg(fmt, ...)	shim_printk(LOGLEVEL_EMERG, NULL, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_alert(fmt, ...)	shim_printk(LOGLEVEL_ALERT, NULL, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_crit(fmt, ...)	shim_printk(LOGLEVEL_CRIT, NULL, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)	shim_printk(LOGLEVEL_ERR, NULL, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	shim_printk(LOGLEVEL_WARNING, NULL, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...)	shim_printk(LOGLEVEL_NOTICE, NULL, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	shim_printk(LOGLEVEL_INFO, NULL, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)	shim_printk(LOGLEVEL_DEBUG, NULL, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err_once(fmt, ...)	pr_err(fmt, ##__VA_ARGS__)
#define pr_warn_once(fmt, ...)	pr_warn(fmt, ##__VA_ARGS__)
#define pr_info_once(fmt, ...)	pr_info(fmt, ##__VA_ARGS__)
#define pr_warn_ratelimited(fmt, ...)	pr_warn(fmt, ##__VA_ARGS__)
#define pr_err_ratelimited(fmt, ...)	pr_err(fmt, ##__VA_ARGS__)

#define no_printk(fmt, ...) ({				\
	if (0)						\
		shim_printk(LOGLEVEL_DEBUG, NULL, fmt, ##__VA_ARGS__);	\
	0; })

#endif /* _SHIM_LINUX_PRINTK_H */
