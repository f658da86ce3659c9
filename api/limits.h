// Every bound the HTTPS layer enforces, in one place. Each is tested at the limit and one past
// it (tests/api/ without sockets where the bound lives in plain code, tests/e2e/ where only the
// real server enforces it). Relations between them are static_asserts below.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ledger/limits.h"

namespace pardner::api {

// Connections. Past connections_max a connection is answered 503 too_many_connections and
// closed; past refused_connections_max more on top it is closed at once, unanswered.
inline constexpr std::size_t connections_max = 256;
inline constexpr std::size_t refused_connections_max = 16;
// Connections one source address (an IPv6 client's /64) may have in their TLS handshake at
// once; past it a new one from there is closed at once, unanswered. A client finishes a
// handshake in milliseconds, so even an office behind one NAT address rarely has more than a
// few in flight, while a client that opens connections and never starts TLS could otherwise
// hold every place for handshake_timeout_ms and renew them. At the cap, a newcomer takes the
// place of a connection still in its handshake, which is closed: the oldest from the address
// with the most connections in their handshakes, if the newcomer's address has none in its
// handshake or at least two fewer (ConnectionTracker::admit); at most
// evicted_connections_max of those may still be closing (each keeps its socket until its
// I/O thread runs the close, usually microseconds later, but a burst of arrivals on a busy
// machine can get ahead of it), bounding how far past connections_max the sockets held go.
inline constexpr std::size_t handshakes_per_address_max = 16;
inline constexpr std::size_t evicted_connections_max = 64;
// I/O threads, each with its own ledger::Reader (a Reader is single-threaded).
inline constexpr std::size_t io_threads_count = 2;

// One request: the request line and headers, the target, the query, the body.
inline constexpr std::size_t header_bytes_max = 8 * 1024;
inline constexpr std::size_t target_bytes_max = 2 * 1024;
inline constexpr std::size_t query_params_max = 16;
inline constexpr std::size_t path_segments_max = 16;
// The largest body any route takes (the transaction batch's; the session's parser starts with
// it and narrows to the route's once the headers are read), and the limit for requests that
// match no route (they are read, then answered 404 or 405, so the connection stays usable).
inline constexpr std::size_t body_bytes_max = 4 * 1024 * 1024;
inline constexpr std::size_t unrouted_body_bytes_max = 64 * 1024;
// Routes that only read take no body.
inline constexpr std::size_t read_body_bytes_max = 0;
// A problem's detail quotes at most this much of a name the client sent (an unknown field or
// query parameter), cut on a character boundary so the answer stays valid UTF-8.
inline constexpr std::size_t quoted_name_bytes_max = 64;
// Bearer tokens (RFC 6750 b64token characters).
inline constexpr std::size_t token_bytes_max = 256;

// Pipelined requests a connection may have waiting for their responses; past it the session
// stops reading until the oldest response is written.
inline constexpr std::size_t response_queue_max = 8;

// Deadlines, on every operation.
inline constexpr std::int64_t handshake_timeout_ms = 10'000;
inline constexpr std::int64_t idle_timeout_ms = 30'000;  // waiting for the next request
inline constexpr std::int64_t body_timeout_ms = 30'000;  // reading one request's body
inline constexpr std::int64_t write_timeout_ms = 30'000;
inline constexpr std::int64_t tls_shutdown_timeout_ms = 2'000;
// After a connection refused mid-request (413, 431, 400, 503) has sent its close_notify, what
// the client still sends is read and discarded for at most this long and this much: closing a
// socket with unread data sends a TCP reset, which can destroy the answer in flight.
inline constexpr std::int64_t drain_timeout_ms = 1'000;
inline constexpr std::size_t drain_bytes_max = 1024 * 1024;
// How long a stopping server lets in-flight requests finish before closing what is left, and
// how long it then waits for the closed connections to go.
inline constexpr std::int64_t shutdown_grace_ms = 10'000;
inline constexpr std::int64_t shutdown_abort_wait_ms = 5'000;

// Write bodies. Members and accounts are flat objects of short fields (a string may be sent
// with every byte escaped as \u00XX, six bytes each); transactions take the largest body.
inline constexpr std::size_t member_body_bytes_max = 8 * 1024;
inline constexpr std::size_t account_body_bytes_max = 4 * 1024;
inline constexpr std::size_t transaction_body_bytes_max = 64 * 1024;
// POST /v1/transactions/batch: 1..batch_transactions_max transactions, each answered on its own
// (or all applied atomically). Not room for 1,000 of the largest single bodies (64 MiB a request,
// on each of connections_max connections): an item's share is 4 KiB, which holds a transfer
// whose memo and key are sent with every byte escaped, or a transaction of a few dozen postings
// with a memo and metadata. Bigger transactions go to POST /v1/transactions one at a time.
inline constexpr std::size_t batch_transactions_max = 1000;
inline constexpr std::size_t batch_item_bytes_share = 4 * 1024;
inline constexpr std::size_t batch_body_bytes_max = body_bytes_max;
// Actions on one resource (post, void, reverse, close, revoke): a flat object of at most a memo,
// an amount, a date and an idempotency key; the body may also be empty.
inline constexpr std::size_t action_body_bytes_max = 4 * 1024;
// Loan routes (POST /v1/loan-funds, .../products, /v1/loans and the actions on a loan): flat
// objects of ids, amounts, short names, a date, a reference text and a key; a disbursement also
// names its approval entries, at most one per admin of the largest quorum.
inline constexpr std::size_t loan_body_bytes_max = 4 * 1024;
inline constexpr std::size_t approval_seqs_max = ledger::loan_approval_quorum_max;
// A loan body is flat, or object -> approval_seqs.
inline constexpr std::size_t loan_body_depth_max = 2;
// The wire names of loan terms ("declining_balance", "with_instalments", ...).
inline constexpr std::size_t loan_term_name_bytes_max = 32;
// Pool and round routes (api/handlers/pools.cc, rounds.cc). Flat bodies (a pool, a
// contribution, a distribution, a close) hold ids, an amount, a reference text and a key. A
// policy is object -> shares -> share, a round object -> candidates -> candidate, a ballot
// object -> ballot -> line; each list is bounded by the ledger's own maximum before any item is
// read, and each item's text by ledger::pool_text_bytes_max.
inline constexpr std::size_t pool_body_bytes_max = 4 * 1024;
inline constexpr std::size_t pool_policy_body_bytes_max = 64 * 1024;
inline constexpr std::size_t round_body_bytes_max = 128 * 1024;
inline constexpr std::size_t vote_body_bytes_max = 8 * 1024;
inline constexpr std::size_t pool_list_body_depth_max = 3;
inline constexpr std::size_t policy_shares_max = ledger::pool_policy_shares_max;
inline constexpr std::size_t round_candidates_max = ledger::round_candidates_max;
inline constexpr std::size_t ballot_lines_max = ledger::round_candidates_max;
// The wire names of round rules and tie-breaks ("winner_takes_all", "split_equally"), and a
// voting window's bound: RFC 3339 UTC, "2026-11-22T19:31:00Z" or with six fractional digits.
inline constexpr std::size_t round_term_name_bytes_max = 32;
inline constexpr std::size_t timestamp_bytes_max = 27;
// POST /v1/dividends (api/handlers/dividends.cc): a flat body of ids, an amount or a rate, a
// cut-off seq, two account code prefixes (ledger::dividend_prefix_bytes_max each) and a key.
inline constexpr std::size_t dividend_body_bytes_max = 4 * 1024;
// POST /v1/tokens: {role, member?, label?}.
inline constexpr std::size_t token_body_bytes_max = 1024;
// A token's label (the ledger refuses a longer one too) and a role's name.
inline constexpr std::size_t token_label_bytes_max = 100;
inline constexpr std::size_t role_bytes_max = 16;
// JSON nesting: flat bodies are one object; a transaction is object -> postings -> posting
// (or object -> metadata).
inline constexpr std::size_t flat_body_depth_max = 1;
inline constexpr std::size_t transaction_body_depth_max = 3;
// A batch: object -> "transactions" -> one transaction's body, its own levels below.
inline constexpr std::size_t batch_body_depth_max = transaction_body_depth_max + 2;
// Short strings the ledger parses itself: an account type's name, an ISO 4217 code, a date.
inline constexpr std::size_t account_type_bytes_max = 16;
inline constexpr std::size_t currency_bytes_max = 3;
inline constexpr std::size_t value_date_bytes_max = 10;  // YYYY-MM-DD

// GET /v1/log/entries without ?limit=.
inline constexpr std::size_t entries_page_default = 100;
// GET /v1/accounts/{id}/statement without ?limit=, and the longest ?cursor= it takes.
inline constexpr std::size_t statement_page_default = 100;
inline constexpr std::size_t statement_cursor_chars_max = 64;
// GET /v1/members, /v1/accounts and /v1/accounts/{id}/transactions without ?limit=, the longest
// ?cursor= they take, and the longest status filter (account code prefixes are bounded by
// ledger::account_code_bytes_max, types by account_type_bytes_max, currencies by
// currency_bytes_max).
inline constexpr std::size_t list_page_default = 100;
inline constexpr std::size_t list_cursor_chars_max = 64;
inline constexpr std::size_t status_bytes_max = 16;

// The HTTPS client (api/https_client.h) that `export --url` and `verify --url` use: a deadline
// for connecting with the handshake and one for each whole response, and bounds on what a
// response may make it hold, so a stuck or hostile server cannot hang it or exhaust memory.
inline constexpr std::int64_t https_client_timeout_ms = 30'000;
inline constexpr std::size_t https_response_header_bytes_max = 16 * 1024;
inline constexpr std::size_t https_response_body_bytes_max = 64 * 1024 * 1024;
// Entries asked for per GET /v1/log/entries page by the remote log reader. A leaf is the
// canonical form of one command plus the fields the engine adds; the largest is a transaction,
// whose fields the ledger's limits keep within transaction_body_bytes_max whichever route (the
// single endpoint or a batch item) carried it, so well under twice that. Base64 grows it by 4/3
// and the page's JSON adds little: a full page of the largest entries fits the response bound.
inline constexpr std::size_t remote_entries_page = 256;

static_assert(remote_entries_page <= ledger::entries_page_max);
static_assert(remote_entries_page * (2 * transaction_body_bytes_max) / 3 * 4 + 1024 * 1024 <
              https_response_body_bytes_max);
static_assert(target_bytes_max < header_bytes_max);
static_assert(read_body_bytes_max <= body_bytes_max);
static_assert(entries_page_default <= ledger::entries_page_max);
static_assert(response_queue_max >= 1);
static_assert(member_body_bytes_max <= body_bytes_max);
static_assert(account_body_bytes_max <= body_bytes_max);
static_assert(transaction_body_bytes_max <= body_bytes_max);
static_assert(unrouted_body_bytes_max <= body_bytes_max);
static_assert(batch_body_bytes_max <= body_bytes_max);
// Every item's share, with room left for the envelope ({"atomic":false,"transactions":[...]}).
static_assert(batch_transactions_max * batch_item_bytes_share + 64 <= batch_body_bytes_max);
// A transfer at its limits fits its share: ids and amount, a memo and a key of \u00XX escapes.
static_assert(3 * 32 + 6 * (ledger::memo_bytes_max + ledger::idempotency_key_bytes_max) + 128 <=
              batch_item_bytes_share);
// One batch is one writer group: atomic mode applies it inside one batch, never split.
static_assert(batch_transactions_max <= ledger::atomic_group_commands_max);
static_assert(batch_transactions_max <= ledger::writer_queue_commands_max);
static_assert(6 * (ledger::display_name_bytes_max + ledger::contact_bytes_max) + 64 <
              member_body_bytes_max);
static_assert(6 * ledger::account_code_bytes_max + 256 < account_body_bytes_max);
static_assert(action_body_bytes_max <= body_bytes_max);
static_assert(loan_body_bytes_max <= body_bytes_max);
// The longest loan body: an application's purpose and key sent as \u00XX escapes, with its ids,
// amount and names; a disbursement's seqs of up to 20 digits each.
static_assert(6 * (ledger::loan_text_bytes_max + ledger::idempotency_key_bytes_max) + 512 <
              loan_body_bytes_max);
static_assert(approval_seqs_max * 21 + 6 * ledger::idempotency_key_bytes_max + 256 <
              loan_body_bytes_max);
static_assert(6 * (ledger::memo_bytes_max + ledger::idempotency_key_bytes_max) + 128 <
              action_body_bytes_max);
static_assert(6 * (token_label_bytes_max + role_bytes_max) + 64 < token_body_bytes_max);
// Pools and rounds: every text and key sent as \u00XX escapes, with room for ids and amounts.
static_assert(6 * (ledger::pool_text_bytes_max + ledger::idempotency_key_bytes_max) + 512 <
              pool_body_bytes_max);
static_assert(policy_shares_max * (6 * ledger::pool_text_bytes_max + 128) +
                  6 * ledger::idempotency_key_bytes_max + 128 <
              pool_policy_body_bytes_max);
static_assert(round_candidates_max * (6 * ledger::pool_text_bytes_max + 128) +
                  6 * ledger::idempotency_key_bytes_max + 1024 <
              round_body_bytes_max);
static_assert(ballot_lines_max * 64 + 6 * ledger::idempotency_key_bytes_max + 128 <
              vote_body_bytes_max);
static_assert(round_body_bytes_max <= body_bytes_max);
// A dividend: both prefixes and the key sent as \u00XX escapes, with room for ids and amounts.
static_assert(6 * (2 * ledger::dividend_prefix_bytes_max + ledger::idempotency_key_bytes_max) +
                  512 <
              dividend_body_bytes_max);
static_assert(dividend_body_bytes_max <= body_bytes_max);
static_assert(statement_page_default <= ledger::statement_page_max);
static_assert(list_page_default <= ledger::list_page_max);
static_assert(io_threads_count >= 1);
static_assert(handshakes_per_address_max >= 1);
static_assert(handshakes_per_address_max < connections_max);

}  // namespace pardner::api
