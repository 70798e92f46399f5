#!/usr/bin/env python3
"""Talk to the engine's control socket (doc/internals/ipc.md) from tests.

  ipc-client.py SOCKET REQUEST-JSON...   send each request, print each reply
  ipc-client.py SOCKET --flood N PREFIX  inject N messages from numbers
        +1555PREFIXnnnn with remote ids PREFIX-n, retrying each until the
        engine acknowledges it (the engine may be killed and restarted
        meanwhile); prints "done"
"""
import json
import socket
import sys
import time


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    f = s.makefile("rw", encoding="utf-8", newline="\n")
    hello = json.loads(f.readline())
    if hello.get("protocol") != 1:
        raise SystemExit("unexpected hello: %r" % hello)
    f.write('{"protocol":1}\n')
    f.flush()
    return s, f


def call(f, req):
    f.write(json.dumps(req) + "\n")
    f.flush()
    line = f.readline()
    if not line:
        raise ConnectionError("closed")
    return json.loads(line)


def flood(path, n, prefix):
    i = 0
    conn = None
    deadline = time.time() + 120
    while i < n:
        if time.time() > deadline:
            raise SystemExit("flood: gave up at %d" % i)
        try:
            if conn is None:
                conn = connect(path)
            rep = call(conn[1], {"cmd": "inject",
                                 "from": "+1555%s%04d" % (prefix, i),
                                 "text": "flood %s %d" % (prefix, i),
                                 "remote_id": "%s-%d" % (prefix, i)})
            if rep.get("ok"):
                i += 1
            else:
                time.sleep(0.05)
        except (OSError, ValueError, ConnectionError):
            conn = None
            time.sleep(0.05)
    print("done")


def main():
    path = sys.argv[1]
    if len(sys.argv) > 2 and sys.argv[2] == "--flood":
        flood(path, int(sys.argv[3]), sys.argv[4])
        return
    s, f = connect(path)
    for req in sys.argv[2:]:
        print(json.dumps(call(f, json.loads(req))))
    s.close()


if __name__ == "__main__":
    main()
