"""Writes F.expected.jsonl next to each capture in this folder.

Message facts (direction, opcode, length, SHA-256, close code/reason) come from what the
generator scripts in ../shared/fixtures/gen/ sent: they are deterministic, so the messages are
written out here by hand. Frame facts (FIN, RSV, opcode, mask key, payload length) and HTTP
start lines come from tshark, which gets framing right; tshark's decoded payloads are NOT used
(tshark 4.0.17 inflates compressed fragmented messages wrongly). The fragment count and the
compressed flag of each message are taken from its frames.

usage: python3 expected.py   (needs tshark)
"""
import hashlib
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))

# ws_fragmented.py deflate: the client sends, the server echoes fragment by fragment.
FRAG_DATA = [
    (1, b"Hello, fragmented world!"),
    (2, bytes(range(120))),
    (1, b"a" * 300 + b"b" * 300 + b"c" * 300),
    (1, b"single frame"),
]
FRAG_CLOSE = (1000, "fragments done")
# Pings are answered by the other side with a pong carrying the same data.
FRAG = {
    "port": 8088,
    "streams": {
        0: {
            "c2s": {"data": FRAG_DATA, "control": [(9, b"cli-mid-frag"), (10, b"srv-mid-frag")],
                    "close": FRAG_CLOSE},
            "s2c": {"data": FRAG_DATA, "control": [(10, b"cli-mid-frag"), (9, b"srv-mid-frag")],
                    "close": FRAG_CLOSE},
        }
    },
}

# ws_chromium.py + gen/www/index.html: the page sends five messages at onopen; the server
# sends "welcome", echoes each message and pings after the second echo; the page closes
# with 1000 "bye" after six messages and the server echoes the close.
QUOTE1 = b'{"type":"quote","symbol":"ACME","price":101.25,"seq":1}'
QUOTE2 = b'{"type":"quote","symbol":"ACME","price":101.5,"seq":2}'  # JSON.stringify(101.50)
PAGE_SENT = [
    (1, b"hello from chromium"),
    (1, QUOTE1),
    (1, QUOTE2),
    (2, bytes([0, 1, 2, 3, 4, 5, 6, 7, 250, 251, 252, 253, 254, 255])),
    (1, b"x" * 300),
]
CHROMIUM = {
    "port": 8088,
    "streams": {
        3: {
            "c2s": {"data": PAGE_SENT, "control": [(10, b"are-you-there")], "close": (1000, "bye")},
            "s2c": {"data": [(1, b"welcome")] + PAGE_SENT, "control": [(9, b"are-you-there")],
                    "close": (1000, "bye")},
        }
    },
}



def linktype_spec(name):
    """gen_linktypes.py's scenario `name`: the client sends each message and the server echoes
    it; each side pings once and the other side pongs (the order of the two control frames in
    a direction is read from the wire: each opcode appears once per direction, so the opcode
    says which payload it carries); the client closes and the server echoes the close."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("gen_linktypes", os.path.join(HERE, "gen_linktypes.py"))
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    sc = gen.SCENARIOS[name]
    data = [(1, m.encode()) if isinstance(m, str) else (2, m) for m in sc["messages"]]
    return {
        "port": sc["port"], "file": sc["file"],
        "streams": {0: {
            "c2s": {"data": data, "control": {9: sc["cli_ping"], 10: sc["srv_ping"]}, "close": sc["close"]},
            "s2c": {"data": data, "control": {9: sc["srv_ping"], 10: sc["cli_ping"]}, "close": sc["close"]},
        }},
    }


FIXTURES = {"ws_fragmented_deflate": FRAG, "ws_chromium": CHROMIUM}
for _name in ["ws_ipv6", "ws_sll", "ws_sll2_ipv6", "ws_deflate", "ws_deflate_no_context_takeover"]:
    FIXTURES[_name] = linktype_spec(_name)
# Derived by derive.py (only the link header differs): the same facts as their source.
for _name, _src in [("ws_null_le", "ws_sll"), ("ws_raw", "ws_sll"),
                    ("ws_null_be_ipv6", "ws_ipv6"), ("ws_raw_ipv6", "ws_ipv6")]:
    FIXTURES[_name] = dict(linktype_spec(_src), file=_name + ".pcap")

FIELDS = ["tcp.stream", "tcp.srcport", "tcp.dstport", "http.request.method", "http.request.uri",
          "http.request.version", "http.response.version", "http.response.code",
          "http.content_length", "websocket.fin", "websocket.rsv", "websocket.opcode",
          "websocket.payload_length", "websocket.payload_length_ext_16",
          "websocket.payload_length_ext_64", "websocket.masking_key"]


def tshark_rows(pcap, port):
    cmd = ["tshark", "-n", "-r", pcap, "-d", f"tcp.port=={port},http", "-Y", "http || websocket", "-T", "fields",
           "-E", "occurrence=a", "-E", "aggregator=|", "-E", "quote=n"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        cells = dict(zip(FIELDS, line.split("\t")))
        yield {k: (v.split("|") if v else []) for k, v in cells.items()}


def sha(b):
    return hashlib.sha256(b).hexdigest()


def main():
    for name, spec in FIXTURES.items():
        pcap = os.path.join(HERE, spec.get("file", name + ".pcap"))
        rows = []
        frames = {}  # (stream, dir) -> [frame]
        for r in tshark_rows(pcap, spec["port"]):
            stream = int(r["tcp.stream"][0])
            src = int(r["tcp.srcport"][0])
            server_side = src in (8080, 8088, spec["port"])
            d = "s2c" if server_side else "c2s"
            if r["http.request.method"]:
                rows.append({"stream": stream, "kind": "http_request",
                             "start_line": f'{r["http.request.method"][0]} {r["http.request.uri"][0]} {r["http.request.version"][0]}'})
            if r["http.response.code"]:
                row = {"stream": stream, "kind": "http_response",
                       "status": int(r["http.response.code"][0]),
                       "version": r["http.response.version"][0]}
                if r["http.content_length"]:
                    row["body_len"] = int(r["http.content_length"][0])
                rows.append(row)
            n = len(r["websocket.opcode"])
            ext16 = iter(r["websocket.payload_length_ext_16"])
            ext64 = iter(r["websocket.payload_length_ext_64"])
            keys = iter(r["websocket.masking_key"])
            for i in range(n):
                short = int(r["websocket.payload_length"][i])
                length = {126: lambda: int(next(ext16)), 127: lambda: int(next(ext64))}.get(short, lambda: short)()
                masked = d == "c2s"
                frames.setdefault((stream, d), []).append({
                    "fin": int(r["websocket.fin"][i]), "rsv": int(r["websocket.rsv"][i], 16),
                    "opcode": int(r["websocket.opcode"][i]),
                    "mask": next(keys).replace(":", "") if masked else None, "len": length})
        for (stream, d), fl in sorted(frames.items()):
            for f in fl:
                rows.append({"stream": stream, "kind": "ws_frame", "dir": d, **f})
            # Group frames into messages: data frames start one, continuations extend it.
            groups, current = [], None
            for f in fl:
                if f["opcode"] >= 8:
                    continue
                if f["opcode"] in (1, 2):
                    current = {"opcode": f["opcode"], "n_fragments": 1, "compressed": f["rsv"] & 4 != 0}
                else:
                    current["n_fragments"] += 1
                if f["fin"]:
                    groups.append(current)
            sent = spec["streams"][stream][d]
            assert [g["opcode"] for g in groups] == [op for op, _ in sent["data"]], (name, d, groups)
            for g, (op, payload) in zip(groups, sent["data"]):
                rows.append({"stream": stream, "kind": "ws_message", "dir": d, "opcode": op,
                             "n_fragments": g["n_fragments"], "compressed": g["compressed"],
                             "payload_len": len(payload), "sha256": sha(payload)})
            control = sent["control"]
            if isinstance(control, dict):
                # in the order the frames were sent
                ops = [f["opcode"] for f in fl if f["opcode"] in (9, 10)]
                assert sorted(ops) == sorted(control), (name, d, ops)
                control = [(op, control[op]) for op in ops]
            for op, payload in control:
                rows.append({"stream": stream, "kind": "ws_control", "dir": d, "opcode": op,
                             "payload_len": len(payload), "sha256": sha(payload)})
            code, reason = sent["close"]
            payload = code.to_bytes(2, "big") + reason.encode()
            rows.append({"stream": stream, "kind": "ws_control", "dir": d, "opcode": 8,
                         "payload_len": len(payload), "sha256": sha(payload),
                         "close_code": code, "close_reason": reason})
        with open(os.path.join(HERE, name + ".expected.jsonl"), "w") as fh:
            for row in rows:
                fh.write(json.dumps(row) + "\n")
        print(name, len(rows), "rows")


if __name__ == "__main__":
    main()
