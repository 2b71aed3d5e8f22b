#!/usr/bin/env python3
"""Reads JMH JSON results (-rf json) and prints the results table and the target ratios.

Usage: report.py results.json [more.json ...]   (markdown on stdout; exit 0 even if a target is missed)
"""
import json
import sys

SMALL_CONSTANT = 4096  # bytes per op allowed beyond one copy of the payload (raw JCE alone takes 1-1.5 KiB)

NAMES = {
    "JceAesGcmBenchmark": "raw JCE AES-256-GCM",
    "TinkAeadBenchmark": "Tink AEAD AES256_GCM",
    "TinkEnvelopeBenchmark": "Tink KmsEnvelopeAead",
    "TinkAeadAadBenchmark": "Tink AEAD AES256_GCM, 120 B AAD",
    "CodecSivBenchmark": "codec AES_256_SIV",
}


def load(paths):
    """(implementation, op, size) -> (ops/s, B/op); raw JCE's encryptChunked is its own row."""
    rows = {}
    jvm = set()
    hostile = {}
    for p in paths:
        with open(p) as f:
            for r in json.load(f):
                cls, op = r["benchmark"].split(".")[-2:]
                params = r.get("params", {})
                if cls == "HostileEnvelopeBenchmark":
                    # Average time per decrypt (us/op), by recipient type: reported as ratios.
                    hostile[(params.get("recipientType", "?"), op)] = r["primaryMetric"]["score"]
                    continue
                impl = NAMES.get(cls) or "codec " + params.get("suite", "?")
                size = int(params["size"])
                alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
                rows[(impl, op, size)] = (r["primaryMetric"]["score"], alloc)
                jvm.add("%s %s" % (r.get("vmName", ""), r.get("vmVersion", "")))
    return rows, jvm, hostile


def fmt_size(n):
    return "%d MiB" % (n >> 20) if n >= 1 << 20 else ("%d KiB" % (n >> 10) if n >= 1024 else "%d B" % n)


def main(paths):
    rows, jvm, hostile = load(paths)
    print("JVM: " + ", ".join(sorted(jvm)))
    print()
    print("| implementation | op | size | ops/s | MB/s | B/op (alloc) | B/op beyond payload |")
    print("|---|---|---|---:|---:|---:|---:|")
    order = ["raw JCE AES-256-GCM", "Tink AEAD AES256_GCM", "Tink AEAD AES256_GCM, 120 B AAD", "Tink KmsEnvelopeAead",
             "codec AES_256_GCM", "codec CHACHA20_POLY1305", "codec AES_256_SIV"]
    for impl in order:
        for op in ("encrypt", "encryptChunked", "decrypt"):
            for size in sorted({k[2] for k in rows}):
                if (impl, op, size) not in rows:
                    continue
                ops, alloc = rows[(impl, op, size)]
                a = "%.0f" % alloc if alloc is not None else "-"
                extra = "%.0f" % (alloc - size) if alloc is not None else "-"
                print("| %s | %s | %s | %.0f | %.1f | %s | %s |" % (impl, op, fmt_size(size), ops, ops * size / 1e6, a, extra))
    print()
    print("Targets (codec default suite AES_256_GCM, same run):")
    print()
    print("| target | op | codec ops/s | baseline ops/s | ratio | required | met |")
    print("|---|---|---:|---:|---:|---:|---|")
    codec = "codec AES_256_GCM"
    checks = [(1024, "Tink AEAD AES256_GCM", 0.8), (1024, "Tink AEAD AES256_GCM, 120 B AAD", 0.8),
              (1024, "Tink KmsEnvelopeAead", 4.0),
              (16384, "raw JCE AES-256-GCM", 0.9), (1 << 20, "raw JCE AES-256-GCM", 0.9)]
    missed = 0
    for size, base, need in checks:
        for op in ("encrypt", "decrypt"):
            c = rows.get((codec, op, size))
            b = rows.get((base, op, size))
            if base.startswith("raw JCE") and op == "encrypt":
                # The ceiling is the better of one doFinal and 16 KiB updates.
                alt = rows.get((base, "encryptChunked", size))
                if alt and (not b or alt[0] > b[0]):
                    b = alt
            if not c or not b:
                continue
            ratio = c[0] / b[0]
            ok = ratio >= need
            missed += not ok
            print("| %s vs %s | %s | %.0f | %.0f | %.2fx | >= %.1fx | %s |"
                  % (fmt_size(size), base, op, c[0], b[0], ratio, need, "yes" if ok else "NO"))
    for size in sorted({k[2] for k in rows if k[0] == codec}):
        for op in ("encrypt", "decrypt"):
            c = rows.get((codec, op, size))
            if not c or c[1] is None:
                continue
            ok = c[1] <= size + SMALL_CONSTANT
            missed += not ok
            print("| alloc %s <= payload + %d B | %s | %.0f B/op | - | - | - | %s |"
                  % (fmt_size(size), SMALL_CONSTANT, op, c[1], "yes" if ok else "NO"))
    for rtype in sorted({k[0] for k in hostile}):
        h, d, o = (hostile.get((rtype, op)) for op in ("hostile", "duplicates", "honest"))
        if h is None or o is None:
            continue
        ok = h / o <= 2.0
        missed += not ok
        print("| crafted envelope, %s: 32 held junk entries vs honest uncached | decrypt | %.1f us | %.1f us | %.2fx | <= 2.0x | %s |"
              % (rtype, h, o, h / o, "yes" if ok else "NO"))
        if d is not None:
            print("| crafted envelope, %s: 32 repeated references vs honest uncached | decrypt | %.1f us | %.1f us | %.2fx | <= 2.0x | %s |"
                  % (rtype, d, o, d / o, "yes" if d / o <= 2.0 else "NO"))
    print()
    print("%d target(s) missed" % missed)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
