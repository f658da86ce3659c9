#!/usr/bin/env python3
"""Writes the hand-made seeds of tests/fuzz/corpus/ (request bodies, raw HTTP requests, canonical
JSON edge cases, Merkle proof selectors). The signed-log seeds (checkpoints, key lines, receipts,
leaves) come from a real ledger: ops/fuzz --seeds runs this script, then adds those from a ledger
made with the `pardner` binary. Seeds are named for what they hold; rerunning rewrites them.
Usage: make_seeds.py CORPUS_DIR"""
import json
import os
import struct
import sys

corpus = sys.argv[1]


def write(target, name, data):
    os.makedirs(os.path.join(corpus, target), exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(corpus, target, name), "wb") as out:
        out.write(data)


# Request bodies, from README.md, docs/api.md and tests/api: "<endpoint>\n<Idempotency-Key>\n<body>".
transfer = {"debit_account": 2, "credit_account": 1, "amount": 2500, "memo": "First deposit"}
postings = {"postings": [{"account": 1, "amount": 700}, {"account": 2, "amount": -700}],
            "memo": "split", "metadata": {"invoice": "42", "ref": "ab"},
            "value_date": "2026-11-22", "pending": True, "timeout_seconds": 3600}
bodies = {
    "members_name": ("members", "", {"display_name": "Ada"}),
    "members_contact": ("members", "", {"display_name": "Ada", "contact": "ada@example.org"}),
    "members_empty": ("members", "", {}),
    "members_unknown_field": ("members", "", {"display_name": "Ada", "age": 3}),
    "members_escaped": ("members", "", '{"display_name":"\\u00c1da \\ud83d\\ude00","contact":"x"}'),
    "accounts_savings": ("accounts", "", {"code": "liabilities:members:ada:savings",
                                          "type": "liability", "member": 1, "floor": 0}),
    "accounts_cash": ("accounts", "", {"code": "assets:cash", "type": "asset"}),
    "accounts_currency": ("accounts", "", {"code": "assets:eur", "type": "asset",
                                           "currency": "EUR", "floor": -5000}),
    "accounts_bad_type": ("accounts", "", {"code": "x", "type": "cash"}),
    "accounts_float_floor": ("accounts", "", '{"code":"x","type":"asset","floor":1.5}'),
    "transactions_transfer": ("transactions", "deposit-1", transfer),
    "transactions_key_field": ("transactions", "", dict(transfer, idempotency_key="k-1")),
    "transactions_key_both": ("transactions", "k-1", dict(transfer, idempotency_key="k-2")),
    "transactions_postings": ("transactions", "split-1", postings),
    "transactions_mixed_forms": ("transactions", "k", dict(postings, amount=5)),
    "transactions_max_amount": ("transactions", "k", dict(transfer, amount=9007199254740991)),
    "transactions_past_max": ("transactions", "k", dict(transfer, amount=9007199254740992)),
    "transactions_exponent": ("transactions", "k",
                              '{"debit_account":2,"credit_account":1,"amount":1e3}'),
    "transactions_deep": ("transactions", "k", '{"metadata":{"a":{"b":[1]}}}'),
    "transactions_duplicate_key": ("transactions", "k",
                                   '{"amount":1,"amount":2,"debit_account":1,"credit_account":2}'),
    "batch_two": ("batch", "", {"transactions": [dict(transfer, idempotency_key="b-1"),
                                                 dict(postings, idempotency_key="b-2")]}),
    "batch_atomic": ("batch", "", {"atomic": True,
                                   "transactions": [dict(transfer, idempotency_key="b-1")]}),
    "batch_repeated_key": ("batch", "", {"transactions": [dict(transfer, idempotency_key="b"),
                                                          dict(transfer, idempotency_key="b")]}),
    "batch_header_key": ("batch", "h", {"transactions": [dict(transfer, idempotency_key="b")]}),
    "batch_empty": ("batch", "", {"transactions": []}),
    "batch_not_object": ("batch", "", {"transactions": [1]}),
    "post_amount": ("post", "post-1", {"amount": 300, "value_date": "2026-11-23"}),
    "post_empty": ("post", "post-1", ""),
    "post_bad_date": ("post", "post-1", {"value_date": "2026-02-30"}),
    "post_negative": ("post", "post-1", {"amount": -1}),
    "void_empty_object": ("void", "void-1", {}),
    "void_key_field": ("void", "", {"idempotency_key": "void-2"}),
    "reverse_memo": ("reverse", "rev-1", {"memo": "entered twice"}),
    "reverse_no_key": ("reverse", "", {"memo": "x"}),
    "close_empty": ("close", "", ""),
    "close_object": ("close", "close-1", {}),
    "tokens_member": ("tokens", "", {"role": "member", "member": 1, "label": "Ada"}),
    "tokens_auditor": ("tokens", "", {"role": "auditor", "label": "external audit"}),
    "tokens_member_without_id": ("tokens", "", {"role": "member"}),
    "tokens_bad_role": ("tokens", "", {"role": "root"}),
    "revoke_empty": ("revoke", "", ""),
    "revoke_field": ("revoke", "", {"reason": "lost"}),
    "not_json": ("members", "", "{display_name: Ada}"),
    "array_body": ("accounts", "", "[1,2]"),
}
for name, (endpoint, key, body) in bodies.items():
    text = body if isinstance(body, str) else json.dumps(body, separators=(",", ":"))
    write("request_body", name, f"{endpoint}\n{key}\n{text}")


# Raw HTTP requests, one route each and the refusals the router gives before any handler.
def request(method, target, token="fuzz-admin", body=None, extra=""):
    head = f"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if token:
        head += f"Authorization: Bearer {token}\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body.encode())}\r\n"
    return head + extra + "\r\n" + (body or "")


raw = {
    "healthz": request("GET", "/healthz", token=None),
    "readyz": request("GET", "/readyz", token=None),
    "openapi": request("GET", "/v1/openapi.json", token=None),
    "checkpoint": request("GET", "/v1/log/checkpoint", token=None),
    "log_key": request("GET", "/v1/log/key", token=None),
    "entries": request("GET", "/v1/log/entries?start=0&limit=10", token="fuzz-auditor"),
    "inclusion": request("GET", "/v1/log/proof/inclusion?seq=3&size=8"),
    "consistency": request("GET", "/v1/log/proof/consistency?from=2&to=8"),
    "receipt": request("GET", "/v1/log/receipt?seq=3", token="fuzz-member"),
    "members_post": request("POST", "/v1/members", body='{"display_name":"Ada"}'),
    "members_list": request("GET", "/v1/members?status=active&limit=2"),
    "me": request("GET", "/v1/me", token="fuzz-member"),
    "member_get": request("GET", "/v1/members/5", token="fuzz-member"),
    "accounts_post": request("POST", "/v1/accounts", body='{"code":"assets:cash","type":"asset"}'),
    "accounts_list": request("GET", "/v1/accounts?owner=5&type=asset&code_prefix=assets%3A"
                                    "&currency=GBP&status=open&limit=5"),
    "account_get": request("GET", "/v1/accounts/12?as_of=4"),
    "statement": request("GET", "/v1/accounts/12/statement?cursor=AAAA&limit=3"),
    "account_transactions": request("GET", "/v1/accounts/12/transactions?limit=3"),
    "close": request("POST", "/v1/accounts/12/close", body=""),
    "transactions_post": request("POST", "/v1/transactions", extra="Idempotency-Key: k-1\r\n",
                                 body='{"debit_account":2,"credit_account":1,"amount":2500}'),
    "batch": request("POST", "/v1/transactions/batch",
                     body='{"transactions":[{"debit_account":2,"credit_account":1,"amount":1,'
                          '"idempotency_key":"b-1"}]}'),
    "transaction_get": request("GET", "/v1/transactions/7", token="fuzz-auditor"),
    "post": request("POST", "/v1/transactions/7/post", extra="Idempotency-Key: p\r\n",
                    body='{"amount":5}'),
    "void": request("POST", "/v1/transactions/7/void", extra="Idempotency-Key: v\r\n", body="{}"),
    "reverse": request("POST", "/v1/transactions/7/reverse", extra="Idempotency-Key: r\r\n",
                       body='{"memo":"oops"}'),
    "tokens": request("POST", "/v1/tokens", body='{"role":"auditor","label":"audit"}'),
    "revoke": request("POST", "/v1/tokens/3/revoke", body=""),
    "trial_balance": request("GET", "/v1/reports/trial-balance?as_of=9", token="fuzz-auditor"),
    "metrics": request("GET", "/metrics"),
    "no_token": request("GET", "/v1/accounts", token=None),
    "unknown_token": request("GET", "/v1/accounts", token="nobody"),
    "member_forbidden": request("GET", "/v1/members", token="fuzz-member"),
    "wrong_method": request("DELETE", "/v1/members/5"),
    "no_route": request("GET", "/v2/nothing"),
    "unknown_query": request("GET", "/v1/log/entries?start=0&verbose=1"),
    "repeated_query": request("GET", "/v1/log/entries?start=0&start=1"),
    "percent_escapes": request("GET", "/v1/accounts?code_prefix=%E2%82%AC+x%2F"),
    "encoded_slash": request("GET", "/v1/members%2F5"),
    "bad_escape": request("GET", "/v1/members/%zz"),
    "wrong_media_type": request("POST", "/v1/members", body="{}").replace(
        "application/json", "text/plain"),
    "chunked": ("POST /v1/members HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer fuzz-admin\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                "5\r\n{\"dis\r\n11\r\nplay_name\":\"Ada\"}\r\n0\r\n\r\n"),
    "too_large_length": request("POST", "/v1/members", body="{}").replace(
        "Content-Length: 2", "Content-Length: 999999"),
    "pipelined": request("GET", "/healthz", token=None) + request("GET", "/v1/me")
    + request("POST", "/v1/members", body="{}"),
    "connection_close": request("GET", "/healthz", token=None, extra="Connection: close\r\n")
    + request("GET", "/readyz", token=None),
    "http10": "GET /healthz HTTP/1.0\r\n\r\n",
    "absolute_target": "GET http://x/healthz HTTP/1.1\r\nHost: x\r\n\r\n",
    "bad_version": "GET /healthz HTTP/2.0\r\n\r\n",
    "head": "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
    "long_header": request("GET", "/healthz", token=None, extra="X-Pad: " + "a" * 8300 + "\r\n"),
    "long_target": request("GET", "/v1/accounts?code_prefix=" + "a" * 2100),
}
for name, text in raw.items():
    write("http_request", name, text)

# Canonical JSON: the RFC 8785 cases that matter for leaves (ordering by UTF-16 code units,
# escapes, integer bounds) and the shapes of real entries.
canonical = {
    "entry_transaction": '{"kind":"transaction","seq":3,"ts":"2026-11-22T20:58:26.904954Z",'
                         '"postings":[{"account":1,"amount":2500},{"account":2,"amount":-2500}],'
                         '"memo":"First deposit","idempotency_key":"deposit-1"}',
    "entry_member": '{"seq":0,"kind":"member_created","ts":"2026-11-22T20:58:26Z","member":1}',
    "utf16_order": '{"\\ue000":1,"\\ud83d\\ude00":2,"a":3,"\\u00e9":4,"A":5,"":6}',
    "escapes": '["\\u0000\\u001f\\b\\t\\n\\f\\r\\"\\\\/\\u007f\\u2028"]',
    "integers": "[0,-0,9007199254740991,-9007199254740991,9007199254740992,1e2,1.0,-1]",
    "nested": '{"b":[{"d":null,"c":true}],"a":{"z":false,"y":[]}}',
    "whitespace": ' { "b" : 1 ,\n\t"a" : [ 1 , 2 ] } ',
    "duplicates": '{"a":1,"a":2}',
    "scalars": '"text"',
    "deep": "[" * 40 + "]" * 40,
    "lone_surrogate": '["\\ud800"]',
    "non_ascii_keys": '{"\\u20ac":1,"\\u00ff":2,"\\uffff":3,"\\ud800\\udc00":4}',
}
for name, text in canonical.items():
    write("canonical_json", name, text)

# Merkle proofs: mode (even inclusion, odd consistency), leaves-1, then the sizes, indices and
# edits the target reads (see merkle_proof_fuzz.cc).
def u64(value):
    return struct.pack(">Q", value)


for leaves in (1, 3, 8, 9, 100, 130):
    for mode in (0, 1):
        for variant, tail in (("genuine", b""),
                              ("flipped", b"\x01\x00\x03\x05\x02"),
                              ("huge_sizes", b"\x00\x00" + u64(2**64 - 1) + u64(2**63))):
            sizes = u64(leaves - 1) + u64(leaves // 2)
            name = f"{'inclusion' if mode == 0 else 'consistency'}_{leaves}_{variant}"
            write("merkle_proof", name, bytes([mode, leaves - 1]) + sizes + tail)
