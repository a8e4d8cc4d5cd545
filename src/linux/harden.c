/* SPDX-License-Identifier: MIT */
/* Capabilities. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux.h"

#ifndef SECBIT_NOROOT
#define SECBIT_NOROOT (1 << 0)
#define SECBIT_NOROOT_LOCKED (1 << 1)
#define SECBIT_NO_SETUID_FIXUP (1 << 2)
#define SECBIT_NO_SETUID_FIXUP_LOCKED (1 << 3)
#define SECBIT_KEEP_CAPS_LOCKED (1 << 5)
#define SECBIT_NO_CAP_AMBIENT_RAISE (1 << 6)
#define SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED (1 << 7)
#endif

/*
 * Inside its user namespace the sandbox starts with every capability, and
 * when paddock runs as root the command would be uid 0 there, which exec
 * would hand a full set again. So: empty the bounding set, lock the
 * securebits so that uid 0 earns nothing at exec, clear the ambient set,
 * then empty the three sets and read them back.
 */
static int caps_read(struct __user_cap_data_struct data[2])
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};

	return syscall(SYS_capget, &hdr, data) < 0 ? -errno : 0;
}

static bool caps_none(const struct __user_cap_data_struct data[2])
{
	for (int i = 0; i < 2; i++) {
		if (data[i].effective || data[i].permitted ||
		    data[i].inheritable)
			return false;
	}
	return true;
}

/*
 * Empty the bounding set and lock the securebits; needs CAP_SETPCAP. The
 * kernel numbers its capabilities from 0 without gaps and answers EINVAL
 * for any number above its last one, so the first EINVAL ends the loop: no
 * capability the kernel knows is skipped.
 */
static int caps_lock_down(void)
{
	for (unsigned long cap = 0; cap < 64; cap++) {
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
			continue;
		if (errno == EINVAL && cap > 0)
			break;
		return -errno;
	}
	if (prctl(PR_SET_SECUREBITS,
		  SECBIT_NOROOT | SECBIT_NOROOT_LOCKED |
			  SECBIT_NO_SETUID_FIXUP |
			  SECBIT_NO_SETUID_FIXUP_LOCKED |
			  SECBIT_KEEP_CAPS_LOCKED |
			  SECBIT_NO_CAP_AMBIENT_RAISE |
			  SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED,
		  0, 0, 0) < 0)
		return -errno;
	return 0;
}

static bool bounding_set_empty(void)
{
	for (unsigned long cap = 0; cap < 64; cap++) {
		int r = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);

		if (r > 0)
			return false;
		if (r < 0)
			break;
	}
	return true;
}

int caps_drop_all(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2] = { 0 };
	bool lock;
	int r = caps_read(data);

	if (r < 0)
		return r;
	/* Nothing to lock down when no capability is held and exec cannot
	 * grant one: an unprivileged caller without a user namespace (whose
	 * no_new_privs stops file capabilities and setuid), or uid 0 whose
	 * bounding set is already empty (paddock inside paddock). Those
	 * callers may not touch the bounding set anyway. */
	lock = !caps_none(data) || (geteuid() == 0 && !bounding_set_empty());
	if (lock) {
		r = caps_lock_down();
		if (r < 0)
			return r;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return -errno;
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;

	r = caps_read(data);
	if (r < 0)
		return r;
	if (!caps_none(data) || (geteuid() == 0 && !bounding_set_empty()))
		return -EPERM;
	return 0;
}
