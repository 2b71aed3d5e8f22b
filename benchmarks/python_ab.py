#!/usr/bin/env python3
"""Interleaved A/B of the Python port against raw `cryptography` AES-GCM (see PYTHON.md).

For each size and direction, the port (Encryptor.encrypt / Decryptor.decrypt, suite 0001, one
symmetric recipient, a one-entry external context built once as a sealpost.EncryptionContext) and raw AESGCM (same key size, a 12-byte
nonce, an AAD of the port's AAD length) run in alternating slices of about --slice-ms each,
for --rounds rounds, the order flipping every round. Each round gives one ratio,
raw time per operation / port time per operation (1.0: the port is as fast as raw AES-GCM;
0.5: half as fast). The report is the median of the ratios, their interquartile range and
their minimum and maximum, with the load average before and after.

    python3 benchmarks/python_ab.py                        # 64 B, 1 KiB, 1 MiB; encrypt, decrypt
    python3 benchmarks/python_ab.py --rounds 60 --slice-ms 40 --sizes 1024,1048576 --ops decrypt

Run with the port importable (pip install -e ports/python, or PYTHONPATH=ports/python/src).
Only on a quiet machine do the numbers mean anything. Never part of the build or of CI.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable

from cryptography import __version__ as cryptography_version
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

try:
    import sealpost
except ImportError:  # a checkout without the package installed
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "ports", "python", "src"))
    import sealpost

# Built once, as an application builds its per-topic context once (the Java Kafka adapter does):
# validated and encoded at construction, not per message.
EXTERNAL = sealpost.EncryptionContext({"topic": "payments"})


def calibrate(fn: Callable[[], object], slice_s: float) -> int:
    """Iterations of ``fn`` that take about ``slice_s``."""
    n = 1
    while True:
        t = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - t
        if elapsed >= slice_s / 4 or n >= 1 << 24:
            return max(1, int(n * slice_s / max(elapsed, 1e-9)))
        n *= 4


def timed(fn: Callable[[], object], n: int) -> float:
    t = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t) / n


def pair(size: int, op: str) -> tuple[Callable[[], object], Callable[[], object]]:
    """(port, raw) closures for one size and direction."""
    kek = sealpost.SymmetricKek("orders", 1, os.urandom(32))
    enc = sealpost.Encryptor([kek])
    dec = sealpost.Decryptor([kek])
    plaintext = os.urandom(size)
    envelope = enc.encrypt(plaintext, EXTERNAL)
    header_length = len(sealpost.inspect(envelope).header.raw)
    # The port's AAD: the header and the encoded external context (SPEC.md section 8).
    aad_length = header_length + 1 + 1 + len("topic") + 2 + len("payments")
    aad = os.urandom(aad_length)
    raw = AESGCM(os.urandom(32))
    nonce = os.urandom(12)
    if op == "encrypt":
        return (lambda: enc.encrypt(plaintext, EXTERNAL)), (lambda: raw.encrypt(nonce, plaintext, aad))
    body = raw.encrypt(nonce, plaintext, aad)
    assert dec.decrypt(envelope, EXTERNAL) == plaintext
    return (lambda: dec.decrypt(envelope, EXTERNAL)), (lambda: raw.decrypt(nonce, body, aad))


def quartiles(xs: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], q[2]


def human(size: int) -> str:
    return f"{size >> 20} MiB" if size >= 1 << 20 else f"{size >> 10} KiB" if size >= 1 << 10 else f"{size} B"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--slice-ms", type=float, default=25.0)
    ap.add_argument("--sizes", default="64,1024,1048576")
    ap.add_argument("--ops", default="encrypt,decrypt")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    ops = args.ops.split(",")
    slice_s = args.slice_ms / 1000

    load_before = os.getloadavg()
    print(f"# Python port vs raw AESGCM, interleaved A/B: {args.rounds} rounds, slices of {args.slice_ms:g} ms")
    print(f"# Python {platform.python_version()} ({platform.python_implementation()}), cryptography "
          f"{cryptography_version}, {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"# load average before: {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}")
    print()
    print("| op | size | ratio median | IQR | min..max | port us/op | raw us/op |")
    print("|---|---|---|---|---|---|---|")
    for size in sizes:
        for op in ops:
            port, raw = pair(size, op)
            for _ in range(3):  # warm up both
                port()
                raw()
            n_port = calibrate(port, slice_s)
            n_raw = calibrate(raw, slice_s)
            ratios, port_t, raw_t = [], [], []
            for r in range(args.rounds):
                if r % 2 == 0:
                    a = timed(port, n_port)
                    b = timed(raw, n_raw)
                else:
                    b = timed(raw, n_raw)
                    a = timed(port, n_port)
                ratios.append(b / a)
                port_t.append(a)
                raw_t.append(b)
            q1, q3 = quartiles(ratios)
            print(f"| {op} | {human(size)} | {statistics.median(ratios):.2f} | {q1:.2f}..{q3:.2f} | "
                  f"{min(ratios):.2f}..{max(ratios):.2f} | {statistics.median(port_t) * 1e6:.2f} | "
                  f"{statistics.median(raw_t) * 1e6:.2f} |", flush=True)
    load_after = os.getloadavg()
    print()
    print(f"# load average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
