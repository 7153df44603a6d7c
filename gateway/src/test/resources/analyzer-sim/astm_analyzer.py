#!/usr/bin/env python3
"""A simulated ASTM E1381/E1394 analyzer: the sending side, run as its own process by the hub's tests and the demo.

Sends one message (header, patient, order, potassium and creatinine results, terminator), one record a frame, over
TCP (--tcp HOST:PORT) or a serial line (--serial PATH, e.g. one end of a socat pseudo-terminal pair). With
--corrupt-frame N the first transmission of frame N carries a wrong checksum: the receiver must NAK it, and this sender
retransmits it (E1381: up to 6 times). Exits 0 once the receiver acknowledged every frame and EOT was sent; 2 when the
receiver did not answer within 15 s (E1381's sender timeout) or refused a frame 6 times.
"""
import argparse
import os
import select
import socket
import sys
import termios
import time
import tty

ENQ, ACK, NAK, EOT, STX, ETX, CR, LF = b"\x05", b"\x06", b"\x15", b"\x04", b"\x02", b"\x03", b"\r", b"\n"


def log(msg):
    print("analyzer: " + msg, flush=True)


class Line:
    def __init__(self, args):
        if args.tcp:
            host, port = args.tcp.rsplit(":", 1)
            self.sock = socket.create_connection((host, int(port)), timeout=15)
            self.fd = None
        else:
            self.sock = None
            self.fd = os.open(args.serial, os.O_RDWR | os.O_NOCTTY)
            tty.setraw(self.fd, termios.TCSANOW)

    def write(self, data):
        if self.sock:
            self.sock.sendall(data)
        else:
            os.write(self.fd, data)

    def read_reply(self, timeout=15.0):
        """The next ACK, NAK or EOT from the receiver, or None after the timeout."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            fd = self.sock if self.sock else self.fd
            ready, _, _ = select.select([fd], [], [], max(0.0, end - time.monotonic()))
            if not ready:
                break
            data = self.sock.recv(1) if self.sock else os.read(self.fd, 1)
            if not data:
                return None
            if data in (ACK, NAK, EOT):
                return data
        return None

    def close(self):
        if self.sock:
            self.sock.close()
        else:
            os.close(self.fd)


def frame(number, text, corrupt=False):
    body = bytes([0x30 + number % 8]) + text.encode("latin-1") + CR + ETX
    checksum = sum(body) % 256
    if corrupt:
        checksum = (checksum + 1) % 256
    return STX + body + ("%02X" % checksum).encode() + CR + LF


def records(args):
    when = args.time
    k, crea = args.codes.split(",")
    return [
        "H|\\^&|||%s^1.0|||||||P|1|%s" % (args.sender, when),
        "P|1||%s" % args.patient,
        "O|1|%s||^^^%s\\^^^%s|R|%s" % (args.sample, k, crea, when),
        "R|1|^^^%s|%s|mmol/L||%s||F||||%s" % (k, args.potassium, "H" if float(args.potassium) > 5.0 else "N", when),
        "R|2|^^^%s|%s|umol/L||N||F||||%s" % (crea, args.creatinine, when),
        "L|1|N",
    ]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tcp")
    p.add_argument("--serial")
    p.add_argument("--corrupt-frame", type=int, default=0)
    p.add_argument("--sender", default="sim-analyzer")
    p.add_argument("--patient", default="19401231-1234")
    p.add_argument("--sample", default="S-0001")
    p.add_argument("--potassium", default="6.1")
    p.add_argument("--creatinine", default="98")
    p.add_argument("--time", default=time.strftime("%Y%m%d%H%M%S"))
    # test codes of the two results; unknown ones make a message the hub cannot use and must refuse
    p.add_argument("--codes", default="K,CREA")
    args = p.parse_args()
    line = Line(args)
    try:
        line.write(ENQ)
        reply = line.read_reply()
        if reply != ACK:
            log("no ACK for ENQ (got %r)" % reply)
            return 2
        corrupted = False
        for i, text in enumerate(records(args)):
            number = (i + 1) % 8
            for attempt in range(6):
                corrupt = number == args.corrupt_frame and not corrupted
                corrupted = corrupted or corrupt
                line.write(frame(number, text, corrupt))
                reply = line.read_reply()
                if reply == ACK:
                    log("frame %d acknowledged" % number)
                    break
                if reply == NAK:
                    log("NAK for frame %d, retransmitting" % number)
                    continue
                log("no answer for frame %d (got %r)" % (number, reply))
                line.write(EOT)
                return 2
            else:
                log("frame %d refused 6 times; giving up" % number)
                line.write(EOT)
                return 2
        line.write(EOT)
        log("message sent and acknowledged")
        return 0
    finally:
        line.close()


if __name__ == "__main__":
    sys.exit(main())
