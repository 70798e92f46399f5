#!/usr/bin/env python3
"""A GSM modem on a pseudo-terminal, for the tests of src/modem/.

It answers the AT commands sms-inbox uses the way USB dongles do (echo on
until ATE0, URCs in the middle of responses, the "> " prompt without a
newline, SIM storage with a limit and 0- or 1-based indexes, a PIN with
attempt counting, +CMS errors on demand, status reports after a send,
unplug and replug under a new pty name).

    modem-sim.py --dir DIR [options]
    modem-sim.py --ctl DIR JSON     (send one control command, print reply)

DIR/modem is a symlink to the current pty (like /dev/serial/by-id), DIR/ctl
a UNIX socket taking one JSON object per line and answering one per line,
DIR/ready appears when both exist.  Control commands ("cmd" key):

    sms       from, text, [ucs2], [concat: [ref, total, seq]], [smsc],
              [mem: "SM"|"ME"] -- the network delivers a message
              (stored, then +CMTI; with mem, put straight into that
              storage, as if it arrived before we looked)
    deliver   pdu -- the same with a ready TPDU (hex, no SMSC part)
    report    mr, [status] -- a status report for message reference mr
    sent      -> {"sent": [{mr, to, text, pdu, srr, udh, dcs}, ...]}
              (text mode: mode "text", data as written, no pdu)
    storage   -> {"slots": {index: pdu}, "me": {index: pdu}, "pending": n}
    stats     -> counters (pin_attempts, cmgd, commands, ...)
    log       -> {"log": [command lines received]}
    set       any of: echo, mid_urc, auto_report, fail_cmgs (code),
              fail_cmgs_count, hang (commands to ignore), hang_on
              (ignore the next command starting with this), refuse
              (answer ERROR to commands starting with this), deliver_to
              (keep new messages there, not in AT+CPMS's mem3),
              cmgs_delay_ms (the network's time to take a message), ...
    noise     write line noise;  storm n: n URCs at once
    unplug    the device disappears;  replug: it comes back (new pty)
    quit
"""

import argparse
import json
import os
import pty
import selectors
import shutil
import socket
import sys
import termios
import time
import tty

GSM7 = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
        "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")


def bcd_addr(number):
    typ = 0x91 if number.startswith("+") else 0x81
    digits = number.lstrip("+")
    d = digits + ("F" if len(digits) % 2 else "")
    sw = "".join(d[i + 1] + d[i] for i in range(0, len(d), 2))
    return "%02X%02X%s" % (len(digits), typ, sw)


def parse_addr(h, pos):
    n = int(h[pos:pos + 2], 16)
    typ = int(h[pos + 2:pos + 4], 16)
    octs = (n + 1) // 2
    raw = h[pos + 4:pos + 4 + octs * 2]
    digits = "".join(raw[i + 1] + raw[i] for i in range(0, len(raw), 2))
    digits = digits[:n]
    if typ & 0x70 == 0x10:
        digits = "+" + digits
    return digits, pos + 4 + octs * 2


def scts(t=None):
    t = time.gmtime(t if t is not None else time.time())
    s = "%02d%02d%02d%02d%02d%02d00" % (t.tm_year % 100, t.tm_mon, t.tm_mday,
                                         t.tm_hour, t.tm_min, t.tm_sec)
    return "".join(s[i + 1] + s[i] for i in range(0, 14, 2))


def pack7(septets, fill):
    out = bytearray()
    acc, n = 0, fill
    for s in septets:
        acc |= s << n
        n += 7
        while n >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            n -= 8
    if n > 0:
        out.append(acc & 0xFF)
    return bytes(out)


def unpack7(data, count, fill):
    bits = int.from_bytes(data, "little")
    return [(bits >> (fill + 7 * i)) & 0x7F for i in range(count)]


def deliver_pdu(frm, text, ucs2=False, concat=None):
    """An SMS-DELIVER TPDU (3GPP 23.040 9.2.2.1) as hex."""
    udh = b""
    if concat:
        ref, total, seq = concat
        udh = bytes([5, 0, 3, ref & 0xFF, total, seq])
    fo = 0x04 | (0x40 if udh else 0)
    if ucs2:
        dcs = 0x08
        ud = udh + text.encode("utf-16-be")
        udl = len(ud)
    else:
        dcs = 0x00
        sept = [GSM7.index(c) if c in GSM7 else 0x3F for c in text]
        hbits = len(udh) * 8
        fill = (7 - hbits % 7) % 7 if udh else 0
        ud = udh + pack7(sept, fill)
        udl = (hbits + fill) // 7 + len(sept)
    return ("%02X" % fo + bcd_addr(frm) + "00%02X" % dcs + scts() +
            "%02X" % udl + ud.hex().upper())


def status_report_pdu(mr, to, status):
    """An SMS-STATUS-REPORT TPDU (23.040 9.2.2.3) as hex."""
    now = scts()
    return "06%02X" % mr + bcd_addr(to) + now + now + "%02X" % status


def parse_submit(tpdu):
    """Read an SMS-SUBMIT TPDU: to, srr, udh, dcs, text."""
    fo = int(tpdu[0:2], 16)
    to, pos = parse_addr(tpdu, 4)
    dcs = int(tpdu[pos + 2:pos + 4], 16)
    pos += 4
    vpf = (fo >> 3) & 3
    pos += {0: 0, 2: 2, 1: 14, 3: 14}[vpf]
    udl = int(tpdu[pos:pos + 2], 16)
    ud = bytes.fromhex(tpdu[pos + 2:])
    udh = b""
    if fo & 0x40:
        udh = ud[:ud[0] + 1]
    if dcs & 0x0C == 0x08:
        text = ud[len(udh):].decode("utf-16-be", "replace")
    else:
        hbits = len(udh) * 8
        fill = (7 - hbits % 7) % 7 if udh else 0
        skip = (hbits + fill) // 7
        sept = unpack7(ud, udl, 0)[skip:] if not udh else \
            unpack7(ud[len(udh):], udl - skip, fill)
        text = "".join(GSM7[s] if s < len(GSM7) else "?" for s in sept)
    return {"to": to, "srr": bool(fo & 0x20), "udh": udh.hex().upper(),
            "dcs": dcs, "text": text}


def parse_deliver(tpdu):
    """Read our SMS-DELIVER or SMS-STATUS-REPORT back (for text mode)."""
    fo = int(tpdu[0:2], 16)
    if fo & 3 == 2:     # status report: fo, mr, ra, scts, dt, st
        mr = int(tpdu[2:4], 16)
        ra, pos = parse_addr(tpdu, 4)
        return {"report": True, "fo": fo, "mr": mr, "ra": ra,
                "scts": tpdu[pos:pos + 14], "dt": tpdu[pos + 14:pos + 28],
                "st": int(tpdu[pos + 28:pos + 30], 16)}
    oa, pos = parse_addr(tpdu, 2)
    dcs = int(tpdu[pos + 2:pos + 4], 16)
    scts_ = tpdu[pos + 4:pos + 18]
    udl = int(tpdu[pos + 18:pos + 20], 16)
    ud = bytes.fromhex(tpdu[pos + 20:])
    udh = ud[:ud[0] + 1] if fo & 0x40 else b""
    if dcs & 0x0C == 0x08:
        text = ud[len(udh):].decode("utf-16-be", "replace")
    else:
        hbits = len(udh) * 8
        fill = (7 - hbits % 7) % 7 if udh else 0
        skip = (hbits + fill) // 7
        sept = unpack7(ud[len(udh):], udl - skip, fill) if udh else \
            unpack7(ud, udl, 0)
        text = "".join(GSM7[c] if c < len(GSM7) else "?" for c in sept)
    return {"report": False, "fo": fo, "oa": oa, "dcs": dcs, "scts": scts_,
            "ud": ud, "udh": udh, "text": text}


def scts_text(semi):
    """A TP-SCTS (semi-octets) as text mode shows it: yy/MM/dd,hh:mm:ss+zz."""
    d = "".join(semi[i + 1] + semi[i] for i in range(0, 14, 2))
    return "%s/%s/%s,%s:%s:%s+%s" % (d[0:2], d[2:4], d[4:6], d[6:8],
                                      d[8:10], d[10:12], d[12:14])


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


class Sim:
    def __init__(self, args):
        self.a = args
        self.dir = args.dir
        self.link = os.path.join(self.dir, "modem")
        self.sel = selectors.DefaultSelector()
        self.master = self.slave = None
        self.echo = True
        self.verbose = True
        self.pin_ok = args.pin is None
        self.pin_left = 3
        # Message storages (27.005 3.2.2): "SM" (SIM) always, "ME" (the
        # modem's own) with --me-storage; "MT" is both, SIM first, with
        # the ME indexes after the SIM's.
        self.mems = {"SM": {}}     # storage -> {index: (stat, pdu)}
        self.cap = {"SM": args.storage}
        if args.me_storage > 0:
            self.mems["ME"] = {}
            self.cap["ME"] = args.me_storage
        self.cpms = ["SM", "SM", "SM"]     # mem1 (read), mem2, mem3 (new)
        self.pending = []          # network queue while storage is full
        self.sent = []
        self.mr = args.first_mr
        self.cnmi = (0, 0, 0, 0, 0)
        self.cmgf = 0
        self.cscs = "IRA"          # text mode: the TE character set
        self.csmp = [17, 167, 0, 0]    # text mode: fo, vp, pid, dcs
        self.csdh = 0
        self.inbuf = b""
        self.body = None           # collecting a CMGS body: (length,)
        self.stats = {"pin_attempts": 0, "cmgd": 0, "commands": 0,
                      "cmgr": 0, "cmgl": 0, "cmgs": 0, "resets": 0,
                      "plugged": 0}
        self.log = []
        self.opts = {"mid_urc": False, "auto_report": True,
                     "fail_cmgs": 0, "fail_cmgs_count": 0, "hang": 0, "hang_on": "",
                     "report_status": 0, "cnmi_reject_mt": -1,
                     "cmgl_hang": False, "fail_cmgf": 0,
                     "deliver_to": "", "utf8_in_ucs2": False, "refuse": "",
                     "cnmi_reject_ds": -1, "cmgs_delay_ms": 0}
        self.replug_at = None
        self.ctlbuf = {}
        self.plug()
        self.ctl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.ctl.bind(os.path.join(self.dir, "ctl"))
        self.ctl.listen(8)
        self.sel.register(self.ctl, selectors.EVENT_READ, self.accept)
        with open(os.path.join(self.dir, "ready.tmp"), "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(os.path.join(self.dir, "ready.tmp"),
                  os.path.join(self.dir, "ready"))

    # -- the device ------------------------------------------------------
    def plug(self):
        self.master, self.slave = pty.openpty()
        tty.setraw(self.slave, termios.TCSANOW)
        os.set_blocking(self.master, False)
        name = os.ttyname(self.slave)
        tmp = self.link + ".tmp"
        if os.path.lexists(tmp):
            os.unlink(tmp)
        os.symlink(name, tmp)
        os.rename(tmp, self.link)
        self.sel.register(self.master, selectors.EVENT_READ, self.on_modem)
        self.inbuf = b""
        self.body = None
        self.echo = True
        self.verbose = True
        self.pin_ok = self.a.pin is None
        self.cnmi = (0, 0, 0, 0, 0)
        self.cpms = ["SM", "SM", "SM"]     # back to defaults on reset
        self.stats["plugged"] += 1

    def unplug(self):
        if self.master is None:
            return
        self.sel.unregister(self.master)
        os.close(self.master)
        os.close(self.slave)
        self.master = self.slave = None
        if os.path.lexists(self.link):
            os.unlink(self.link)

    def out(self, s):
        if self.master is None:
            return
        data = s.encode("latin-1") if isinstance(s, str) else s
        while data:
            try:
                n = os.write(self.master, data)
                data = data[n:]
            except BlockingIOError:
                time.sleep(0.001)
            except OSError:
                return

    def final(self, text):
        codes = {"OK": "0", "ERROR": "4"}
        if self.verbose:
            self.out("\r\n%s\r\n" % text)
        else:
            self.out("%s\r" % codes.get(text, text))

    def lines(self, lines):
        for i, line in enumerate(lines):
            self.out("\r\n%s\r\n" % line if self.verbose else "%s\r\n" % line)
            if self.opts["mid_urc"] and i == 0:
                self.out("\r\n+CREG: 1\r\n\r\n^RSSI: 17\r\n")

    def urc(self, line):
        self.out("\r\n%s\r\n" % line)

    def first_index(self):
        return self.a.index_base

    def free_index(self, mem):
        base = self.a.index_base
        for i in range(base, base + self.cap[mem]):
            if i not in self.mems[mem]:
                return i
        return None

    def parts_of(self, mem):
        """The real storages behind mem: MT is the SIM, then ME."""
        if mem == "MT":
            return [m for m in ("SM", "ME") if m in self.mems]
        return [mem] if mem in self.mems else []

    def view(self, mem):
        """mem's slots as AT+CMGL/CMGR/CMGD see them: index ->
        (storage, real index); in MT the ME indexes follow the SIM's."""
        out = {}
        for m in self.parts_of(mem):
            off = self.cap["SM"] if mem == "MT" and m == "ME" else 0
            for i in self.mems[m]:
                out[i + off] = (m, i)
        return out

    def used(self, mem):
        return sum(len(self.mems[m]) for m in self.parts_of(mem))

    def total(self, mem):
        return sum(self.cap[m] for m in self.parts_of(mem))

    def store(self, tpdu, stat=0, mem=None):
        """Keep a PDU in mem (default mem3); (storage, index) or None."""
        for m in self.parts_of(mem or self.cpms[2]):
            idx = self.free_index(m)
            if idx is not None:
                self.mems[m][idx] = (stat, "00" + tpdu)
                return m, idx
        return None

    # -- text mode (27.005 3.1, 3.4) -------------------------------------
    def te(self, text):
        """text in the TE character set of AT+CSCS."""
        if self.cscs == "UCS2":
            raw = text.encode("utf-8" if self.opts["utf8_in_ucs2"]
                              else "utf-16-be")
            return raw.hex().upper()
        if self.cscs == "GSM":
            return "".join(chr(GSM7.index(c)) if c in GSM7 else "?"
                           for c in text)
        return "".join(c if ord(c) < 128 else "?" for c in text)

    def from_te(self, data, hexdata=False):
        if self.cscs == "UCS2" or hexdata:
            return bytes.fromhex(data).decode("utf-16-be", "replace")
        if self.cscs == "GSM":
            return "".join(GSM7[ord(c)] if ord(c) < len(GSM7) else "?"
                           for c in data)
        return data

    def text_data(self, d):
        """The text line of a stored or direct message."""
        if d["udh"] or (d["dcs"] & 0x0C == 0x08 and self.cscs != "UCS2"):
            return d["ud"].hex().upper()
        return self.te(d["text"])

    def text_header(self, kind, idx, tpdu):
        d = parse_deliver(tpdu)
        head = {"CMGR": "+CMGR: \"REC UNREAD\",",
                "CMGL": "+CMGL: %d,\"REC UNREAD\"," % idx,
                "CMT": "+CMT: ", "CDS": "+CDS: "}[kind]
        if d["report"]:
            return head + '%d,%d,"%s",145,"%s","%s",%d' % (
                d["fo"], d["mr"], self.te(d["ra"]), scts_text(d["scts"]),
                scts_text(d["dt"]), d["st"]), None
        head += '"%s",,"%s"' % (self.te(d["oa"]), scts_text(d["scts"]))
        if self.csdh and kind == "CMGL":
            head += ",145,%d" % len(d["ud"])
        elif self.csdh:
            head += ',145,%d,0,%d,"+36209300099",145,%d' % (
                d["fo"], d["dcs"], len(d["ud"]))
        return head, self.text_data(d)

    def stored_lines(self, kind, idx, stat, pdu):
        """What AT+CMGR/AT+CMGL show for a stored PDU, in either mode."""
        if self.cmgf == 0:
            return ["+%s: %s%d,,%d" % (kind, "%d," % idx if kind == "CMGL"
                                       else "", stat, len(pdu) // 2 - 1),
                    pdu]
        head, data = self.text_header(kind, idx, pdu[2:])
        return [head] + ([data] if data is not None else [])

    def network_deliver(self, tpdu, mem=None):
        if mem is not None:
            return self.store(tpdu, mem=mem)
        if self.cnmi[1] == 2 and self.pin_ok:
            if self.cmgf == 1:
                head, data = self.text_header("CMT", 0, tpdu)
                self.urc("%s\r\n%s" % (head, data))
            else:
                self.urc("+CMT: ,%d\r\n00%s" % (len(tpdu) // 2, tpdu))
            return "direct"
        where = self.store(tpdu, mem=self.opts["deliver_to"] or None)
        if where is None:
            self.pending.append(tpdu)
            self.urc('^SMMEMFULL: "%s"' % self.cpms[2])
            return "pending"
        if self.cnmi[1] in (1, 2, 3):
            self.urc('+CMTI: "%s",%d' % where)
        return where

    def flush_pending(self):
        while self.pending and any(self.free_index(m) is not None
                                   for m in self.parts_of(self.cpms[2])):
            self.network_deliver(self.pending.pop(0))

    def send_report(self, mr, status):
        rec = [s for s in self.sent if s["mr"] == mr]
        to = rec[0]["to"] if rec else "+0"
        tpdu = status_report_pdu(mr, to, status)
        if self.cnmi[3] == 1 and self.cmgf == 1:
            self.urc(self.text_header("CDS", 0, tpdu)[0])
        elif self.cnmi[3] == 1:
            self.urc("+CDS: %d\r\n00%s" % (len(tpdu) // 2, tpdu))
        elif self.cnmi[3] == 2:
            where = self.store(tpdu, stat=1)
            if where is not None:
                self.urc('+CDSI: "%s",%d' % where)

    # -- AT commands -----------------------------------------------------
    def on_modem(self, fd):
        try:
            data = os.read(fd, 4096)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            return      # nobody has the slave open
        self.inbuf += data
        while True:
            if self.body is not None:
                i1 = self.inbuf.find(b"\x1a")
                i2 = self.inbuf.find(b"\x1b")
                if i2 >= 0 and (i1 < 0 or i2 < i1):
                    self.inbuf = self.inbuf[i2 + 1:]
                    self.body = None
                    self.final("OK")
                    continue
                if i1 < 0:
                    return
                pdu = self.inbuf[:i1].decode("latin-1").strip()
                self.inbuf = self.inbuf[i1 + 1:]
                if self.echo:
                    self.out(pdu + "\x1a")
                self.cmgs_body(self.body, pdu)
                self.body = None
                continue
            i = self.inbuf.find(b"\r")
            if i < 0:
                # A lone ESC outside a body is ignored (like real modems).
                self.inbuf = self.inbuf.replace(b"\x1b", b"")
                return
            line = self.inbuf[:i].decode("latin-1").replace("\x1b", "")
            line = line.strip("\n ")
            self.inbuf = self.inbuf[i + 1:]
            if not line:
                continue
            refuse = self.opts["refuse"]
            if refuse and line.upper().startswith(refuse):
                self.stats["commands"] += 1
                self.log.append(line)
                self.final("ERROR")
                continue
            hang_on = self.opts["hang_on"]
            if hang_on and line.upper().startswith(hang_on):
                self.opts["hang_on"] = ""
                self.log.append("(ignored) " + line)
                continue
            if self.opts["hang"] > 0:
                self.opts["hang"] -= 1
                self.log.append("(ignored) " + line)
                continue
            self.stats["commands"] += 1
            self.log.append(line)
            if self.echo:
                self.out(line + "\r")
            self.command(line)

    def command(self, line):
        u = line.upper()
        if not u.startswith("AT"):
            return self.final("ERROR")
        c = u[2:]
        if c == "" or c == "Z" or c == "&F":
            return self.final("OK")
        if c in ("E0", "E1"):
            self.echo = c == "E1"
            return self.final("OK")
        if c in ("V0", "V1"):
            self.verbose = c == "V1"
            return self.final("OK")
        if c.startswith("+CMEE="):
            return self.final("OK")
        if c == "+CGMI":
            self.lines([self.a.maker])
            return self.final("OK")
        if c == "+CGMM":
            self.lines([self.a.model])
            return self.final("OK")
        if c == "+CGMR":
            self.lines(["11.617.01.00.00"])
            return self.final("OK")
        if c == "+CGSN":
            self.lines(["356789012345678"])
            return self.final("OK")
        if c == "^CURC=0":
            return self.final("OK" if self.a.maker == "huawei" else "ERROR")
        if c == "+CPIN?":
            if self.pin_ok:
                self.lines(["+CPIN: READY"])
            elif self.pin_left == 0:
                self.lines(["+CPIN: SIM PUK"])
            else:
                self.lines(["+CPIN: SIM PIN"])
            return self.final("OK")
        if c.startswith("+CPIN="):
            self.stats["pin_attempts"] += 1
            if self.pin_left == 0:
                return self.final("+CME ERROR: 12")
            if line.split("=", 1)[1].strip('"') == self.a.pin:
                self.pin_ok = True
                self.pin_left = 3
                self.final("OK")
                self.urc("+CPIN: READY")
                self.urc("SMS Ready")
                return None
            self.pin_left -= 1
            return self.final("+CME ERROR: 16")
        if c.startswith("+CFUN=1,1"):
            self.final("OK")
            self.stats["resets"] += 1
            self.unplug()
            self.replug_at = time.time() + 0.2
            return None
        if c.startswith("+CFUN"):
            return self.final("OK")
        if c == "+CSQ":
            self.lines(["+CSQ: 20,99"])
            return self.final("OK")
        if c == "+CREG?":
            self.lines(["+CREG: 0,1"])
            return self.final("OK")
        if c == "+COPS?":
            self.lines(['+COPS: 0,0,"SimNet",2'])
            return self.final("OK")
        if c.startswith("+CREG=") or c.startswith("+COPS=3"):
            return self.final("OK")
        if not self.pin_ok:
            return self.final("+CMS ERROR: 311" if "+CM" in c
                              else "+CME ERROR: 11")
        if c == "+CIMI":
            self.lines(["216301234567890"])
            return self.final("OK")
        if c == "+CSCA?":
            self.lines(['+CSCA: "+36209300099",145'])
            return self.final("OK")
        if c.startswith("+CSCA="):
            return self.final("OK")
        if c.startswith("+CMGF=") and self.opts["fail_cmgf"] > 0:
            self.opts["fail_cmgf"] -= 1
            return self.final("+CMS ERROR: 500")
        if c.startswith("+CMGF="):
            if c[6:] not in ("0", "1") or (c[6:] == "0" and
                                            self.a.text_only):
                return self.final("ERROR")
            self.cmgf = int(c[6:])
            return self.final("OK")
        if c == "+CSCS=?":
            self.lines(['+CSCS: ("IRA","GSM","UCS2")'])
            return self.final("OK")
        if c.startswith("+CSCS="):
            cs = c[6:].strip('"')
            if cs not in ("IRA", "GSM", "UCS2"):
                return self.final("+CME ERROR: 4")
            self.cscs = cs
            return self.final("OK")
        if c.startswith("+CSMP="):
            try:
                self.csmp = [int(x) if x else 0 for x in c[6:].split(",")]
            except ValueError:
                return self.final("+CMS ERROR: 304")
            self.csmp += [0] * (4 - len(self.csmp))
            return self.final("OK")
        if c.startswith("+CSDH="):
            self.csdh = int(c[6:] or 0)
            return self.final("OK")
        if c.startswith("+CSMS"):
            return self.final("OK")
        if c == "+CPMS=?":
            names = list(self.mems) + (["MT"] if "ME" in self.mems else [])
            lst = "(%s)" % ",".join('"%s"' % n for n in names)
            self.lines(["+CPMS: %s,%s,%s" % (lst, lst, lst)])
            return self.final("OK")
        if c.startswith("+CPMS="):
            want = [w.strip().strip('"') for w in c[6:].split(",")]
            if len(want) > 3 or any(not self.parts_of(w) for w in want):
                return self.final("+CMS ERROR: 302")
            self.cpms[:len(want)] = want
            self.stats["cpms"] = self.stats.get("cpms", 0) + 1
            self.lines(["+CPMS: " + ",".join(
                "%d,%d" % (self.used(m), self.total(m)) for m in self.cpms)])
            return self.final("OK")
        if c == "+CPMS?":
            self.lines(["+CPMS: " + ",".join(
                '"%s",%d,%d' % (m, self.used(m), self.total(m))
                for m in self.cpms)])
            return self.final("OK")
        if c.startswith("+CNMI="):
            try:
                v = [int(x) if x else 0 for x in c[6:].split(",")]
            except ValueError:
                return self.final("+CMS ERROR: 303")
            v += [0] * (5 - len(v))
            if v[1] == self.opts["cnmi_reject_mt"] or \
                    v[3] == self.opts["cnmi_reject_ds"]:
                return self.final("+CMS ERROR: 303")
            self.cnmi = tuple(v[:5])
            return self.final("OK")
        if c == "+CNMA":
            return self.final("OK")
        if c.startswith("+CMGL"):
            self.stats["cmgl"] += 1
            if self.opts["cmgl_hang"]:
                return None
            out = []
            view = self.view(self.cpms[0])
            for idx in sorted(view):
                m, i = view[idx]
                stat, pdu = self.mems[m][i]
                out += self.stored_lines("CMGL", idx, stat, pdu)
                if stat == 0:
                    self.mems[m][i] = (1, pdu)
            self.lines(out)
            return self.final("OK")
        if c.startswith("+CMGR="):
            self.stats["cmgr"] += 1
            view = self.view(self.cpms[0])
            idx = int(c[6:])
            if idx not in view:
                return self.final("+CMS ERROR: 321")
            m, i = view[idx]
            stat, pdu = self.mems[m][i]
            self.lines(self.stored_lines("CMGR", idx, stat, pdu))
            if stat == 0:
                self.mems[m][i] = (1, pdu)
            return self.final("OK")
        if c.startswith("+CMGD="):
            self.stats["cmgd"] += 1
            view = self.view(self.cpms[0])
            idx = int(c[6:].split(",")[0])
            if idx not in view:
                return self.final("+CMS ERROR: 321")
            m, i = view[idx]
            del self.mems[m][i]
            self.final("OK")
            self.flush_pending()
            return None
        if c.startswith("+CMGS=") and self.cmgf == 1:
            self.body = ("text", line.split("=", 1)[1].strip('"'))
            self.out("\r\n> ")
            return None
        if c.startswith("+CMGS="):
            self.body = int(c[6:])
            self.out("\r\n> ")
            return None
        return self.final("ERROR")

    def cmgs_text(self, da, data):
        """AT+CMGS in text mode: the parameters of AT+CSMP apply."""
        fo, _, _, dcs = self.csmp[:4]
        try:
            to = self.from_te(da)
            text = self.from_te(data, hexdata=dcs & 0x0C == 0x08)
        except ValueError:
            return self.final("+CMS ERROR: 304")
        if len(text) > (70 if dcs & 0x0C == 0x08 else 160):
            return self.final("+CMS ERROR: 304")
        return {"to": to, "srr": bool(fo & 0x20), "udh": "", "dcs": dcs,
                "text": text, "mode": "text", "data": data}

    def cmgs_body(self, length, pdu):
        self.stats["cmgs"] += 1
        if self.opts["cmgs_delay_ms"] > 0:
            # The network takes its time; control commands wait too, so
            # an unplug lands after the answer was written, unread.
            time.sleep(self.opts["cmgs_delay_ms"] / 1000.0)
        if isinstance(length, tuple):       # text mode: ("text", da)
            info = self.cmgs_text(length[1], pdu)
            if info is None:
                return None
            tpdu = ""
        else:
            try:
                sca = int(pdu[0:2], 16)
                tpdu = pdu[2 + 2 * sca:]
                if len(tpdu) // 2 != length:
                    return self.final("+CMS ERROR: 304")
                info = parse_submit(tpdu)
            except (ValueError, IndexError, KeyError):
                return self.final("+CMS ERROR: 304")
        if self.opts["fail_cmgs_count"] > 0:
            self.opts["fail_cmgs_count"] -= 1
            return self.final("+CMS ERROR: %d" % self.opts["fail_cmgs"])
        self.mr = (self.mr + 1) % 256
        info["mr"] = self.mr
        info["pdu"] = tpdu
        self.sent.append(info)
        self.lines(["+CMGS: %d" % self.mr])
        self.final("OK")
        if info["srr"] and self.opts["auto_report"]:
            self.send_report(self.mr, self.opts["report_status"])
        return None

    # -- control ---------------------------------------------------------
    def accept(self, sock):
        conn, _ = sock.accept()
        conn.setblocking(False)
        self.sel.register(conn, selectors.EVENT_READ, self.on_ctl)
        self.ctlbuf[conn] = b""

    def on_ctl(self, conn):
        try:
            data = conn.recv(65536)
        except BlockingIOError:
            return
        if not data:
            self.sel.unregister(conn)
            del self.ctlbuf[conn]
            conn.close()
            return
        self.ctlbuf[conn] += data
        while b"\n" in self.ctlbuf[conn]:
            line, self.ctlbuf[conn] = self.ctlbuf[conn].split(b"\n", 1)
            try:
                reply = self.control(json.loads(line))
            except Exception as e:      # a test's mistake: say what
                reply = {"error": repr(e)}
            conn.setblocking(True)
            conn.sendall(json.dumps(reply).encode() + b"\n")
            conn.setblocking(False)

    def control(self, m):
        cmd = m["cmd"]
        if cmd == "sms":
            tpdu = deliver_pdu(m["from"], m["text"], m.get("ucs2", False),
                               m.get("concat"))
            return {"ok": True, "pdu": tpdu,
                    "where": self.network_deliver(tpdu, m.get("mem"))}
        if cmd == "deliver":
            return {"ok": True, "where": self.network_deliver(m["pdu"])}
        if cmd == "report":
            self.send_report(m["mr"], m.get("status", 0))
            return {"ok": True}
        if cmd == "sent":
            return {"sent": self.sent}
        if cmd == "storage":
            return {"slots": {str(k): v[1]
                              for k, v in self.mems["SM"].items()},
                    "me": {str(k): v[1]
                           for k, v in self.mems.get("ME", {}).items()},
                    "pending": len(self.pending)}
        if cmd == "stats":
            return dict(self.stats, pending=len(self.pending),
                        stored=sum(len(v) for v in self.mems.values()))
        if cmd == "log":
            return {"log": self.log}
        if cmd == "set":
            for k, v in m.items():
                if k == "echo":
                    self.echo = bool(v)
                elif k != "cmd":
                    self.opts[k] = v
            return {"ok": True}
        if cmd == "noise":
            self.out(b"\x00\xff\xfe garbage \x07\r\n\x00\r\n")
            return {"ok": True}
        if cmd == "storm":
            for i in range(m.get("n", 100)):
                self.out("\r\n^RSSI: %d\r\n\r\n+CREG: 1\r\n" % (i % 31))
            return {"ok": True}
        if cmd == "unplug":
            self.unplug()
            return {"ok": True}
        if cmd == "replug":
            if self.master is None:
                self.plug()
            return {"ok": True, "port": os.ttyname(self.slave)}
        if cmd == "quit":
            self.quit = True
            return {"ok": True}
        return {"error": "unknown command " + cmd}

    def run(self):
        self.quit = False
        self.orphaned = False
        while not self.quit:
            timeout = None
            if self.replug_at is not None:
                timeout = max(0, self.replug_at - time.time())
            elif self.a.watch_pid:
                timeout = 1.0
            for key, _ in self.sel.select(timeout):
                key.data(key.fileobj)
            if self.replug_at is not None and time.time() >= self.replug_at:
                self.replug_at = None
                self.plug()
            if self.a.watch_pid and not pid_alive(self.a.watch_pid):
                # The test died (a failed assertion skips its cleanup):
                # do not linger, and take the directory along.
                self.orphaned = True
                break


def ctl(d, text):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(os.path.join(d, "ctl"))
    f = s.makefile("rw")
    f.write(text.strip() + "\n")
    f.flush()
    reply = f.readline()
    sys.stdout.write(reply)
    return 1 if '"error"' in reply else 0


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--ctl":
        return ctl(sys.argv[2], sys.argv[3])
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--dir", required=True)
    p.add_argument("--pin")
    p.add_argument("--storage", type=int, default=20,
                   help="SIM (SM) storage slots")
    p.add_argument("--me-storage", type=int, default=0,
                   help="the modem's own (ME) storage slots; 0: none")
    p.add_argument("--index-base", type=int, default=1, choices=(0, 1))
    p.add_argument("--maker", default="huawei")
    p.add_argument("--model", default="E3372")
    p.add_argument("--first-mr", type=int, default=0)
    p.add_argument("--text-only", action="store_true",
                   help="no PDU mode: AT+CMGF=0 answers ERROR")
    p.add_argument("--watch-pid", type=int, default=0,
                   help="exit when this process is gone")
    sim = Sim(p.parse_args())
    try:
        sim.run()
    finally:
        sim.unplug()
    if sim.orphaned:
        shutil.rmtree(sim.dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
