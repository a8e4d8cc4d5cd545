/* SPDX-License-Identifier: MIT */
/* Unit tests for profile files: the in-memory parser and the file loader. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/internal.h"

#define NAME "test.profile"
#define BASE "/base"

struct fixture {
	paddock_policy *p;
	struct paddock_error err;
	char *old_home;
	char dir[PATH_MAX]; /* a canonical temporary directory, or "" */
	char *paths[8]; /* made by in_dir(), freed by teardown() */
	size_t n_paths;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *home = getenv("HOME");

	if (!f || paddock_policy_new(&f->p) < 0)
		return -1;
	f->old_home = home ? strdup(home) : NULL;
	*state = f;
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int type,
		    struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->old_home)
		setenv("HOME", f->old_home, 1);
	else
		unsetenv("HOME");
	if (f->dir[0])
		nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	for (size_t i = 0; i < f->n_paths; i++)
		free(f->paths[i]);
	free(f->old_home);
	paddock_policy_free(f->p);
	free(f);
	return 0;
}

/* Parse text (up to its NUL) with the fixture's policy and error. */
static int parse(struct fixture *f, const char *text)
{
	return profile_parse(f->p, NAME, BASE, text, strlen(text), &f->err);
}

static void assert_line_error(const struct fixture *f, int code, unsigned line)
{
	assert_int_equal(f->err.step, PADDOCK_STEP_PROFILE);
	assert_int_equal(f->err.code, code);
	assert_int_equal(f->err.line, line);
	assert_non_null(f->err.message);
	assert_string_equal(f->err.operand, NAME);
}

/* Make a canonical temporary directory for the loader tests. */
static void make_dir(struct fixture *f)
{
	char tmpl[] = "/tmp/paddock-profile-XXXXXX";
	char *real;

	assert_non_null(mkdtemp(tmpl));
	real = realpath(tmpl, NULL);
	assert_non_null(real);
	snprintf(f->dir, sizeof(f->dir), "%s", real);
	free(real);
}

/* The path of name inside the fixture's directory. */
static const char *in_dir(struct fixture *f, const char *name)
{
	char *path;

	assert_true(f->n_paths < sizeof(f->paths) / sizeof(f->paths[0]));
	assert_true(asprintf(&path, "%s/%s", f->dir, name) > 0);
	f->paths[f->n_paths++] = path;
	return path;
}

static void write_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static void empty_profile_changes_nothing(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(profile_parse(f->p, NAME, BASE, "", 0, &f->err), 0);
	assert_int_equal(parse(f, "\n\n# only a comment\n   \n"), 0);
	assert_int_equal(f->p->mode, PADDOCK_MODE_WORKSPACE_WRITE);
	assert_null(f->p->workspace);
	assert_true(f->p->tmp_writable);
}

static void cd_sets_workspace(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "cd /srv/project\n"), 0);
	assert_string_equal(f->p->workspace, "/srv/project");
}

static void sandbox_sets_mode(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "sandbox read-only\n"), 0);
	assert_int_equal(f->p->mode, PADDOCK_MODE_READ_ONLY);
	assert_int_equal(parse(f, "sandbox full-access\n"), 0);
	assert_int_equal(f->p->mode, PADDOCK_MODE_FULL_ACCESS);
	assert_int_equal(parse(f, "sandbox workspace-write\n"), 0);
	assert_int_equal(f->p->mode, PADDOCK_MODE_WORKSPACE_WRITE);
}

static void write_adds_writable_roots_in_order(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "write /a\nwrite /b\n"), 0);
	assert_int_equal(f->p->writable_roots.len, 2);
	assert_string_equal(f->p->writable_roots.items[0], "/a");
	assert_string_equal(f->p->writable_roots.items[1], "/b");
}

static void protect_adds_protected_name(void **state)
{
	struct fixture *f = *state;
	const char *const *names;
	size_t before = paddock_policy_protected_names(f->p, &names);

	assert_int_equal(parse(f, "protect .hg\nprotect .git\n"), 0);
	assert_int_equal(paddock_policy_protected_names(f->p, &names),
			 before + 1);
	assert_string_equal(names[before], ".hg");
}

static void deny_read_adds_path(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "deny-read /etc/shadow\n"), 0);
	assert_int_equal(f->p->deny_read.len, 1);
	assert_string_equal(f->p->deny_read.items[0], "/etc/shadow");
}

static void network_sets_network(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "network on\n"), 0);
	assert_int_equal(f->p->network, PADDOCK_NETWORK_ON);
	assert_int_equal(parse(f, "network off\n"), 0);
	assert_int_equal(f->p->network, PADDOCK_NETWORK_OFF);
	assert_int_equal(parse(f, "network proxy\n"), 0);
	assert_int_equal(f->p->network, PADDOCK_NETWORK_PROXY);
}

static void domain_directives_add_patterns(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "allow-domain pypi.org\n"
				  "allow-domain *.pythonhosted.org:443\n"
				  "deny-domain upload.pypi.org\n"),
			 0);
	assert_int_equal(f->p->allow_domains.len, 2);
	assert_string_equal(f->p->allow_domains.items[1],
			    "*.pythonhosted.org:443");
	assert_int_equal(f->p->deny_domains.len, 1);
	assert_string_equal(f->p->deny_domains.items[0], "upload.pypi.org");
}

static void bad_domain_pattern_is_refused_with_its_line(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "network proxy\nallow-domain a.*.com\n"),
			 -EINVAL);
	assert_line_error(f, EINVAL, 2);
	assert_int_equal(f->p->allow_domains.len, 0);
}

static void no_tmp_clears_tmp_writable(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "no-tmp\n"), 0);
	assert_false(f->p->tmp_writable);
}

static void timeout_sets_milliseconds(void **state)
{
	struct fixture *f = *state;
	unsigned long ms = 0;

	assert_int_equal(parse(f, "timeout 2.5\n"), 0);
	paddock_policy_get_timeout_ms(f->p, &ms);
	assert_int_equal(ms, 2500);
}

static void isolation_sets_isolation(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(f->p->isolation, PADDOCK_ISOLATION_AUTO);
	assert_int_equal(parse(f, "isolation landlock\n"), 0);
	assert_int_equal(f->p->isolation, PADDOCK_ISOLATION_LANDLOCK);
	assert_int_equal(parse(f, "isolation namespaces\n"), 0);
	assert_int_equal(f->p->isolation, PADDOCK_ISOLATION_NAMESPACES);
	assert_int_equal(parse(f, "# ok\nisolation chroot\n"), -EINVAL);
	assert_line_error(f, EINVAL, 2);
	assert_int_equal(f->p->isolation, PADDOCK_ISOLATION_NAMESPACES);
}

static void allow_unix_socket_adds_path_from_base(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "allow-unix-socket run/agent.sock\n"), 0);
	assert_int_equal(f->p->allowed_sockets.len, 1);
	assert_string_equal(f->p->allowed_sockets.items[0],
			    BASE "/run/agent.sock");
	assert_int_equal(parse(f, "allow-unix-socket\n"), -EINVAL);
	assert_line_error(f, EINVAL, 1);
}

static void allow_userns_takes_no_value(void **state)
{
	struct fixture *f = *state;

	assert_false(f->p->nested_userns);
	assert_int_equal(parse(f, "allow-userns yes\n"), -EINVAL);
	assert_line_error(f, EINVAL, 1);
	assert_false(f->p->nested_userns);
	assert_int_equal(parse(f, "allow-userns\n"), 0);
	assert_true(f->p->nested_userns);
}

static void blanks_comments_and_crlf_are_ignored(void **state)
{
	struct fixture *f = *state;
	unsigned long ms = 0;

	assert_int_equal(parse(f, "# a comment\r\n"
				  "\r\n"
				  "   \t\r\n"
				  "  # indented comment\r\n"
				  "  sandbox   read-only  \r\n"
				  "\tnetwork\ton\t\r\n"
				  "no-tmp \t\r\n"
				  "timeout 3"),
			 0);
	assert_int_equal(f->p->mode, PADDOCK_MODE_READ_ONLY);
	assert_int_equal(f->p->network, PADDOCK_NETWORK_ON);
	assert_false(f->p->tmp_writable);
	paddock_policy_get_timeout_ms(f->p, &ms);
	assert_int_equal(ms, 3000);
}

static void value_keeps_inner_spaces(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "write   /my dir/with  two spaces \t\r\n"),
			 0);
	assert_string_equal(f->p->writable_roots.items[0],
			    "/my dir/with  two spaces");
}

static void relative_paths_are_taken_from_base(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "cd project\nwrite ../out\n"
				  "deny-read sub dir/key\n"),
			 0);
	assert_string_equal(f->p->workspace, BASE "/project");
	assert_string_equal(f->p->writable_roots.items[0], BASE "/../out");
	assert_string_equal(f->p->deny_read.items[0], BASE "/sub dir/key");
}

static void base_with_trailing_slash_or_root_gives_one_slash(void **state)
{
	struct fixture *f = *state;
	const char *t = "write x\n";

	assert_int_equal(
		profile_parse(f->p, NAME, "/base/", t, strlen(t), &f->err), 0);
	assert_int_equal(profile_parse(f->p, NAME, "/", t, strlen(t), &f->err),
			 0);
	assert_string_equal(f->p->writable_roots.items[0], "/base/x");
	assert_string_equal(f->p->writable_roots.items[1], "/x");
}

static void tilde_expands_from_home(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(setenv("HOME", "/home/user", 1), 0);
	assert_int_equal(parse(f, "cd ~\nwrite ~/cache\ndeny-read ~/.ssh\n"),
			 0);
	assert_string_equal(f->p->workspace, "/home/user");
	assert_string_equal(f->p->writable_roots.items[0], "/home/user/cache");
	assert_string_equal(f->p->deny_read.items[0], "/home/user/.ssh");
}

static void tilde_with_root_home_gives_one_slash(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(setenv("HOME", "/", 1), 0);
	assert_int_equal(parse(f, "write ~/x\ncd ~\n"), 0);
	assert_string_equal(f->p->writable_roots.items[0], "/x");
	assert_string_equal(f->p->workspace, "/");
}

static void tilde_user_is_not_expanded(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(setenv("HOME", "/home/user", 1), 0);
	assert_int_equal(parse(f, "write ~other/x\n"), 0);
	assert_string_equal(f->p->writable_roots.items[0], BASE "/~other/x");
}

static void unknown_directive_is_refused(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "frobnicate yes\n"), -EINVAL);
	assert_line_error(f, EINVAL, 1);
	assert_string_equal(f->err.message, "unknown directive");
}

static void directive_names_are_case_sensitive(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "Sandbox read-only\n"), -EINVAL);
	assert_line_error(f, EINVAL, 1);
	assert_int_equal(f->p->mode, PADDOCK_MODE_WORKSPACE_WRITE);
}

static void missing_value_is_refused(void **state)
{
	static const char *const lines[] = {
		"cd",	      "sandbox", "write \t",  "protect",
		"deny-read ", "network", "timeout\r",
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_int_equal(parse(f, lines[i]), -EINVAL);
		assert_line_error(f, EINVAL, 1);
		assert_string_equal(f->err.message, "missing value");
	}
}

static void value_after_no_tmp_is_refused(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "no-tmp please\n"), -EINVAL);
	assert_line_error(f, EINVAL, 1);
	assert_string_equal(f->err.message, "this directive takes no value");
	assert_true(f->p->tmp_writable);
}

static void bad_sandbox_mode_is_refused(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "sandbox yolo\n"), -EINVAL);
	assert_line_error(f, EINVAL, 1);
	assert_int_equal(f->p->mode, PADDOCK_MODE_WORKSPACE_WRITE);
}

static void bad_network_mode_is_refused(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "network maybe\n"), -EINVAL);
	assert_line_error(f, EINVAL, 1);
	assert_int_equal(f->p->network, PADDOCK_NETWORK_OFF);
}

static void bad_timeout_is_refused(void **state)
{
	static const char *const lines[] = { "timeout 0", "timeout -1",
					     "timeout abc", "timeout 5s",
					     "timeout inf" };
	struct fixture *f = *state;
	unsigned long ms = 1;

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_int_equal(parse(f, lines[i]), -EINVAL);
		assert_line_error(f, EINVAL, 1);
	}
	paddock_policy_get_timeout_ms(f->p, &ms);
	assert_int_equal(ms, 0);
}

static void invalid_protected_name_is_refused(void **state)
{
	static const char *const lines[] = { "protect .", "protect ..",
					     "protect a/b", "protect /abs" };
	struct fixture *f = *state;
	const char *const *names;
	size_t before = paddock_policy_protected_names(f->p, &names);

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		assert_int_equal(parse(f, lines[i]), -EINVAL);
		assert_line_error(f, EINVAL, 1);
	}
	assert_int_equal(paddock_policy_protected_names(f->p, &names), before);
}

static void tilde_without_home_is_refused(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(unsetenv("HOME"), 0);
	assert_int_equal(parse(f, "write ~/x\n"), -EINVAL);
	assert_line_error(f, EINVAL, 1);
	assert_int_equal(parse(f, "cd ~\n"), -EINVAL);
	assert_line_error(f, EINVAL, 1);
	assert_int_equal(f->p->writable_roots.len, 0);
	assert_null(f->p->workspace);
}

static void tilde_with_relative_home_is_refused(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(setenv("HOME", "home/user", 1), 0);
	assert_int_equal(parse(f, "deny-read ~/.ssh\n"), -EINVAL);
	assert_line_error(f, EINVAL, 1);
	assert_int_equal(setenv("HOME", "", 1), 0);
	assert_int_equal(parse(f, "deny-read ~/.ssh\n"), -EINVAL);
	assert_line_error(f, EINVAL, 1);
	assert_int_equal(f->p->deny_read.len, 0);
}

static void nul_byte_is_refused_before_any_change(void **state)
{
	struct fixture *f = *state;
	static const char text[] = "sandbox read-only\nwrite /a\0b\n";

	assert_int_equal(profile_parse(f->p, NAME, BASE, text, sizeof(text) - 1,
				       &f->err),
			 -EINVAL);
	assert_int_equal(f->err.step, PADDOCK_STEP_PROFILE);
	assert_int_equal(f->err.code, EINVAL);
	assert_non_null(f->err.message);
	assert_int_equal(f->p->mode, PADDOCK_MODE_WORKSPACE_WRITE);
	assert_int_equal(f->p->writable_roots.len, 0);
}

/* The error of a NUL byte names the line that holds it, like every other
 * error of a profile line. */
static void nul_byte_error_names_its_line(void **state)
{
	struct fixture *f = *state;
	static const char text[] = "sandbox read-only\nwrite /a\0b\n";

	assert_int_equal(profile_parse(f->p, NAME, BASE, text, sizeof(text) - 1,
				       &f->err),
			 -EINVAL);
	assert_line_error(f, EINVAL, 2);
}

static void absolute_path_too_long_is_refused(void **state)
{
	struct fixture *f = *state;
	static char text[PATH_MAX + 16];

	strcpy(text, "write /");
	memset(text + 7, 'a', PATH_MAX);
	text[7 + PATH_MAX] = '\0';
	assert_int_equal(parse(f, text), -ENAMETOOLONG);
	assert_line_error(f, ENAMETOOLONG, 1);
	assert_int_equal(f->p->writable_roots.len, 0);
}

/* The value alone fits, but base + "/" + value does not. */
static void relative_path_too_long_after_join_is_refused(void **state)
{
	struct fixture *f = *state;
	static char text[PATH_MAX + 16];
	size_t n = PATH_MAX - sizeof(BASE) - 1;

	strcpy(text, "cd ");
	memset(text + 3, 'a', n);
	text[3 + n] = '\0';
	assert_int_equal(parse(f, text), 0);
	text[3 + n] = 'a';
	text[4 + n] = '\0';
	assert_int_equal(parse(f, text), -ENAMETOOLONG);
	assert_line_error(f, ENAMETOOLONG, 1);
}

static void error_names_the_failing_line_after_good_ones(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "# header\n"
				  "sandbox read-only\n"
				  "\n"
				  "write /ok\r\n"
				  "network maybe\n"
				  "no-tmp\n"),
			 -EINVAL);
	assert_line_error(f, EINVAL, 5);
	assert_int_equal(f->p->mode, PADDOCK_MODE_READ_ONLY);
	assert_int_equal(f->p->writable_roots.len, 1);
	assert_true(f->p->tmp_writable);
}

static void error_line_counts_blank_last_lines(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(parse(f, "\n\n\n\nbogus"), -EINVAL);
	assert_line_error(f, EINVAL, 5);
}

static void null_error_is_accepted(void **state)
{
	struct fixture *f = *state;
	const char *t = "bogus\n";

	assert_int_equal(profile_parse(f->p, NAME, BASE, t, strlen(t), NULL),
			 -EINVAL);
}

static void load_applies_file(void **state)
{
	struct fixture *f = *state;
	const char *path;
	const char *t = "sandbox full-access\nnetwork on\n";

	make_dir(f);
	path = in_dir(f, "p.profile");
	write_file(path, t, strlen(t));
	assert_int_equal(paddock_profile_load(f->p, path, &f->err), 0);
	assert_int_equal(f->p->mode, PADDOCK_MODE_FULL_ACCESS);
	assert_int_equal(f->p->network, PADDOCK_NETWORK_ON);
}

static void load_takes_relative_paths_from_profile_dir(void **state)
{
	struct fixture *f = *state;
	const char *path, *want;
	const char *t = "cd ..\nwrite data\n";

	make_dir(f);
	path = in_dir(f, "sub");
	assert_int_equal(mkdir(path, 0755), 0);
	path = in_dir(f, "sub/p.profile");
	write_file(path, t, strlen(t));
	assert_int_equal(paddock_profile_load(f->p, path, &f->err), 0);
	want = in_dir(f, "sub/..");
	assert_string_equal(f->p->workspace, want);
	want = in_dir(f, "sub/data");
	assert_string_equal(f->p->writable_roots.items[0], want);
}

static void load_by_relative_name_uses_absolute_base(void **state)
{
	struct fixture *f = *state;
	const char *path, *want;
	char cwd[PATH_MAX];
	const char *t = "write data\n";
	int r;

	make_dir(f);
	path = in_dir(f, "p.profile");
	write_file(path, t, strlen(t));
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(f->dir), 0);
	r = paddock_profile_load(f->p, "p.profile", &f->err);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(r, 0);
	want = in_dir(f, "data");
	assert_string_equal(f->p->writable_roots.items[0], want);
}

static void load_reports_line_and_path(void **state)
{
	struct fixture *f = *state;
	const char *path;
	const char *t = "sandbox read-only\n# fine\ntimeout never\n";

	make_dir(f);
	path = in_dir(f, "p.profile");
	write_file(path, t, strlen(t));
	assert_int_equal(paddock_profile_load(f->p, path, &f->err), -EINVAL);
	assert_int_equal(f->err.step, PADDOCK_STEP_PROFILE);
	assert_int_equal(f->err.code, EINVAL);
	assert_int_equal(f->err.line, 3);
	assert_non_null(f->err.message);
	assert_string_equal(f->err.operand, path);
}

static void load_missing_file_is_enoent(void **state)
{
	struct fixture *f = *state;
	const char *path;

	make_dir(f);
	path = in_dir(f, "absent.profile");
	assert_int_equal(paddock_profile_load(f->p, path, &f->err), -ENOENT);
	assert_int_equal(f->err.step, PADDOCK_STEP_PROFILE);
	assert_int_equal(f->err.code, ENOENT);
	assert_int_equal(f->err.line, 0);
	assert_string_equal(f->err.operand, path);
}

static void load_directory_is_refused(void **state)
{
	struct fixture *f = *state;

	make_dir(f);
	assert_int_equal(paddock_profile_load(f->p, f->dir, &f->err), -EINVAL);
	assert_int_equal(f->err.step, PADDOCK_STEP_PROFILE);
	assert_int_equal(f->err.code, EINVAL);
	assert_string_equal(f->err.message, "not a regular file");
	assert_string_equal(f->err.operand, f->dir);
}

static void load_file_over_one_mib_is_efbig(void **state)
{
	struct fixture *f = *state;
	size_t len = 1024 * 1024 + 1;
	const char *path;
	char *text = malloc(len);

	assert_non_null(text);
	memset(text, '#', len);
	make_dir(f);
	path = in_dir(f, "big.profile");
	write_file(path, text, len);
	free(text);
	assert_int_equal(paddock_profile_load(f->p, path, &f->err), -EFBIG);
	assert_int_equal(f->err.step, PADDOCK_STEP_PROFILE);
	assert_int_equal(f->err.code, EFBIG);
	assert_non_null(f->err.message);
	assert_string_equal(f->err.operand, path);
}

static void load_file_of_exactly_one_mib_is_read(void **state)
{
	struct fixture *f = *state;
	size_t len = 1024 * 1024;
	const char *path;
	char *text = malloc(len);

	assert_non_null(text);
	memset(text, '#', len);
	memcpy(text + len - 8, "\nno-tmp\n", 8);
	make_dir(f);
	path = in_dir(f, "max.profile");
	write_file(path, text, len);
	free(text);
	assert_int_equal(paddock_profile_load(f->p, path, &f->err), 0);
	assert_false(f->p->tmp_writable);
}

/*
 * A FIFO is not a regular file and must be refused like a directory. Opening
 * one for reading blocks until a writer appears, so the load runs in a child
 * with an alarm: a hang shows up as a failure, not as a stuck test run.
 */
static void load_fifo_is_refused_without_blocking(void **state)
{
	struct fixture *f = *state;
	const char *path;
	int status;
	pid_t pid;

	make_dir(f);
	path = in_dir(f, "fifo.profile");
	assert_int_equal(mkfifo(path, 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct paddock_error err;

		alarm(2);
		_exit(paddock_profile_load(f->p, path, &err) == -EINVAL ? 0
									: 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("loading a FIFO blocked (killed by signal %d)",
			 WTERMSIG(status));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(empty_profile_changes_nothing),
		T(cd_sets_workspace),
		T(sandbox_sets_mode),
		T(write_adds_writable_roots_in_order),
		T(protect_adds_protected_name),
		T(deny_read_adds_path),
		T(network_sets_network),
		T(no_tmp_clears_tmp_writable),
		T(timeout_sets_milliseconds),
		T(isolation_sets_isolation),
		T(allow_unix_socket_adds_path_from_base),
		T(allow_userns_takes_no_value),
		T(blanks_comments_and_crlf_are_ignored),
		T(value_keeps_inner_spaces),
		T(relative_paths_are_taken_from_base),
		T(base_with_trailing_slash_or_root_gives_one_slash),
		T(tilde_expands_from_home),
		T(tilde_with_root_home_gives_one_slash),
		T(tilde_user_is_not_expanded),
		T(unknown_directive_is_refused),
		T(directive_names_are_case_sensitive),
		T(missing_value_is_refused),
		T(value_after_no_tmp_is_refused),
		T(bad_sandbox_mode_is_refused),
		T(bad_network_mode_is_refused),
		T(domain_directives_add_patterns),
		T(bad_domain_pattern_is_refused_with_its_line),
		T(bad_timeout_is_refused),
		T(invalid_protected_name_is_refused),
		T(tilde_without_home_is_refused),
		T(tilde_with_relative_home_is_refused),
		T(nul_byte_is_refused_before_any_change),
		T(nul_byte_error_names_its_line),
		T(absolute_path_too_long_is_refused),
		T(relative_path_too_long_after_join_is_refused),
		T(error_names_the_failing_line_after_good_ones),
		T(error_line_counts_blank_last_lines),
		T(null_error_is_accepted),
		T(load_applies_file),
		T(load_takes_relative_paths_from_profile_dir),
		T(load_by_relative_name_uses_absolute_base),
		T(load_reports_line_and_path),
		T(load_missing_file_is_enoent),
		T(load_directory_is_refused),
		T(load_file_over_one_mib_is_efbig),
		T(load_file_of_exactly_one_mib_is_read),
		T(load_fifo_is_refused_without_blocking),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
