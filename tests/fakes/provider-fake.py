#!/usr/bin/env python3
"""A loopback fake of the Twilio (and Plivo) messaging REST APIs for tests.

Binds 127.0.0.1:0 and writes its port to --port-file.  Speaks enough of
Twilio's API 2010-04-01 (create, fetch, list with paging) and Plivo's v1 to
drive the provider backend, records every request, and takes scripted
failures.  Control endpoints (no auth) live under /_fake/:

  POST /_fake/script    {"rules": [RULE, ...]}  replace the failure script
  POST /_fake/inbound   {"from", "to", "body"}  add an inbound message
  POST /_fake/status    {"sid", "status", "error_code"}  change a message
  POST /_fake/webhook   {"url", "params", "signature": "valid|invalid|
                         missing", "kind": "twilio|plivo"}  POST a signed
                        form to url and answer {"status": N,
                        "content_type": "...", "body": "..."}
  GET  /_fake/requests  every API request so far (method, path, query,
                        form, json, t)
  GET  /_fake/messages  every message
  POST /_fake/reset     forget requests and messages

RULE: {"method": "POST", "path": "Messages", "skip": 0, "times": 1,
       "action": "status" | "reset" | "close" | "slow",
       "status": 429, "retry_after": "2", "body": {...},
       "create": true (with status, reset, close: create the message
                 first),
       "delay_ms": 500}
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import socket
import struct
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
STATE = {"requests": [], "messages": [], "rules": []}
LAST_HOOK = {"ctype": "", "body": ""}   # the last webhook's answer
ARGS = None

# Twilio's magic test numbers and the errors they raise.
MAGIC = {
    "+15005550001": (21211, "The 'To' number is not a valid phone number."),
    "+15005550003": (21408, "Permission to send an SMS has not been "
                     "enabled for the region."),
    "+15005550004": (21610, "Attempt to send to unsubscribed recipient"),
    "+15005550009": (21614, "'To' number is not a valid mobile number"),
}


def rfc2822(t):
    return formatdate(t, usegmt=False).replace("-0000", "+0000")


def new_message(direction, frm, to, body, status):
    now = time.time()
    m = {
        "sid": ("SM" if direction != "inbound" else "SM") +
        uuid.uuid4().hex,
        "direction": direction, "from": frm, "to": to, "body": body,
        "status": status, "error_code": None, "error_message": None,
        "date_created": rfc2822(now), "date_updated": rfc2822(now),
        "date_sent": rfc2822(now) if direction == "inbound" else None,
        "num_segments": "1", "created": now,
        "account_sid": ARGS.account, "api_version": "2010-04-01",
    }
    with LOCK:
        STATE["messages"].append(m)
    return m


def twilio_view(m):
    return {k: v for k, v in m.items() if k != "created"}


def plivo_view(m):
    t = time.strftime("%Y-%m-%d %H:%M:%S+00:00", time.gmtime(m["created"]))
    return {
        "message_uuid": m["sid"],
        "message_direction": "inbound" if m["direction"] == "inbound"
        else "outbound",
        "from_number": m["from"].lstrip("+"),
        "to_number": m["to"].lstrip("+"),
        "message_state": m["status"], "message_time": t,
        "message_content": m["body"], "units": 1,
        "error_code": m["error_code"] or "",
    }


class Reset(Exception):
    pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "provider-fake/1"

    def setup(self):
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's
        # algorithm and the client's delayed ACK stall each reply 40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):
        if ARGS.verbose:
            sys.stderr.write("fake: " + fmt % args + "\n")

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except Reset:
            self.close_connection = True
        except (ConnectionError, BrokenPipeError):
            self.close_connection = True

    # --- plumbing -----------------------------------------------------
    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def reply(self, status, obj=None, ctype="application/json",
              headers=None):
        data = b"" if obj is None else (
            obj if isinstance(obj, bytes) else json.dumps(obj).encode())
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def reset(self):
        """Close with RST and no reply, as a dying server would."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                   struct.pack("ii", 1, 0))
        self.connection.close()
        raise Reset()

    def close(self):
        """Close with FIN and no reply, as a server timing out an idle
        keep-alive connection (or exiting) would."""
        self.connection.shutdown(socket.SHUT_RDWR)
        self.connection.close()
        raise Reset()

    def authorized(self):
        want = base64.b64encode(
            ("%s:%s" % (ARGS.user or ARGS.account, ARGS.token)).encode())
        got = self.headers.get("Authorization", "")
        return hmac.compare_digest(got.encode(), b"Basic " + want)

    def rule_for(self, method, path):
        with LOCK:
            for r in STATE["rules"]:
                if r.get("method", method) != method:
                    continue
                if r.get("path", "") not in path:
                    continue
                if r.get("times", 1) <= 0:
                    continue
                if r.get("skip", 0) > 0:
                    r["skip"] -= 1
                    continue
                r["times"] = r.get("times", 1) - 1
                return dict(r)
        return None

    def record(self, method, raw):
        u = urllib.parse.urlsplit(self.path)
        rec = {"method": method, "path": u.path,
               "query": urllib.parse.parse_qs(u.query),
               "t": time.monotonic(), "form": {}, "json": None,
               "content_type": self.headers.get("Content-Type", ""),
               "expect": self.headers.get("Expect")}
        ctype = rec["content_type"]
        if "x-www-form-urlencoded" in ctype:
            rec["form"] = {k: v[0] for k, v in
                           urllib.parse.parse_qs(raw.decode(),
                                                 keep_blank_values=True)
                           .items()}
        elif "json" in ctype and raw:
            try:
                rec["json"] = json.loads(raw)
            except ValueError:
                pass
        with LOCK:
            STATE["requests"].append(rec)
        return rec

    # --- verbs --------------------------------------------------------
    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def dispatch(self, method):
        raw = self.body() if method == "POST" else b""
        u = urllib.parse.urlsplit(self.path)
        if u.path.startswith("/_fake/"):
            return self.control(method, u.path, raw)
        rec = self.record(method, raw)
        rule = self.rule_for(method, u.path)
        if rule:
            act = rule.get("action", "status")
            if act == "slow":
                time.sleep(rule.get("delay_ms", 500) / 1000.0)
            elif act in ("reset", "close"):
                if rule.get("create"):
                    self.api(method, u, rec, silent=True)
                if act == "close":
                    self.close()
                self.reset()
            elif act == "status":
                if rule.get("create"):
                    self.api(method, u, rec, silent=True)
                hdr = {}
                if "retry_after" in rule:
                    hdr["Retry-After"] = str(rule["retry_after"])
                return self.reply(rule.get("status", 500),
                                  rule.get("body", {"code": 0,
                                  "message": "scripted failure",
                                  "status": rule.get("status", 500)}),
                                  headers=hdr)
        if not self.authorized():
            return self.reply(401, {"code": 20003, "message":
                              "Authenticate", "status": 401})
        self.api(method, u, rec)

    def api(self, method, u, rec, silent=False):
        parts = [p for p in u.path.split("/") if p]
        q = {k: v[0] for k, v in urllib.parse.parse_qs(u.query).items()}
        out = None
        # Twilio: /2010-04-01/Accounts/AC/Messages.json[/SM.json]
        if len(parts) >= 4 and parts[0] == "2010-04-01":
            if parts[2] != ARGS.account:
                out = (404, {"code": 20404, "message": "not found",
                             "status": 404})
            elif parts[3] == "Messages.json" and method == "POST":
                out = self.twilio_create(rec["form"])
            elif parts[3] == "Messages.json":
                out = self.twilio_list(u.path, q)
            elif parts[3] == "Messages" and len(parts) == 5:
                out = self.fetch(parts[4].replace(".json", ""), twilio_view)
        # Plivo: /v1/Account/ID/Message/[UUID/]
        elif len(parts) >= 4 and parts[0] == "v1":
            if method == "POST" and len(parts) == 4:
                out = self.plivo_create(rec["json"] or {})
            elif len(parts) == 4:
                out = self.plivo_list(u.path, q)
            else:
                out = self.fetch(parts[4], plivo_view)
        if out is None:
            out = (404, {"code": 20404, "message": "no such resource",
                         "status": 404})
        if not silent:
            self.reply(*out)

    def twilio_create(self, form):
        to, body = form.get("To"), form.get("Body")
        frm = form.get("From") or form.get("MessagingServiceSid")
        if not to or frm is None or body is None:
            return (400, {"code": 21604, "message": "A 'To' phone number "
                          "is required.", "status": 400})
        if to in MAGIC:
            code, text = MAGIC[to]
            return (400, {"code": code, "message": text, "status": 400,
                          "more_info": "https://www.twilio.com/docs/"
                          "errors/%d" % code})
        m = new_message("outbound-api", form.get("From", "+15550000000"),
                        to, body, "queued")
        return (201, twilio_view(m))

    def plivo_create(self, j):
        if not j.get("dst") or "text" not in j:
            return (400, {"api_id": "x", "error": "dst is required"})
        m = new_message("outbound-api", "+" + j.get("src", "15550000000"),
                        "+" + j["dst"], j["text"], "queued")
        return (202, {"api_id": "x", "message": "message(s) queued",
                      "message_uuid": [m["sid"]]})

    def fetch(self, sid, view):
        with LOCK:
            for m in STATE["messages"]:
                if m["sid"] == sid:
                    # Each fetch moves it along, as a network would.
                    nxt = {"queued": "sent", "sent": "delivered"}
                    m["status"] = nxt.get(m["status"], m["status"])
                    return (200, view(m))
        return (404, {"code": 20404, "message": "not found", "status": 404})

    def matching(self, q):
        since = q.get("DateSent>")
        with LOCK:
            ms = list(STATE["messages"])
        res = []
        for m in reversed(ms):          # newest first
            if q.get("To") and m["to"] != q["To"]:
                continue
            if q.get("From") and m["from"] != q["From"]:
                continue
            if since:
                if not m["date_sent"]:
                    continue
                day = time.strftime("%Y-%m-%d", time.gmtime(m["created"]))
                if day < since:
                    continue
            res.append(m)
        return res

    def twilio_list(self, path, q):
        size = int(q.get("PageSize", 50))
        page = int(q.get("Page", 0))
        ms = self.matching(q)
        chunk = ms[page * size:(page + 1) * size]
        base = {k: v for k, v in q.items() if k not in ("Page", "PageToken")}
        nxt = None
        if (page + 1) * size < len(ms):
            nq = dict(base, Page=str(page + 1), PageToken="PT%d" % (page + 1))
            nxt = path + "?" + urllib.parse.urlencode(nq)
        return (200, {"messages": [twilio_view(m) for m in chunk],
                      "page": page, "page_size": size,
                      "next_page_uri": nxt, "previous_page_uri": None,
                      "first_page_uri": path, "uri": path,
                      "start": page * size, "end": page * size + len(chunk)})

    def plivo_list(self, path, q):
        limit = int(q.get("limit", 20))
        offset = int(q.get("offset", 0))
        ms = self.matching({})
        d = q.get("message_direction")
        if d:
            ms = [m for m in ms if (m["direction"] == "inbound") ==
                  (d == "inbound")]
        chunk = ms[offset:offset + limit]
        nxt = None
        if offset + limit < len(ms):
            nq = dict(q, offset=str(offset + limit))
            nxt = path + "?" + urllib.parse.urlencode(nq)
        return (200, {"api_id": "x", "meta": {"limit": limit, "offset":
                      offset, "next": nxt, "total_count": len(ms)},
                      "objects": [plivo_view(m) for m in chunk]})

    # --- control ------------------------------------------------------
    def control(self, method, path, raw):
        j = json.loads(raw) if raw else {}
        if path == "/_fake/script":
            with LOCK:
                STATE["rules"] = j.get("rules", [])
            return self.reply(200, {})
        if path == "/_fake/inbound":
            m = new_message("inbound", j["from"], j["to"], j["body"],
                            "received")
            if j.get("num_media"):
                m["num_media"] = str(j["num_media"])
                m["subresource_uris"] = {"media": "/2010-04-01/Accounts/"
                                         "%s/Messages/%s/Media.json" %
                                         (ARGS.account, m["sid"])}
            return self.reply(200, twilio_view(m))
        if path == "/_fake/status":
            with LOCK:
                for m in STATE["messages"]:
                    if m["sid"] == j["sid"]:
                        m["status"] = j["status"]
                        m["error_code"] = j.get("error_code")
            return self.reply(200, {})
        if path == "/_fake/requests":
            with LOCK:
                return self.reply(200, STATE["requests"])
        if path == "/_fake/messages":
            with LOCK:
                return self.reply(200, [twilio_view(m) for m in
                                        STATE["messages"]])
        if path == "/_fake/reset":
            with LOCK:
                STATE["requests"].clear()
                STATE["messages"].clear()
                STATE["rules"] = []
            return self.reply(200, {})
        if path == "/_fake/webhook":
            st = send_webhook(j)
            return self.reply(200, {"status": st,
                                    "content_type": LAST_HOOK["ctype"],
                                    "body": LAST_HOOK["body"]})
        return self.reply(404, {})


def sign(kind, url, params, nonce):
    items = sorted(params.items())
    if kind == "plivo":
        data = url + ("?" if params else "") + \
            "".join(k + v for k, v in items) + "." + nonce
        mac = hmac.new(ARGS.token.encode(), data.encode(), hashlib.sha256)
    else:
        data = url + "".join(k + v for k, v in items)
        mac = hmac.new(ARGS.token.encode(), data.encode(), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode()


def send_webhook(j):
    """POST a form to the client's webhook, signed as the provider would
    (over the public URL j["public"], defaulting to j["url"])."""
    params = j.get("params", {})
    kind = j.get("kind", "twilio")
    public = j.get("public", j["url"])
    nonce = "12345678901234567890"
    sig = sign(kind, public, params, nonce)
    mode = j.get("signature", "valid")
    if mode == "invalid":
        sig = sign(kind, public + "x", params, nonce)
    hdr = {"Content-Type": "application/x-www-form-urlencoded"}
    if mode != "missing":
        if kind == "plivo":
            hdr["X-Plivo-Signature-V3"] = sig
            hdr["X-Plivo-Signature-V3-Nonce"] = nonce
        else:
            hdr["X-Twilio-Signature"] = sig
    req = urllib.request.Request(j["url"], data=urllib.parse.urlencode(
        params).encode(), headers=hdr, method="POST")
    LAST_HOOK["ctype"], LAST_HOOK["body"] = "", ""
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            LAST_HOOK["body"] = r.read().decode("utf-8", "replace")
            LAST_HOOK["ctype"] = r.headers.get("Content-Type", "")
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--account", default="AC" + "0" * 32)
    ap.add_argument("--user", default=None)
    ap.add_argument("--token", default="test-token")
    ap.add_argument("-v", "--verbose", action="store_true")
    ARGS = ap.parse_args()
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer.request_queue_size = 128
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, ARGS.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
