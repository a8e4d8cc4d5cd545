/* SPDX-License-Identifier: MIT */
/*
 * Building a Windows command line from argv.
 *
 * A Windows process receives one string; each program splits it itself,
 * most of them with the MSVC runtime's rules or CommandLineToArgvW, which
 * agree on everything this file produces:
 *
 * - the program name (argv[0]) ends at the first blank outside quotes, and
 *   backslashes in it are literal, so it cannot carry a '"' at all;
 * - other arguments are separated by spaces and tabs; '"' toggles a quoted
 *   part; 2n backslashes before a '"' stand for n backslashes and the '"'
 *   still toggles, 2n+1 stand for n backslashes and a literal '"';
 *   backslashes anywhere else are literal.
 *
 * The two splitters differ on '""' inside a quoted part (the runtime since
 * 2008 reads one literal quote and stays quoted; CommandLineToArgvW also
 * reads one but leaves the quoted part). That form is never written here:
 * a literal quote is always written as '\"'.
 *
 * cmd.exe does not use these rules (it reads ^, &, |, <, >, %): the line
 * that runs a batch file is built by win_cmdline_batch(), at the end of
 * this file. A command line the user gives to "cmd /c" is cmd's own
 * language and passes through as the user wrote it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "windows/logic.h"

/*
 * The UTF-16 length of a UTF-8 string, or -1 when it is not valid UTF-8
 * (a bad lead or continuation byte, an overlong form, a surrogate or a
 * value above U+10FFFF), which CreateProcessW could not be given.
 */
static long utf16_length(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long units = 0;

	while (*p) {
		unsigned c = *p, n, cp;

		if (c < 0x80)
			n = 0, cp = c;
		else if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			return -1;
		p++;
		for (unsigned i = 0; i < n; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (*p & 0x3f);
		}
		if ((n == 2 &&
		     (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return -1;
		units += n == 3 ? 2 : 1;
	}
	return units;
}

static bool needs_quotes(const char *arg)
{
	return arg[0] == '\0' || strpbrk(arg, " \t\n\v\"") != NULL;
}

/*
 * Write arg at out (when out is not NULL) and return the number of bytes
 * it takes. Inside quotes, a run of backslashes is doubled when a '"'
 * follows it, the arguments's own or the closing one, and left alone
 * otherwise.
 */
static size_t quote_arg(const char *arg, char *out)
{
	size_t len = 0, slashes = 0;

#define EMIT(c)                         \
	do {                            \
		if (out)                \
			out[len] = (c); \
		len++;                  \
	} while (0)

	if (!needs_quotes(arg)) {
		len = strlen(arg);
		if (out)
			memcpy(out, arg, len);
		return len;
	}
	EMIT('"');
	for (const char *p = arg;; p++) {
		if (*p == '\\') {
			slashes++;
			continue;
		}
		if (*p == '"' || *p == '\0') {
			/* 2n backslashes, then '\"' or the closing '"'. */
			for (size_t i = 0; i < 2 * slashes; i++)
				EMIT('\\');
			if (*p == '\0')
				break;
			EMIT('\\');
		} else {
			for (size_t i = 0; i < slashes; i++)
				EMIT('\\');
		}
		EMIT(*p);
		slashes = 0;
	}
	EMIT('"');
#undef EMIT
	return len;
}

/* The program name: quoted when needed, never escaped. */
static size_t quote_program(const char *arg, char *out)
{
	size_t len = strlen(arg);

	if (!needs_quotes(arg)) {
		if (out)
			memcpy(out, arg, len);
		return len;
	}
	if (out) {
		out[0] = '"';
		memcpy(out + 1, arg, len);
		out[len + 1] = '"';
	}
	return len + 2;
}

/* Each quoted argument adds at most its own length plus 2 bytes per
 * backslash and 3 for the quotes and blank: bounded by the input. */
static int check_args(const char *const *argv, size_t *ret_bytes)
{
	long units = 0;
	size_t bytes = 0;

	if (!argv[0] || strchr(argv[0], '"'))
		return -EINVAL;
	for (size_t i = 0; argv[i]; i++) {
		long n = utf16_length(argv[i]);

		if (n < 0)
			return -EINVAL;
		units += n;
		if (units >= WIN_CMDLINE_MAX)
			return -E2BIG;
		bytes += (i ? quote_arg(argv[i], NULL)
			    : quote_program(argv[i], NULL)) +
			 1;
	}
	*ret_bytes = bytes;
	return 0;
}

int win_cmdline_quote(const char *const *argv, char **ret)
{
	size_t bytes, len = 0;
	char *line;
	int r;

	r = check_args(argv, &bytes);
	if (r < 0)
		return r;
	line = malloc(bytes);
	if (!line)
		return -ENOMEM;
	len = quote_program(argv[0], line);
	for (size_t i = 1; argv[i]; i++) {
		line[len++] = ' ';
		len += quote_arg(argv[i], line + len);
	}
	line[len] = '\0';
	/* Quoting only adds ASCII, one UTF-16 unit per byte. */
	if (utf16_length(line) >= WIN_CMDLINE_MAX) {
		free(line);
		return -E2BIG;
	}
	*ret = line;
	return 0;
}

/*
 * A batch file runs in cmd.exe, which reads its command line with its own
 * rules: outside quotes & | < > ^ ( ) separate or redirect commands, and
 * everywhere, even inside quotes, %NAME% is expanded. An argument quoted for
 * the MSVC runtime can therefore run another command ("a&calc"). Inside
 * double quotes cmd takes every character literally except '%' (and '!'
 * with delayed expansion, which /v:off turns off), and a '"' ends the
 * quotes, so: an argument holding '"', '%' or a line break is refused, and
 * every other argument that holds a blank or a special character is
 * quoted. The batch file then sees each argument as %1, %2, ... with its
 * quotes, as cmd always gives them.
 */
static bool batch_arg_is_valid(const char *arg)
{
	return !strpbrk(arg, "\"%\r\n");
}

static bool batch_needs_quotes(const char *arg)
{
	return !*arg || strpbrk(arg, " \t&|<>^(),;=!'`+[]{}~") != NULL;
}

static size_t put_batch_arg(const char *arg, char *out)
{
	size_t len = strlen(arg);
	bool quote = batch_needs_quotes(arg);

	if (out) {
		if (quote)
			*out++ = '"';
		memcpy(out, arg, len);
		if (quote)
			out[len] = '"';
	}
	return len + (quote ? 2 : 0);
}

int win_cmdline_batch(const char *cmd_exe, const char *script,
		      const char *const *args, char **ret)
{
	static const char head[] = "\" /d /v:off /s /c \"\"";
	size_t bytes, len;
	char *line;

	if (!*cmd_exe || strpbrk(cmd_exe, "\"") || !*script ||
	    !batch_arg_is_valid(script) || utf16_length(script) < 0)
		return -EINVAL;
	bytes = 1 + strlen(cmd_exe) + sizeof(head) + strlen(script) + 3;
	for (size_t i = 0; args[i]; i++) {
		if (!batch_arg_is_valid(args[i]) || utf16_length(args[i]) < 0)
			return -EINVAL;
		bytes += put_batch_arg(args[i], NULL) + 1;
	}
	line = malloc(bytes);
	if (!line)
		return -ENOMEM;
	/* "C:\...\cmd.exe" /d /v:off /s /c ""C:\dir\x.cmd" a "b c"" */
	len = (size_t)sprintf(line, "\"%s%s%s\"", cmd_exe, head, script);
	for (size_t i = 0; args[i]; i++) {
		line[len++] = ' ';
		len += put_batch_arg(args[i], line + len);
	}
	line[len++] = '"';
	line[len] = '\0';
	if (utf16_length(line) >= WIN_CMDLINE_MAX) {
		free(line);
		return -E2BIG;
	}
	*ret = line;
	return 0;
}
