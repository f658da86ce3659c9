#!/usr/bin/env python3
"""Recomputes an export's RFC 6962 Merkle root independently of Pardner's C++ code.

Usage: merkle_root.py EXPORT_DIR
Prints the base64 root of the leaves in entries.jsonl and exits 0 if it equals the root on the
third line of EXPORT_DIR/checkpoint, 1 otherwise. Written from RFC 6962 section 2.1 alone:
MTH({}) = SHA-256(), MTH({d0}) = SHA-256(0x00 || d0), and for n > 1 with k the largest power of
two below n, MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])).
"""
import base64
import hashlib
import json
import sys


def mth(leaves):
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def main():
    export = sys.argv[1]
    with open(export + "/entries.jsonl", encoding="utf-8") as f:
        leaves = [base64.b64decode(json.loads(line)["leaf"]) for line in f]
    with open(export + "/checkpoint", encoding="utf-8") as f:
        lines = f.read().split("\n")
    computed = base64.b64encode(mth(leaves)).decode()
    print(computed)
    return 0 if lines[1] == str(len(leaves)) and lines[2] == computed else 1


if __name__ == "__main__":
    sys.exit(main())
