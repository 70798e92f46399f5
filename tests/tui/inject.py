# inject.py SOCKET FROM TEXT: a message from a simulated phone, through the
# engine's control socket (the sim backend's "inject" request).
import json
import socket
import sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(sys.argv[1])
f = s.makefile("rw", encoding="utf-8")
hello = json.loads(f.readline())
f.write(json.dumps({"protocol": hello["protocol"]}) + "\n")
f.write(json.dumps({"cmd": "inject", "from": sys.argv[2],
                    "text": sys.argv[3]}) + "\n")
f.flush()
reply = json.loads(f.readline())
print(json.dumps(reply))
sys.exit(0 if reply.get("ok") else 1)
