#!/usr/bin/env python3
"""Verifies a Standard Webhooks signature independently of the gateway's code.

usage: webhook_verify.py SECRET WEBHOOK_ID TIMESTAMP BODY_FILE SIGNATURE_HEADER POSITION

SECRET is "whsec_<base64>" (its key must be at least 24 bytes); SIGNATURE_HEADER is the
webhook-signature header ("v1,<sig> v1,<sig>"); POSITION is the 0-based index of the signature
that SECRET must have made. Exit 0 when it matches, 1 when it does not, 2 on bad input.
"""
import base64
import hashlib
import hmac
import sys


def main() -> int:
    if len(sys.argv) != 7:
        print(__doc__, file=sys.stderr)
        return 2
    secret, msg_id, timestamp, body_file, header, position = sys.argv[1:]
    if not secret.startswith("whsec_"):
        print("secret without the whsec_ prefix", file=sys.stderr)
        return 2
    key = base64.b64decode(secret[len("whsec_"):], validate=True)
    if len(key) < 24:
        print(f"secret key is {len(key)} bytes, fewer than 24", file=sys.stderr)
        return 2
    with open(body_file, "rb") as f:
        body = f.read()
    signed = msg_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    entries = header.split(" ")
    index = int(position)
    if index >= len(entries):
        print(f"no signature at position {index} in {header!r}", file=sys.stderr)
        return 1
    version, _, signature = entries[index].partition(",")
    if version != "v1" or not hmac.compare_digest(signature, expected):
        print(f"mismatch: header has {entries[index]!r}, expected v1,{expected}", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
