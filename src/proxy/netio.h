/* SPDX-License-Identifier: MIT */
/*
 * The few calls where POSIX sockets and Winsock differ, for server.c: one
 * name each, so that the proxy reads the same on Linux and Windows.
 * Every socket the proxy uses is non-blocking; waits are poll()s with
 * deadlines.
 */
#ifndef PADDOCK_PROXY_NETIO_H
#define PADDOCK_PROXY_NETIO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

typedef SOCKET net_socket;
#define NET_NO_SOCKET INVALID_SOCKET
#define NET_SHUT_WR SD_SEND
#define NET_SEND_FLAGS 0
typedef WSAPOLLFD net_pollfd;
typedef int net_ssize;

static inline int net_poll(net_pollfd *fds, unsigned n, int timeout_ms)
{
	return WSAPoll(fds, n, timeout_ms);
}
static inline void net_close(net_socket s)
{
	closesocket(s);
}
/* Not inherited by the command's processes, and non-blocking. */
static inline bool net_prepare(net_socket s)
{
	u_long on = 1;

	SetHandleInformation((HANDLE)s, HANDLE_FLAG_INHERIT, 0);
	return ioctlsocket(s, FIONBIO, &on) == 0;
}
static inline bool net_interrupted(void)
{
	return false;
}
static inline bool net_would_block(void)
{
	int e = WSAGetLastError();

	return e == WSAEWOULDBLOCK || e == WSAEINPROGRESS;
}
static inline bool net_connect_pending(void)
{
	return net_would_block();
}
static inline bool net_out_of_resources(void)
{
	int e = WSAGetLastError();

	return e == WSAEMFILE || e == WSAENOBUFS;
}
static inline long long net_now_ms(void)
{
	return (long long)GetTickCount64();
}
static inline void net_sleep_ms(unsigned ms)
{
	Sleep(ms);
}
static inline int net_strncasecmp(const char *a, const char *b, size_t n)
{
	return _strnicmp(a, b, n);
}

typedef SRWLOCK net_lock;
#define NET_LOCK_INIT SRWLOCK_INIT
static inline void net_lock_take(net_lock *l)
{
	AcquireSRWLockExclusive(l);
}
static inline void net_lock_give(net_lock *l)
{
	ReleaseSRWLockExclusive(l);
}

struct net_thread_start {
	void (*fn)(void *);
	void *arg;
};

static DWORD WINAPI net_thread_main(LPVOID p)
{
	struct net_thread_start start = *(struct net_thread_start *)p;

	HeapFree(GetProcessHeap(), 0, p);
	start.fn(start.arg);
	return 0;
}
/* Run fn(arg) on a detached thread with a small stack. */
static inline bool net_thread(void (*fn)(void *), void *arg)
{
	struct net_thread_start *p = HeapAlloc(GetProcessHeap(), 0, sizeof(*p));
	HANDLE h;

	if (!p)
		return false;
	p->fn = fn;
	p->arg = arg;
	h = CreateThread(NULL, 128 * 1024, net_thread_main, p,
			 STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
	if (!h) {
		HeapFree(GetProcessHeap(), 0, p);
		return false;
	}
	CloseHandle(h);
	return true;
}

#else /* POSIX */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

typedef int net_socket;
#define NET_NO_SOCKET (-1)
#define NET_SHUT_WR SHUT_WR
#define NET_SEND_FLAGS MSG_NOSIGNAL
typedef struct pollfd net_pollfd;
typedef ssize_t net_ssize;

static inline int net_poll(net_pollfd *fds, unsigned n, int timeout_ms)
{
	return poll(fds, n, timeout_ms);
}
static inline void net_close(net_socket s)
{
	close(s);
}
static inline bool net_prepare(net_socket s)
{
	return fcntl(s, F_SETFD, FD_CLOEXEC) == 0 &&
	       fcntl(s, F_SETFL, fcntl(s, F_GETFL) | O_NONBLOCK) == 0;
}
static inline bool net_interrupted(void)
{
	return errno == EINTR;
}
static inline bool net_would_block(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK;
}
static inline bool net_connect_pending(void)
{
	return errno == EINPROGRESS;
}
static inline bool net_out_of_resources(void)
{
	return errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
	       errno == ENOMEM;
}
static inline long long net_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
static inline void net_sleep_ms(unsigned ms)
{
	poll(NULL, 0, (int)ms);
}
static inline int net_strncasecmp(const char *a, const char *b, size_t n)
{
	return strncasecmp(a, b, n);
}

typedef pthread_mutex_t net_lock;
#define NET_LOCK_INIT PTHREAD_MUTEX_INITIALIZER
static inline void net_lock_take(net_lock *l)
{
	pthread_mutex_lock(l);
}
static inline void net_lock_give(net_lock *l)
{
	pthread_mutex_unlock(l);
}

struct net_thread_start {
	void (*fn)(void *);
	void *arg;
};

static void *net_thread_main(void *p)
{
	struct net_thread_start start = *(struct net_thread_start *)p;

	free(p);
	start.fn(start.arg);
	return NULL;
}
/* Run fn(arg) on a detached thread with a small stack. */
static inline bool net_thread(void (*fn)(void *), void *arg)
{
	struct net_thread_start *p = malloc(sizeof(*p));
	pthread_attr_t attr;
	pthread_t thread;
	bool ok;

	if (!p)
		return false;
	p->fn = fn;
	p->arg = arg;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 128 * 1024);
	ok = pthread_create(&thread, &attr, net_thread_main, p) == 0;
	pthread_attr_destroy(&attr);
	if (!ok)
		free(p);
	return ok;
}
#endif

#endif
