/* SPDX-License-Identifier: MIT */
/*
 * Reading a profile file on POSIX systems: opened once, checked through the
 * descriptor (a regular file, at most PROFILE_MAX_SIZE bytes), then read.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static int read_profile(int fd, const char *path, char **ret, size_t *ret_len,
			struct paddock_error *err)
{
	struct stat st;
	char *buf;
	size_t len = 0;

	if (fstat(fd, &st) < 0)
		return error_set(err, PADDOCK_STEP_PROFILE, errno, path, NULL);
	if (!S_ISREG(st.st_mode))
		return error_set(err, PADDOCK_STEP_PROFILE, EINVAL, path,
				 "not a regular file");
	if (fcntl(fd, F_SETFL, 0) < 0)
		return error_set(err, PADDOCK_STEP_PROFILE, errno, path, NULL);
	if (st.st_size > PROFILE_MAX_SIZE)
		return error_set(err, PADDOCK_STEP_PROFILE, EFBIG, path,
				 "profile larger than 1 MiB");
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		return -ENOMEM;
	while (len <= (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return error_set(err, PADDOCK_STEP_PROFILE, errno, path,
					 NULL);
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > (size_t)st.st_size) {
		free(buf);
		return error_set(err, PADDOCK_STEP_PROFILE, EFBIG, path,
				 "profile grew while being read");
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}

/* The directory relative paths of a profile are taken from. */
static char *profile_base(const char *path)
{
	char *real = realpath(path, NULL);
	char *slash;

	if (!real)
		return NULL;
	slash = strrchr(real, '/');
	slash[slash == real] = '\0';
	return real;
}

int profile_read(const char *path, char **ret_text, size_t *ret_len,
		 char **ret_base, struct paddock_error *err)
{
	char *text = NULL, *base;
	size_t len = 0;
	int fd, r;

	/* O_NONBLOCK: a FIFO must be refused by the check in read_profile(),
	 * not wait for a writer; it is cleared before reading. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return error_set(err, PADDOCK_STEP_PROFILE, errno, path, NULL);
	r = read_profile(fd, path, &text, &len, err);
	close(fd);
	if (r < 0)
		return r;

	base = profile_base(path);
	if (!base) {
		r = error_set(err, PADDOCK_STEP_PROFILE, errno, path, NULL);
		free(text);
		return r;
	}
	*ret_text = text;
	*ret_len = len;
	*ret_base = base;
	return 0;
}
