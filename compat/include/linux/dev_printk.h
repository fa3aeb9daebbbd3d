/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace <linux/dev_printk.h>: device messages, prefixed with the
 * device name and counted per level like pr_*() (see <linux/printk.h>).
 */
#ifndef _SHIM_LINUX_DEV_PRINTK_H
#define _SHIM_LINUX_DEV_PRINTK_H

#include <linux/bug.h>
#include <linux/printk.h>

#define dev_emerg(dev, fmt, ...)	shim_printk(LOGLEVEL_EMERG, dev, fmt, ##__VA_ARGS__)
#define dev_crit(dev, fmt, ...)		shim_printk(LOGLEVEL_CRIT, dev, fmt, ##__VA_ARGS__)
#define dev_err(dev, fmt, ...)		shim_printk(LOGLEVEL_ERR, dev, fmt, ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...)		shim_printk(LOGLEVEL_WARNING, dev, fmt, ##__VA_ARGS__)
#define dev_notice(dev, fmt, ...)	shim_printk(LOGLEVEL_NOTICE, dev, fmt, ##__VA_ARGS__)
#define dev_info(dev, fmt, ...)		shim_printk(LOGLEVEL_INFO, dev, fmt, ##__VA_ARGS__)
#define dev_dbg(dev, fmt, ...)		shim_printk(LOGLEVEL_DEBUG, dev, fmt, ##__VA_ARGS__)
#define dev_err_once(dev, fmt, ...)	dev_err(dev, fmt, ##__VA_ARGS__)
#define dev_warn_once(dev, fmt, ...)	dev_warn(dev, fmt, ##__VA_ARGS__)
#define dev_info_once(dev, fmt, ...)	dev_info(dev, fmt, ##__VA_ARGS__)
#define dev_err_ratelimited(dev, fmt, ...)	dev_err(dev, fmt, ##__VA_ARGS__)
#define dev_warn_ratelimited(dev, fmt, ...)	dev_warn(dev, fmt, ##__VA_ARGS__)

#define dev_err_probe(dev, err, fmt, ...) ({		\
	int __err = (err);				\
	dev_err(dev, fmt, ##__VA_ARGS__);		\
	__err; })

/* A WARN (counted, see <linux/bug.h>) plus the message. */
#define dev_WARN_ONCE(dev, cond, fmt, ...) ({		\
	int __c = !!(cond);				\
	if (__c)					\
		dev_warn(dev, fmt, ##__VA_ARGS__);	\
	WARN_ON(__c); })
#define dev_WARN(dev, fmt, ...)	dev_WARN_ONCE(dev, 1, fmt, ##__VA_ARGS__)

#endif /* _SHIM_LINUX_DEV_PRINTK_H */
