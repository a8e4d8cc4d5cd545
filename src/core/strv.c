/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int strv_push_owned(struct strv *v, char *s)
{
	if (!s)
		return -ENOMEM;
	if (v->len + 2 > v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		char **items = realloc(v->items, cap * sizeof(*items));

		if (!items) {
			free(s);
			return -ENOMEM;
		}
		v->items = items;
		v->cap = cap;
	}
	v->items[v->len++] = s;
	v->items[v->len] = NULL;
	return 0;
}

int strv_push(struct strv *v, const char *s)
{
	return strv_push_owned(v, strdup(s));
}

bool strv_contains(const struct strv *v, const char *s)
{
	for (size_t i = 0; i < v->len; i++) {
		if (strcmp(v->items[i], s) == 0)
			return true;
	}
	return false;
}

int strv_copy(struct strv *dst, const char *const *src)
{
	struct strv v = { 0 };

	for (size_t i = 0; src[i]; i++) {
		int r = strv_push(&v, src[i]);

		if (r < 0) {
			strv_clear(&v);
			return r;
		}
	}
	strv_clear(dst);
	*dst = v;
	return 0;
}

void strv_clear(struct strv *v)
{
	for (size_t i = 0; i < v->len; i++)
		free(v->items[i]);
	free(v->items);
	*v = (struct strv){ 0 };
}
