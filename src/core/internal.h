/* SPDX-License-Identifier: MIT */
/* The platform-neutral core: the policy handle, errors and logging. */
#ifndef PADDOCK_CORE_INTERNAL_H
#define PADDOCK_CORE_INTERNAL_H

#include <stdarg.h>

#include "paddock.h"

/* With __USE_MINGW_ANSI_STDIO, mingw-w64's printf is GNU's (%zu, %llu),
 * which the format check must be told. */
#ifdef __MINGW32__
#define PADDOCK_PRINTF(a, b) __attribute__((format(gnu_printf, a, b)))
#else
#define PADDOCK_PRINTF(a, b) __attribute__((format(printf, a, b)))
#endif

/* A growable, NULL-terminated array of owned strings. */
struct strv {
	char **items;
	size_t len;
	size_t cap;
};

int strv_push(struct strv *v, const char *s);
int strv_push_owned(struct strv *v, char *s);
bool strv_contains(const struct strv *v, const char *s);
int strv_copy(struct strv *dst, const char *const *src);
void strv_clear(struct strv *v);

struct paddock_policy {
	enum paddock_mode mode;
	char *workspace; /* NULL: the current directory */
	struct strv writable_roots; /* as given */
	struct strv protected_names; /* defaults first */
	struct strv deny_read; /* as given */
	struct strv allowed_sockets; /* as given */
	enum paddock_network network;
	struct strv allow_domains; /* proxy mode's patterns, checked */
	struct strv deny_domains;
	struct strv proxy_resolve; /* "name=address", checked */
	int proxy_report_fd; /* -1: none */
	enum paddock_isolation isolation;
	enum paddock_windows_mode windows_mode;
	bool tmp_writable;
	bool nested_userns;
	bool inherit_env;
	struct strv env;
	unsigned long timeout_ms;
	enum paddock_log_level log_level;
	paddock_log_fn log_fn;
	void *log_userdata;
};

/* The protected names every policy starts with; see docs/policy.md. */
extern const char *const policy_default_protected_names[];

/* Check a protected name: one path component, not "." or "..". */
bool policy_name_is_valid(const char *name);

/* -EINVAL when domain rules, a report or a resolve map are given for a
 * network other than proxy mode: they would be silently ignored. */
int policy_check_network(const struct paddock_policy *policy,
			 struct paddock_error *err);

struct proxy_rules;
struct proxy_map_entry;
/* Proxy mode's rules and resolve map from the policy's checked lists, for
 * the proxy of either backend: *ret_map has one entry per
 * proxy_resolve item (free it, and proxy_rules_free() the rules, also on
 * failure). */
int policy_proxy_rules(const struct paddock_policy *policy,
		       struct proxy_rules *rules,
		       struct proxy_map_entry **ret_map,
		       struct paddock_error *err);

/* Fill err (when not NULL) and return -code. */
int error_set(struct paddock_error *err, enum paddock_step step, int code,
	      const char *operand, const char *message);

void log_msg(const struct paddock_policy *policy, enum paddock_log_level level,
	     const char *fmt, ...) PADDOCK_PRINTF(3, 4);

/* Parse a profile held in memory. name is used in error messages and base
 * is the directory relative paths are taken from. */
int profile_parse(struct paddock_policy *policy, const char *name,
		  const char *base, const char *text, size_t len,
		  struct paddock_error *err);

/* The largest profile file read. */
#define PROFILE_MAX_SIZE (1024 * 1024)

/* Read the profile file at path into *ret_text (not NUL-terminated, *ret_len
 * bytes) and give the absolute directory it lies in, from which its relative
 * paths are taken, in *ret_base; both are malloc'ed. One implementation per
 * platform (profile_posix.c, windows/profile.c). */
int profile_read(const char *path, char **ret_text, size_t *ret_len,
		 char **ret_base, struct paddock_error *err);

/* Parse a duration in seconds ("10", "2.5") into milliseconds. */
int parse_seconds(const char *s, unsigned long *ret_ms);

#endif
