#!/usr/bin/env python3
"""A simulated POCT1-A2 device (a point-of-care analyzer or its docking station), run as its own process by the hub's
tests and the demo: connects to the data manager (the hub) over TCP and holds the conversation
HEL -> DST (1 new observation) -> REQ from the hub -> OBS -> ACK AA from the hub -> EOT -> END.
Exits 0 once the hub acknowledged the observation with AA and ended the conversation; 2 otherwise.
"""
import argparse
import re
import socket
import sys
import time

control = [100]


def log(msg):
    print("device: " + msg, flush=True)


def message(kind, body):
    control[0] += 1
    now = time.strftime("%Y-%m-%dT%H:%M:%S+01:00")
    return control[0], ('<?xml version="1.0" encoding="UTF-8"?><%s><HDR><HDR.message_type V="%s"/>'
                        '<HDR.control_id V="%d"/><HDR.version_id V="POCT1"/><HDR.creation_dttm V="%s"/></HDR>%s</%s>'
                        % (kind, kind, control[0], now, body, kind)).encode("utf-8")


class Conn:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=15)
        self.buf = b""

    def send(self, kind, body=""):
        cid, data = message(kind, body)
        self.sock.sendall(data)
        return cid

    def receive(self):
        while True:
            m = re.search(rb"<([A-Z]{3}\.R0\d)>.*?</\1>", self.buf, re.S)
            if m:
                self.buf = self.buf[m.end():]
                text = m.group(0).decode("utf-8")
                kind = m.group(1).decode()
                cid = re.search(r'HDR\.control_id V="([^"]+)"', text).group(1)
                return kind, cid, text
            data = self.sock.recv(4096)
            if not data:
                raise EOFError("the hub closed the connection")
            self.buf += data


def expect_ack(conn, cid, what):
    kind, _, text = conn.receive()
    if kind != "ACK.R01" or ('ACK.ack_control_id V="%d"' % cid) not in text:
        raise RuntimeError("expected ACK for %s, got %s" % (what, text))
    if 'ACK.type_cd V="AA"' not in text:
        raise RuntimeError("the hub refused %s: %s" % (what, text))
    log("hub acknowledged %s" % what)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tcp", required=True)
    p.add_argument("--value", default="1850")
    p.add_argument("--analyte", default="NT-proBNP")
    p.add_argument("--unit", default="pg/mL")
    # the patient id entered on the device; empty: the device sends none
    p.add_argument("--patient", default="19401231-1234")
    args = p.parse_args()
    host, port = args.tcp.rsplit(":", 1)
    conn = Conn(host, int(port))
    try:
        expect_ack(conn, conn.send("HEL.R01", "<HEL><DEV><DEV.device_id V=\"sim-poc\"/></DEV></HEL>"), "HEL")
        expect_ack(conn, conn.send("DST.R01", "<DST><DST.new_observations_qty V=\"1\"/></DST>"), "DST")
        kind, cid, text = conn.receive()
        if kind != "REQ.R01" or "ROBS" not in text:
            raise RuntimeError("expected REQ ROBS, got " + text)
        conn.send("ACK.R01", '<ACK><ACK.type_cd V="AA"/><ACK.ack_control_id V="%s"/></ACK>' % cid)
        now = time.strftime("%Y-%m-%dT%H:%M:%S+01:00")
        obs = ('<SVC><SVC.role_cd V="OBS"/><SVC.observation_dttm V="%s"/><SVC.sequence_nbr V="417"/>'
               '<PT>%s<OBS><OBS.observation_id V="%s"/>'
               '<OBS.value V="%s" U="%s"/></OBS></PT></SVC>'
               % (now, '<PT.patient_id V="%s"/>' % args.patient if args.patient else "", args.analyte, args.value,
                  args.unit))
        expect_ack(conn, conn.send("OBS.R01", obs), "OBS")
        expect_ack(conn, conn.send("EOT.R01", "<EOT><EOT.topic_cd V=\"OBS\"/></EOT>"), "EOT")
        kind, cid, text = conn.receive()
        if kind != "END.R01":
            raise RuntimeError("expected END, got " + text)
        conn.send("ACK.R01", '<ACK><ACK.type_cd V="AA"/><ACK.ack_control_id V="%s"/></ACK>' % cid)
        log("conversation complete")
        return 0
    except (RuntimeError, EOFError, OSError) as e:
        log("failed: %s" % e)
        return 2
    finally:
        conn.sock.close()


if __name__ == "__main__":
    sys.exit(main())
