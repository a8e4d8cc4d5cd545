/* SPDX-License-Identifier: MIT */
/*
 * Starting the command's process: its environment, its program found
 * through PATH and PATHEXT, its command line, and CreateProcessW (or
 * CreateProcessAsUserW with the restricted token) with only the standard
 * handles inherited.
 *
 * What the child inherits is listed explicitly: PROC_THREAD_ATTRIBUTE_
 * HANDLE_LIST holds inheritable duplicates of paddock's stdin, stdout and
 * stderr, made just for this call and closed after it, and nothing else;
 * every other handle of paddock is created non-inheritable. Between the
 * duplicate and its closing, a CreateProcess of another thread of the same
 * process that inherits handles without a list would inherit it too: a
 * program that embeds the library and starts processes from several
 * threads should give them handle lists as well.
 *
 * The desktop is always named ("winsta0\default" in the unelevated mode):
 * a process started with the default desktop of another token would
 * otherwise fail in user32 in ways that look like the command's own
 * failures.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/win32.h"

/* paddock's own environment as UTF-8 "NAME=value" strings. */
static int own_environment(struct strv *ret)
{
	wchar_t *block = GetEnvironmentStringsW();
	int r = 0;

	if (!block)
		return -ENOMEM;
	for (const wchar_t *p = block; *p && r == 0; p += wcslen(p) + 1) {
		char *entry;

		r = win_str_utf8(p, &entry);
		if (r == -EINVAL) {
			r = 0; /* an unpaired surrogate: not passed on */
			continue;
		}
		if (r == 0)
			r = strv_push_owned(ret, entry);
	}
	FreeEnvironmentStringsW(block);
	return r;
}

static int child_environment(const struct paddock_policy *policy,
			     const char *stub_dir, uint16_t proxy_port,
			     char ***ret)
{
	struct strv own = { 0 };
	const char *const *envp;
	static const char *const empty[] = { NULL };
	int r = 0;

	if (policy->inherit_env)
		r = own_environment(&own);
	if (r < 0) {
		strv_clear(&own);
		return r;
	}
	envp = policy->inherit_env ? (const char *const *)own.items
				   : (const char *const *)policy->env.items;
	if (!envp)
		envp = empty;
	if (policy->network == PADDOCK_NETWORK_OFF)
		r = win_netenv_offline(envp, stub_dir, ".CMD", ret);
	else if (policy->network == PADDOCK_NETWORK_PROXY)
		r = win_netenv_proxy(envp, proxy_port, ret);
	else
		r = win_netenv_online(envp, ret);
	strv_clear(&own);
	return r;
}

/* The first candidate that is a file. */
static int find_program(const char *name, char **env, char **ret)
{
	const char *const *envp = (const char *const *)env;
	char **candidates;
	int r = win_program_candidates(name, win_netenv_get(envp, "PATH"),
				       win_netenv_get(envp, "PATHEXT"),
				       &candidates);

	if (r < 0)
		return r;
	r = -ENOENT;
	for (size_t i = 0; candidates[i] && r == -ENOENT; i++) {
		wchar_t *wide;
		DWORD attributes;

		if (win_str_wide(candidates[i], &wide) < 0)
			continue;
		attributes = GetFileAttributesW(wide);
		free(wide);
		if (attributes == INVALID_FILE_ATTRIBUTES ||
		    (attributes & FILE_ATTRIBUTE_DIRECTORY))
			continue;
		*ret = strdup(candidates[i]);
		r = *ret ? 0 : -ENOMEM;
	}
	win_program_free(candidates);
	return r;
}

/* cmd.exe from the system directory, never from PATH or %ComSpec%, which
 * the environment controls. */
static int system_cmd(char **ret)
{
	wchar_t dir[MAX_PATH];
	UINT n = GetSystemDirectoryW(dir, MAX_PATH);
	char *utf8;
	int r;

	if (n == 0 || n >= MAX_PATH)
		return -ENOENT;
	r = win_str_utf8(dir, &utf8);
	if (r < 0)
		return r;
	r = asprintf(ret, "%s\\cmd.exe", utf8) < 0 ? -ENOMEM : 0;
	free(utf8);
	return r;
}

/* The application and command line CreateProcessW gets. */
static int command_line(const char *program, const char *const *argv,
			char **ret_app, char **ret_line)
{
	char *cmd;
	int r;

	if (!win_program_is_batch(program)) {
		*ret_app = strdup(program);
		if (!*ret_app)
			return -ENOMEM;
		r = win_cmdline_quote(argv, ret_line);
		if (r < 0)
			free(*ret_app);
		return r;
	}
	r = system_cmd(&cmd);
	if (r < 0)
		return r;
	r = win_cmdline_batch(cmd, program, argv + 1, ret_line);
	if (r < 0) {
		free(cmd);
		return r;
	}
	*ret_app = cmd;
	return 0;
}

/* A Unicode environment block: each entry and its NUL, then a NUL. */
int win_launch_env_block(char **env, wchar_t **ret)
{
	size_t len = 1, at = 0;
	wchar_t *block;

	for (size_t i = 0; env[i]; i++) {
		int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS,
					    env[i], -1, NULL, 0);

		if (n <= 0)
			return -EINVAL;
		len += (size_t)n;
	}
	block = malloc((len + 1) * sizeof(*block));
	if (!block)
		return -ENOMEM;
	for (size_t i = 0; env[i]; i++)
		at += (size_t)MultiByteToWideChar(CP_UTF8, 0, env[i], -1,
						  block + at, (int)(len - at));
	block[at++] = L'\0';
	block[at] = L'\0';
	*ret = block;
	return 0;
}

static int wide_or_fail(const char *s, wchar_t **ret, struct paddock_error *err)
{
	int r = win_str_wide(s, ret);

	if (r < 0)
		return error_set(err, PADDOCK_STEP_SPAWN, -r, s,
				 "not valid UTF-8");
	return 0;
}

static int prepare_line(const char *program, const char *const *argv,
			struct win_launch *l, struct paddock_error *err)
{
	char *app, *line;
	int r = command_line(program, argv, &app, &line);

	if (r == -EINVAL && win_program_is_batch(program))
		return error_set(
			err, PADDOCK_STEP_SPAWN, EINVAL, program,
			"an argument cannot be passed to a batch file safely: it holds '\"', '%' or a line break, which cmd.exe expands or splits");
	if (r == -EINVAL)
		return error_set(
			err, PADDOCK_STEP_SPAWN, EINVAL, argv[0],
			"the program name holds a '\"', or an argument is not valid UTF-8");
	if (r == -E2BIG)
		return error_set(
			err, PADDOCK_STEP_SPAWN, E2BIG, argv[0],
			"the command line is longer than 32767 characters");
	if (r < 0)
		return error_set(err, PADDOCK_STEP_SPAWN, -r, argv[0], NULL);
	r = wide_or_fail(app, &l->app, err);
	if (r == 0)
		r = wide_or_fail(line, &l->line, err);
	free(app);
	free(line);
	return r;
}

int win_launch_prepare(const struct paddock_policy *policy,
		       const char *const *argv, const char *cwd,
		       const char *stub_dir, uint16_t proxy_port,
		       struct win_launch *ret, bool *ret_not_found,
		       struct paddock_error *err)
{
	struct win_launch l = { 0 };
	char **env = NULL;
	int r;

	*ret_not_found = false;
	r = child_environment(policy, stub_dir, proxy_port, &env);
	if (r < 0) {
		error_set(err, PADDOCK_STEP_SPAWN, -r, NULL,
			  "cannot build the command's environment");
		goto out;
	}
	r = find_program(argv[0], env, &l.program);
	if (r < 0) {
		*ret_not_found = r == -ENOENT;
		error_set(err, PADDOCK_STEP_SPAWN, -r, argv[0], NULL);
		goto out;
	}
	r = prepare_line(l.program, argv, &l, err);
	if (r == 0 && win_launch_env_block(env, &l.env) < 0)
		r = error_set(err, PADDOCK_STEP_SPAWN, EINVAL, NULL,
			      "an environment variable is not valid UTF-8");
	if (r == 0)
		r = wide_or_fail(cwd, &l.cwd, err);
out:
	win_netenv_free(env);
	if (r < 0) {
		win_launch_free(&l);
		return r;
	}
	*ret = l;
	return 0;
}

void win_launch_free(struct win_launch *l)
{
	free(l->app);
	free(l->line);
	free(l->env);
	free(l->cwd);
	free(l->program);
	*l = (struct win_launch){ 0 };
}

/* Inheritable duplicates of the standard handles that exist. */
static DWORD duplicate_std(HANDLE dup[3], size_t *ret_n)
{
	static const DWORD ids[3] = { STD_INPUT_HANDLE, STD_OUTPUT_HANDLE,
				      STD_ERROR_HANDLE };
	HANDLE self = GetCurrentProcess();
	size_t n = 0;

	for (size_t i = 0; i < 3; i++) {
		HANDLE h = GetStdHandle(ids[i]);

		dup[i] = NULL;
		if (h == NULL || h == INVALID_HANDLE_VALUE)
			continue;
		if (!DuplicateHandle(self, h, self, &dup[i], 0, TRUE,
				     DUPLICATE_SAME_ACCESS)) {
			DWORD native = GetLastError();

			for (size_t j = 0; j < i; j++) {
				if (dup[j])
					CloseHandle(dup[j]);
			}
			return native;
		}
		n++;
	}
	*ret_n = n;
	return 0;
}

static DWORD make_attributes(HANDLE *list, size_t n,
			     LPPROC_THREAD_ATTRIBUTE_LIST *ret)
{
	LPPROC_THREAD_ATTRIBUTE_LIST attrs;
	SIZE_T size = 0;
	DWORD native;

	/* The first call only says how much room the list needs, and fails
	 * with ERROR_INSUFFICIENT_BUFFER as documented. */
	if (!InitializeProcThreadAttributeList(NULL, 1, 0, &size) &&
	    GetLastError() != ERROR_INSUFFICIENT_BUFFER)
		return GetLastError();
	attrs = malloc(size);
	if (!attrs)
		return ERROR_NOT_ENOUGH_MEMORY;
	if (!InitializeProcThreadAttributeList(attrs, 1, 0, &size)) {
		native = GetLastError();
		free(attrs);
		return native;
	}
	if (!UpdateProcThreadAttribute(attrs, 0,
				       PROC_THREAD_ATTRIBUTE_HANDLE_LIST, list,
				       n * sizeof(*list), NULL, NULL)) {
		native = GetLastError();
		DeleteProcThreadAttributeList(attrs);
		free(attrs);
		return native;
	}
	*ret = attrs;
	return 0;
}

static DWORD create(const struct win_launch *l, HANDLE token, HANDLE std[3],
		    size_t n_std, LPPROC_THREAD_ATTRIBUTE_LIST attrs,
		    const wchar_t *desktop, DWORD extra_flags,
		    PROCESS_INFORMATION *ret)
{
	wchar_t name[128];
	DWORD flags = CREATE_SUSPENDED | CREATE_UNICODE_ENVIRONMENT |
		      EXTENDED_STARTUPINFO_PRESENT | extra_flags;
	STARTUPINFOEXW si = { 0 };
	BOOL ok;

	if (wcslen(desktop) >= sizeof(name) / sizeof(name[0]))
		return ERROR_INVALID_PARAMETER;
	wcscpy(name, desktop);
	si.StartupInfo.cb = sizeof(si);
	si.StartupInfo.lpDesktop = name;
	si.StartupInfo.dwFlags = STARTF_USESTDHANDLES;
	si.StartupInfo.hStdInput = std[0];
	si.StartupInfo.hStdOutput = std[1];
	si.StartupInfo.hStdError = std[2];
	si.lpAttributeList = attrs;
	if (token)
		ok = CreateProcessAsUserW(token, l->app, l->line, NULL, NULL,
					  n_std > 0, flags, l->env, l->cwd,
					  &si.StartupInfo, ret);
	else
		ok = CreateProcessW(l->app, l->line, NULL, NULL, n_std > 0,
				    flags, l->env, l->cwd, &si.StartupInfo,
				    ret);
	return ok ? 0 : GetLastError();
}

/* Create with exactly the inheritable handles of std that are set. */
static DWORD create_listed(const struct win_launch *l, HANDLE token,
			   HANDLE std[3], const wchar_t *desktop,
			   DWORD extra_flags, PROCESS_INFORMATION *ret)
{
	LPPROC_THREAD_ATTRIBUTE_LIST attrs = NULL;
	HANDLE list[3];
	size_t n = 0;
	DWORD native = 0;

	for (size_t i = 0; i < 3; i++) {
		if (std[i])
			list[n++] = std[i];
	}
	if (n)
		native = make_attributes(list, n, &attrs);
	if (!native)
		native = create(l, token, std, n, attrs, desktop, extra_flags,
				ret);
	if (attrs) {
		DeleteProcThreadAttributeList(attrs);
		free(attrs);
	}
	return native;
}

DWORD win_launch_start_with(const struct win_launch *l, HANDLE token,
			    HANDLE std[3], const wchar_t *desktop,
			    PROCESS_INFORMATION *ret)
{
	/* The runner has no console of its own; without CREATE_NO_WINDOW a
	 * console program would get a new console window. */
	return create_listed(l, token, std, desktop, CREATE_NO_WINDOW, ret);
}

DWORD win_launch_start(const struct win_launch *l, HANDLE token,
		       PROCESS_INFORMATION *ret)
{
	HANDLE std[3];
	size_t n_std = 0;
	DWORD native = duplicate_std(std, &n_std);

	if (native)
		return native;
	native = create_listed(l, token, std, L"winsta0\\default", 0, ret);
	for (size_t i = 0; i < 3; i++) {
		if (std[i])
			CloseHandle(std[i]);
	}
	return native;
}
