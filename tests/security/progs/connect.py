# SPDX-License-Identifier: MIT
"""Try one connection and say what happened.

usage: connect.py tcp HOST PORT | unix PATH | abstract NAME

Prints "connected" (exit 0), or the errno name of the failure (exit 1).
"""
import errno
import socket
import sys


def target(kind, args):
    if kind == "tcp":
        host, port = args[0], int(args[1])
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        return family, (host, port)
    if kind == "unix":
        return socket.AF_UNIX, args[0]
    if kind == "abstract":
        return socket.AF_UNIX, "\0" + args[0]
    sys.exit("usage: connect.py tcp HOST PORT | unix PATH | abstract NAME")


def main():
    family, address = target(sys.argv[1], sys.argv[2:])
    try:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.settimeout(3)
        sock.connect(address)
    except OSError as e:
        print(errno.errorcode.get(e.errno, "timeout"))
        return 1
    print("connected")
    return 0


sys.exit(main())
