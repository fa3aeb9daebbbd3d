/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace <linux/module.h>: module information is dropped. */
#ifndef _SHIM_LINUX_MODULE_H
#define _SHIM_LINUX_MODULE_H

#define MODULE_LICENSE(s)	extern int __shim_module_info
#define MODULE_DESCRIPTION(s)	extern int __shim_module_info
#define MODULE_AUTHOR(s)	extern int __shim_module_info
#define MODULE_IMPORT_NS(ns)	extern int __shim_module_info

#endif /* _SHIM_LINUX_MODULE_H */
