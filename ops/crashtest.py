#!/usr/bin/env python3
"""Crash safety against the real binary: SIGKILL `pardner serve` under a concurrent HTTPS write
load, restart it on the same data directory, and check that no answered write was lost or
doubled and that nothing unanswered was half-applied. Run through ops/crashtest.

Never trusts the server's own view of what it answered: the client records every request and
every answer, computes the balances those imply, and compares. Python 3 standard library only.

Per cycle: start the server; retry every write left unanswered by the last kill (same key, same
body) until it is answered; check every write answered or retried since the last check (by the
id it was given, and by replaying its key: the same answer, no new entry), every account's
posted and pending totals against the model, the trial balance, the log size (one entry per
applied command, so a doubled or lost write shows), and `pardner verify --url`; then run the
load and SIGKILL the server at a seeded random moment; then `pardner rebuild` on the stopped
data directory. A phase before the cycles sends one key on many connections at once. The server
runs with tiny postings merges, so kills land inside and around them.

The seed fixes the operation mix and the kill delays; thread interleaving and where exactly the
kill lands are the machine's, so a replay repeats the workload, not the exact crash point.
"""

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

ACCOUNT_COUNT = 8            # half assets, half liabilities; no floors, so no refusal depends on order
WORKER_COUNT = 6             # concurrent connections driving the load
KILL_DELAY_S = (0.05, 0.8)   # the SIGKILL lands this long after the load starts
REQUEST_TIMEOUT_S = 30
START_TIMEOUT_S = 30
IDEM_CONNECTIONS = 16        # connections sending one key at once
IDEM_ROUNDS = 4
MISSING_ACCOUNT = 10_000_000  # an id no account has: a deterministic refusal (404 not_found)
# The writer merges recent postings into the table clustered by account between batches, in
# steps that are each a transaction of their own. Far smaller than the default (65,536), so that
# the kills land inside and around merges many times a cycle; a merge of 24 entries' postings in
# steps of 5 spans several gaps between batches, so kills land between its steps too.
POSTINGS_MERGE_ENTRIES = 24
POSTINGS_MERGE_STEP = 5


class Violation(Exception):
    """A broken crash-safety promise. The message names it."""


class Unanswered(Exception):
    """The connection failed before a whole answer arrived: the outcome is unknown."""


# --- HTTPS ------------------------------------------------------------------------------------

class Client:
    """One keep-alive HTTPS connection with the admin token."""

    def __init__(self, port, context, token):
        self.port, self.context, self.token = port, context, token
        self.conn = None

    def request(self, method, path, body=None, key=None):
        """Returns (status, parsed JSON or text). Raises Unanswered if no whole answer came."""
        headers = {"Authorization": "Bearer " + self.token}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if key is not None:
            headers["Idempotency-Key"] = key
        try:
            if self.conn is None:
                self.conn = http.client.HTTPSConnection(
                    "127.0.0.1", self.port, context=self.context, timeout=REQUEST_TIMEOUT_S)
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            raw = response.read()
            status = response.status
            if response.will_close:
                self.close()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise Unanswered(f"{method} {path}: {type(error).__name__}: {error}") from None
        if status >= 500:
            # 503 (queue full, shutting down) and friends: the writer did not take it, or we
            # cannot know; the write is retried like one that got no answer.
            raise Unanswered(f"{method} {path}: {status}")
        text = raw.decode()
        kind = response.getheader("Content-Type", "")
        return status, (json.loads(text) if "json" in kind else text)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


# --- the model --------------------------------------------------------------------------------

class Op:
    """One write as the client sent it, and what it learnt. `outcome` is None while unanswered."""

    def __init__(self, kind, path, body, key=None, pending_op=None):
        self.kind = kind              # transfer, pending, post, void, batch, atomic
        self.path, self.body, self.key = path, body, key
        self.pending_op = pending_op  # for post/void: the op that made the pending transaction
        self.outcome = None           # (status, json) of the first answer
        self.retried = False
        self.resolved_by = None       # for a pending op: the post/void op that settled it

    def name(self):
        return f"{self.kind} {self.key or self.body['transactions'][0]['idempotency_key']}"


def transfer_postings(body):
    if "postings" in body:
        return [(p["account"], p["amount"]) for p in body["postings"]]
    return [(body["debit_account"], body["amount"]), (body["credit_account"], -body["amount"])]


def names_missing_account(body):
    return any(account == MISSING_ACCOUNT for account, _ in transfer_postings(body))


def item_applied(status):
    return status in (200, 201)


class Model:
    """The ledger the answers imply: per account, posted and pending debits and credits."""

    def __init__(self, accounts):
        self.accounts = accounts

    def totals(self, ops):
        totals = {a: [0, 0, 0, 0] for a in self.accounts}  # debits/credits posted, pending

        def add(postings, pending, sign=1):
            for account, amount in postings:
                column = (2 if pending else 0) + (0 if amount > 0 else 1)
                totals[account][column] += sign * abs(amount)

        for op in ops:
            status, answer = op.outcome
            if op.kind == "transfer" and item_applied(status):
                add(transfer_postings(op.body), pending=False)
            elif op.kind == "pending" and item_applied(status):
                postings = transfer_postings(op.body)
                settle = op.resolved_by
                if settle is None or not item_applied(settle.outcome[0]):
                    add(postings, pending=True)
                elif settle.kind == "post":
                    amount = settle.body.get("amount")
                    if amount is not None:
                        postings = [(a, amount if x > 0 else -amount) for a, x in postings]
                    add(postings, pending=False)
            elif op.kind in ("batch", "atomic") and status in (200, 201):
                for item, result in zip(op.body["transactions"], answer["results"]):
                    if item_applied(result["status"]):
                        add(transfer_postings(item), pending=False)
        return totals

    @staticmethod
    def entries(ops):
        """How many log entries the applied commands made: one each. A retried write that had
        committed answers 200 (a replay) and still made exactly one."""
        count = 0
        for op in ops:
            status, answer = op.outcome
            if op.kind in ("batch", "atomic"):
                if status in (200, 201):
                    count += sum(1 for r in answer["results"] if item_applied(r["status"]))
            elif item_applied(status):
                count += 1
        return count


# --- the load ---------------------------------------------------------------------------------

class Load:
    """The operations of every cycle, recorded in the order they were created."""

    def __init__(self, accounts):
        self.accounts = accounts
        self.ops = []
        self.lock = threading.Lock()
        self.open_pendings = []  # answered pending ops not yet posted or voided
        self.key_count = 0

    def new_key(self, tag):
        with self.lock:
            self.key_count += 1
            return f"crash-{tag}-{self.key_count}"

    def record(self, op):
        with self.lock:
            self.ops.append(op)
        return op

    def take_open_pending(self, rng):
        with self.lock:
            if not self.open_pendings:
                return None
            return self.open_pendings.pop(rng.randrange(len(self.open_pendings)))

    def random_transfer(self, rng, allow_missing=False):
        debit, credit = rng.sample(self.accounts, 2)
        if allow_missing:
            credit = MISSING_ACCOUNT
        amount = rng.randint(2, 100_000)
        if rng.random() < 0.5:
            return {"debit_account": debit, "credit_account": credit, "amount": amount}
        third = rng.choice([a for a in self.accounts if a not in (debit, credit)])
        part = rng.randint(1, amount - 1)  # no posting of zero
        return {"postings": [{"account": debit, "amount": amount},
                             {"account": credit, "amount": -part},
                             {"account": third, "amount": part - amount}],
                "memo": "three-way"}

    def run_worker(self, client, rng, stop):
        """Sends writes until the connection fails or `stop` is set."""
        while not stop.is_set():
            roll = rng.random()
            if roll < 0.35:
                op = Op("transfer", "/v1/transactions", self.random_transfer(rng),
                        self.new_key("t"))
            elif roll < 0.5:
                op = self.batch_op(rng, atomic=False)
            elif roll < 0.65:
                op = self.batch_op(rng, atomic=True)
            else:
                pending = self.take_open_pending(rng)
                if pending is None or rng.random() < 0.4:
                    debit, credit = rng.sample(self.accounts, 2)
                    amount = rng.randint(2, 100_000)
                    body = {"postings": [{"account": debit, "amount": amount},
                                         {"account": credit, "amount": -amount}],
                            "pending": True}
                    op = Op("pending", "/v1/transactions", body, self.new_key("p"))
                else:
                    op = self.settle_op(rng, pending)
            self.record(op)
            try:
                op.outcome = client.request("POST", op.path, op.body, op.key)
            except Unanswered:
                return  # the server is gone; the op stays unanswered until the retry
            self.after_answer(op)

    def batch_op(self, rng, atomic):
        items = []
        bad = rng.randrange(8) if rng.random() < 0.25 else -1  # one refused item
        for i in range(rng.randint(2, 8)):
            item = self.random_transfer(rng, allow_missing=(i == bad))
            item["idempotency_key"] = self.new_key("a" if atomic else "b")
            items.append(item)
        body = {"transactions": items}
        if atomic:
            body["atomic"] = True
        return Op("atomic" if atomic else "batch", "/v1/transactions/batch", body)

    def settle_op(self, rng, pending):
        pid = pending.outcome[1]["id"]
        if rng.random() < 0.5:
            return Op("void", f"/v1/transactions/{pid}/void", {}, self.new_key("v"), pending)
        body = {}
        if rng.random() < 0.5:
            full = pending.body["postings"][0]["amount"]
            body["amount"] = rng.randint(1, full - 1)  # a partial post
        return Op("post", f"/v1/transactions/{pid}/post", body, self.new_key("s"), pending)

    def after_answer(self, op):
        """Bookkeeping once an op has its (first or retried) answer."""
        status = op.outcome[0]
        if op.kind == "pending" and status in (200, 201):
            with self.lock:
                self.open_pendings.append(op)
        elif op.kind in ("post", "void") and status == 200:
            op.pending_op.resolved_by = op


# --- checks -----------------------------------------------------------------------------------

def expect(condition, message):
    if not condition:
        raise Violation(message)


def check_first_answer(op):
    """Every write we send is valid except the deliberate missing-account items."""
    status, answer = op.outcome
    if op.kind == "batch":
        expect(status == 200, f"{op.name()}: batch answered {status}: {answer}")
        for item, result in zip(op.body["transactions"], answer["results"]):
            wanted = (404,) if names_missing_account(item) else (200, 201)
            expect(result["status"] in wanted, f"{op.name()}: item answered {result}")
    elif op.kind == "atomic":
        has_bad = any(names_missing_account(i) for i in op.body["transactions"])
        statuses = {r["status"] for r in answer["results"]}
        if has_bad:
            expect(status == 404 and statuses <= {404, 424},
                   f"{op.name()}: atomic batch with a missing account answered {status}: {answer}")
        else:
            # All fresh, all replayed (a retry after a commit whose answer was lost), never mixed:
            # a mixture would mean the group was half-applied.
            expect(status in (200, 201) and len(statuses) == 1 and statuses <= {200, 201},
                   f"{op.name()}: atomic batch half-applied or refused: {status} {answer}")
    else:
        expect(status in (200, 201), f"{op.name()}: answered {status}: {answer}")


def same_result(first, again):
    """A replay answers what the first answer said (a 201 becomes a 200)."""
    (s1, a1), (s2, a2) = first, again
    if s1 in (200, 201):
        return s2 == 200 and a2.get("id") == a1.get("id") and a2.get("seq") == a1.get("seq")
    return s2 == s1 and a2.get("code") == a1.get("code")


def item_outcome(result):
    """A batch item's result as (status, answer): its id and seq, or its problem."""
    return result["status"], (result if item_applied(result["status"]) else result["problem"])


def answer_ids(status, answer):
    """What a replay must repeat: the id and seq, or each batch item's."""
    if "results" in answer:
        return [(r.get("id"), r.get("seq")) for r in answer["results"]]
    return answer.get("id"), answer.get("seq")


class Checker:
    def __init__(self, args, work, load, accounts):
        self.args, self.work, self.load, self.accounts = args, work, load, accounts
        self.model = Model(accounts)
        self.setup_entries = 0
        self.phase_ops = []  # writes of the idempotency phase: in the model, checked there
        self.postings_merges = 0  # finished by the servers before their kills, from /metrics
        self.verified = 0
        self.retried = 0
        self.retried_found = 0  # retries whose write had committed before the kill

    def retry_unanswered(self, client):
        """Sends every unanswered write again, same key and body, in the order they were made."""
        for op in self.load.ops:
            if op.outcome is not None:
                continue
            for _ in range(50):
                try:
                    op.outcome = client.request("POST", op.path, op.body, op.key)
                    break
                except Unanswered:
                    time.sleep(0.1)  # 503 while the writer catches up
            expect(op.outcome is not None, f"{op.name()}: the retry got no answer")
            op.retried = True
            self.retried += 1
            if op.outcome[0] == 200 and op.kind not in ("post", "void"):
                self.retried_found += 1  # it had committed before the kill: the replay says so
            self.load.after_answer(op)
            check_first_answer(op)

    def check_ops(self, client, ops):
        """Each op is where its answer says, and replaying its key changes nothing."""
        for op in ops:
            status, answer = op.outcome
            if op.kind in ("transfer", "pending") and item_applied(status):
                self.check_transaction(client, op, answer)
            elif op.kind in ("post", "void"):
                status_now, txn = client.request("GET", f"/v1/transactions/{answer['id']}")
                expect(status_now == 200 and txn.get("resolved_seq") == answer["seq"],
                       f"{op.name()}: transaction {answer['id']} shows {txn}, "
                       f"not resolved by seq {answer['seq']}")
                wanted = "posted" if op.kind == "post" else "voided"
                expect(txn["status"] == wanted, f"{op.name()}: status {txn['status']}")
            elif op.kind in ("batch", "atomic") and status in (200, 201):
                for item, result in zip(op.body["transactions"], answer["results"]):
                    if item_applied(result["status"]):
                        self.check_transaction(client, op, result, item)
            again = client.request("POST", op.path, op.body, op.key)
            if op.kind in ("batch", "atomic") and status in (200, 201):
                expect(again[0] == 200 and len(again[1]["results"]) == len(answer["results"]),
                       f"{op.name()}: the replay answered {again}")
                for first, later in zip(answer["results"], again[1]["results"]):
                    expect(same_result(item_outcome(first), item_outcome(later)),
                           f"{op.name()}: item {first} replayed as {later}")
            elif op.kind == "atomic":
                expect(again[0] == status, f"{op.name()}: refused group replayed as {again}")
            else:
                expect(same_result(op.outcome, again),
                       f"{op.name()}: first answer {op.outcome}, the replay {again}")
            self.verified += 1

    def check_transaction(self, client, op, answer, body=None):
        body = body or op.body
        status, txn = client.request("GET", f"/v1/transactions/{answer['id']}")
        expect(status == 200, f"{op.name()}: answered id {answer['id']} is missing: {txn}")
        expect(txn["seq"] == answer["seq"], f"{op.name()}: id {answer['id']} has seq "
               f"{txn['seq']}, the answer said {answer['seq']}")
        if op.kind == "pending" and txn["status"] != "pending":
            return  # settled: the post/void op checks it
        wanted = sorted(transfer_postings(body))
        shown = sorted((p["account"], p["amount"]) for p in txn["postings"])
        expect(shown == wanted, f"{op.name()}: id {answer['id']} postings {shown}, sent {wanted}")

    def check_state(self, client, port):
        """Balances, trial balance and log size against the model; the live log verifies."""
        status, listing = client.request("GET", "/v1/accounts?limit=1000")
        expect(status == 200, f"account list answered {status}")
        shown = {a["id"]: a for a in listing["accounts"]}
        every_op = self.phase_ops + self.load.ops
        for account, want in self.model.totals(every_op).items():
            got = shown[account]
            have = [got["debits_posted"], got["credits_posted"],
                    got["debits_pending"], got["credits_pending"]]
            expect(have == want, f"account {account}: debits/credits posted, pending are {have}; "
                   f"the answered writes imply {want}")
        status, trial = client.request("GET", "/v1/reports/trial-balance")
        for currency in trial["currencies"]:
            expect(currency["debits"] == currency["credits"], f"trial balance: {currency}")
        status, checkpoint = client.request("GET", "/v1/log/checkpoint")
        size = int(checkpoint.split("\n")[1])
        wanted = self.setup_entries + self.model.entries(every_op)
        expect(size == wanted, f"the log holds {size} entries; the answered writes imply "
               f"{wanted} (a write lost or applied twice)")
        self.run_tool(["verify", "--url", f"https://127.0.0.1:{port}", "--cacert",
                       self.tls_crt(), "--key", os.path.join(self.data(), "verifier.key"),
                       "--quiet"], env_token=True)
        return size

    def data(self):
        return os.path.join(self.work, "var")

    def tls_crt(self):
        return os.path.join(self.data(), "tls.crt")

    def run_tool(self, arguments, env_token=False):
        env = dict(os.environ)
        if env_token:
            with open(os.path.join(self.data(), "admin.token")) as f:
                env["PARDNER_TOKEN"] = f.read().strip()
        done = subprocess.run([self.args.pardner] + arguments, env=env,
                              capture_output=True, text=True)
        expect(done.returncode == 0, f"pardner {arguments[0]} exited {done.returncode}: "
               f"{done.stdout[-2000:]}{done.stderr[-2000:]}")


# --- the server -------------------------------------------------------------------------------

class Server:
    def __init__(self, pardner, work):
        self.pardner, self.work = pardner, work
        self.process = None
        self.port = None

    def start(self):
        out = os.path.join(self.work, "serve.out")
        with open(out, "w") as stdout, open(os.path.join(self.work, "serve.err"), "w") as err:
            self.process = subprocess.Popen(
                [self.pardner, "serve", "--data", os.path.join(self.work, "var"),
                 "--listen", "127.0.0.1:0",
                 "--postings-merge-entries", str(POSTINGS_MERGE_ENTRIES),
                 "--postings-merge-step", str(POSTINGS_MERGE_STEP)],
                stdout=stdout, stderr=err)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            with open(out) as f:
                for line in f:
                    if '"listening"' in line:
                        self.port = int(json.loads(line)["listening"].rsplit(":", 1)[1])
                        return self.port
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        with open(os.path.join(self.work, "serve.err")) as f:
            raise Violation(f"the server did not start (exit {self.process.poll()}): "
                            f"{f.read()[-2000:]}")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.process = None

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=30)
        self.process = None
        expect(code == 0, f"the server exited {code} on SIGTERM")


# --- idempotency under concurrency ------------------------------------------------------------

def idempotency_phase(port, context, token, accounts, checker):
    """One key on IDEM_CONNECTIONS connections at once: exactly one entry. Same body: every
    answer names the same transaction. Different bodies: one wins, the others get 409."""
    for round_index in range(IDEM_ROUNDS):
        for variant in ("same-body", "other-bodies", "batch"):
            key = f"idem-{variant}-{round_index}"
            barrier = threading.Barrier(IDEM_CONNECTIONS, timeout=30)
            answers = [None] * IDEM_CONNECTIONS
            clients = [Client(port, context, token) for _ in range(IDEM_CONNECTIONS)]

            def send(i):
                amount = 100 + (i if variant == "other-bodies" else 0)
                body = {"debit_account": accounts[0], "credit_account": accounts[1],
                        "amount": amount}
                path, header_key = "/v1/transactions", key
                if variant == "batch":
                    body = {"transactions": [dict(body, idempotency_key=key + "-x"),
                                             dict(body, idempotency_key=key + "-y")],
                            "atomic": True}
                    path, header_key = "/v1/transactions/batch", None
                clients[i].request("GET", "/healthz")  # handshake before the barrier
                barrier.wait()
                answers[i] = (clients[i].request("POST", path, body, header_key), amount)

            before = log_size(clients[0])
            threads = [threading.Thread(target=send, args=(i,)) for i in range(IDEM_CONNECTIONS)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            for c in clients:
                c.close()
            expect(all(a is not None for a in answers), f"{key}: a request got no answer")
            created = [a for a in answers if a[0][0] == 201]
            expect(len(created) == 1, f"{key}: {len(created)} answers were 201, not one")
            winner = answer_ids(*created[0][0])
            for (status, answer), _ in answers:
                if status == 200:
                    expect(answer_ids(status, answer) == winner,
                           f"{key}: a replay answered {answer}, not {winner}")
                else:
                    # A clear 409 is allowed while the first is in flight (the single writer
                    # settles keys in order, so today the same body always replays).
                    expect(status == 201 or (status == 409 and
                                             answer.get("code") == "idempotency_conflict"),
                           f"{key}: answered {status}: {answer}")
            grew = log_size(clients[0]) - before
            wanted = 2 if variant == "batch" else 1
            expect(grew == wanted, f"{key}: the log grew by {grew} entries, not {wanted}")
            # The model learns the winner as a transfer of its own (balances, entries).
            winner_amount = next(amount for ((status, _), amount) in answers if status == 201)
            for _ in range(wanted):
                op = Op("transfer", "/v1/transactions",
                        {"debit_account": accounts[0], "credit_account": accounts[1],
                         "amount": winner_amount})
                op.outcome = (201, {})
                checker.phase_ops.append(op)


def postings_merges_finished(port, context, token):
    """The server's postings merges finished since it started, from /metrics; None
    when it does not answer (the load may have it busy: the count is for the report only)."""
    client = Client(port, context, token)
    try:
        status, text = client.request("GET", "/metrics")
    except Unanswered:
        return None
    finally:
        client.close()
    if status != 200:
        return None
    found = {}
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if name == "pardner_postings_merges_total":
            found[name] = int(float(value))
    return found.get("pardner_postings_merges_total", 0)


def log_size(client):
    status, checkpoint = client.request("GET", "/v1/log/checkpoint")
    return int(checkpoint.split("\n")[1])


# --- main -------------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cycles", type=int, default=5)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--pardner", default="build/api/pardner")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    args.pardner = os.path.abspath(args.pardner)
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    print(f"crashtest: seed {seed}, {args.cycles} cycles (replay: --seed {seed})", flush=True)

    work = tempfile.mkdtemp(prefix="pardner-crashtest-")
    started = time.monotonic()
    server = Server(args.pardner, work)
    checker = None
    try:
        checker, cycles = run(args, seed, work, server)
    except (Violation, Unanswered) as violation:
        # Unanswered here means the server stopped answering outside a kill: a crash of its own.
        print(f"crashtest: VIOLATION (seed {seed}): {violation}", file=sys.stderr)
        print(f"crashtest: work directory kept: {work}", file=sys.stderr)
        return 1
    finally:
        if server.process is not None:
            server.kill()
    elapsed = time.monotonic() - started
    ops = checker.load.ops
    answered = sum(1 for op in ops if not op.retried)
    print(f"crashtest: passed: {cycles} kill cycles, {len(ops)} writes "
          f"({answered} answered, {checker.retried} unanswered and retried after a kill, "
          f"{checker.retried_found} of those had committed), "
          f"{checker.verified} checks of a write by id and key replay, "
          f"{checker.final_size} log entries, at least {checker.postings_merges} postings merges "
          f"finished between kills, "
          f"{elapsed:.0f} s (seed {seed})")
    if not args.keep:
        shutil.rmtree(work)
    return 0


def run(args, seed, work, server):
    data = os.path.join(work, "var")
    subprocess.run([args.pardner, "init", "--data", data], check=True, capture_output=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", os.path.join(data, "tls.key"), "-out", os.path.join(data, "tls.crt")],
                   check=True, capture_output=True)
    os.chmod(os.path.join(data, "tls.key"), 0o600)
    with open(os.path.join(data, "admin.token")) as f:
        token = f.read().strip()
    context = ssl.create_default_context(cafile=os.path.join(data, "tls.crt"))

    port = server.start()
    client = Client(port, context, token)
    accounts = []
    for i in range(ACCOUNT_COUNT):
        kind = "asset" if i % 2 == 0 else "liability"
        status, answer = client.request("POST", "/v1/accounts",
                                        {"code": f"crash:{kind}:{i}", "type": kind})
        expect(status == 201, f"opening an account answered {status}: {answer}")
        accounts.append(answer["id"])
    load = Load(accounts)
    checker = Checker(args, work, load, accounts)
    checker.setup_entries = log_size(client)
    client.close()
    idempotency_phase(port, context, token, accounts, checker)
    print(f"crashtest: idempotency under concurrency: {IDEM_ROUNDS * 3} keys, each sent on "
          f"{IDEM_CONNECTIONS} connections at once, one effect each", flush=True)

    rng = random.Random(seed)
    checked = 0  # ops before this index have been checked
    cycle = 0
    while True:
        client = Client(port, context, token)
        checker.retry_unanswered(client)
        checker.check_ops(client, load.ops[checked:])
        checked = len(load.ops)
        checker.final_size = checker.check_state(client, port)
        client.close()
        print(f"crashtest: cycle {cycle}: {len(load.ops)} writes, {checker.retried} retried, "
              f"log size {checker.final_size}", flush=True)
        if cycle == args.cycles:
            break
        cycle += 1

        stop = threading.Event()
        workers = []
        for w in range(WORKER_COUNT):
            worker_rng = random.Random(rng.getrandbits(64))
            c = Client(port, context, token)
            workers.append((threading.Thread(target=load.run_worker,
                                             args=(c, worker_rng, stop)), c))
        delay = rng.uniform(*KILL_DELAY_S)
        for t, _ in workers:
            t.start()
        time.sleep(delay)
        # Just before the kill: how many merges this server life finished.
        merges = postings_merges_finished(port, context, token)
        if merges is not None:
            checker.postings_merges += merges
        server.kill()
        stop.set()
        for t, c in workers:
            t.join()
            c.close()
        for op in load.ops[checked:]:
            if op.outcome is not None:
                check_first_answer(op)
        checker.run_tool(["rebuild", "--data", data])  # the server is down: the file at rest
        port = server.start()

    # A clean stop, then the file at rest must still replay to the same state.
    server.stop()
    checker.run_tool(["rebuild", "--data", data])
    return checker, cycle


if __name__ == "__main__":
    sys.exit(main())
