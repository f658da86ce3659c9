// Every bound the ledger enforces, in one place. Each is tested at the limit and one past it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pardner::ledger {

inline constexpr std::size_t postings_per_transaction_max = 128;
inline constexpr std::size_t memo_bytes_max = 512;
inline constexpr std::size_t metadata_entries_max = 32;
inline constexpr std::size_t metadata_key_bytes_max = 64;
inline constexpr std::size_t metadata_value_bytes_max = 256;
inline constexpr std::size_t idempotency_key_bytes_max = 128;
inline constexpr std::size_t account_code_bytes_max = 200;
inline constexpr std::size_t account_code_segments_max = 12;
inline constexpr std::size_t display_name_bytes_max = 200;
inline constexpr std::size_t contact_bytes_max = 500;
inline constexpr std::size_t ledger_name_bytes_max = 64;

// Backups (ledger/backup.h): pages copied per sqlite3_backup_step (4 MiB of 4 KiB pages), and
// how many times a step that found the file briefly locked is retried, 10 ms apart.
inline constexpr int backup_pages_per_step = 1024;
inline constexpr std::uint64_t backup_busy_retries_max = 500;

// A reader's cache of the Merkle tree's upper levels (ledger/merkle_store.h): levels from
// merkle_cached_level_min up are held in memory, at most merkle_cached_nodes_max hashes (32
// bytes each) per reader, so a proof reads only its lowest levels from SQLite. At 10,000,000
// entries the cached levels are about 312,000 nodes, 10 MiB; a proof then reads six levels.
inline constexpr std::uint8_t merkle_cached_level_min = 6;
inline constexpr std::size_t merkle_cached_nodes_max = std::size_t{1} << 21;

// Access tokens one reader (one I/O thread) remembers from request to request
// (Reader::access_token); when full, it forgets them all and starts again. About 64 bytes each.
inline constexpr std::size_t access_tokens_remembered_max = 4096;

// The writer: how many commands may wait, and how many go into one SQLite transaction.
inline constexpr std::size_t writer_queue_commands_max = 16384;
inline constexpr std::size_t batch_commands_max = 1024;
// Expired pending transactions voided per batch, so a backlog cannot starve client commands.
inline constexpr std::size_t expiries_per_batch_max = 256;
// An atomic group (Writer::submit_atomic) is applied whole inside one batch, never split, so a
// batch holding one may pass batch_commands_max, up to this. Twice a batch: a group holds up the
// commands queued behind it no longer than two full batches would.
inline constexpr std::size_t atomic_group_commands_max = 2 * batch_commands_max;
// Threads that sign a batch's entries beside the writer (WriterOptions::signer_threads).
inline constexpr std::size_t signer_threads_max = 16;

// Reads.
inline constexpr std::size_t statement_page_max = 1000;
inline constexpr std::size_t entries_page_max = 1000;
// Members, accounts and an account's transactions, per page.
inline constexpr std::size_t list_page_max = 1000;

// Value dates: how far back a transaction may be dated unless the ledger is configured otherwise.
inline constexpr std::int64_t value_date_past_days_default = 30;
inline constexpr std::int64_t value_date_past_days_max = 3660;

// Pending transactions: the longest timeout a client may ask for (one year).
inline constexpr std::int64_t pending_timeout_seconds_max = 366LL * 24 * 3600;

// Loans (ledger/loan_terms.h). Principal is 1..json_amount_max (ledger/money.h).
inline constexpr std::int64_t loan_instalments_max = 520;  // ten years of weekly instalments
inline constexpr std::int64_t loan_rate_bps_max = 100'000;  // 1,000% a year
// An upfront fee in basis points is at most the whole principal.
inline constexpr std::int64_t loan_fee_bps_max = 10'000;
inline constexpr std::int64_t loan_late_fee_grace_days_max = 366;
// Disbursement and due dates: 1970-01-01 (day 0) to 9999-12-31 (day 2,932,896), the range
// format_date writes with four-digit years.
inline constexpr std::int64_t loan_date_min = 0;
inline constexpr std::int64_t loan_date_max = 2'932'896;
// Loan funds (ledger/loan_fund_commands.cc): distinct admins a decision needs, and the bytes of
// a loan's purpose or a rejection's reason (references, not names: they enter the log).
inline constexpr std::int64_t loan_approval_quorum_max = 16;
inline constexpr std::size_t loan_text_bytes_max = 256;
// Late fees one ChargeLateFees command charges (one entry each); a run that reaches it is run
// again, so one batch never grows without bound however many loans fall late on one day.
inline constexpr std::int64_t late_fee_charges_per_command_max = 1'000;

// Pools, funding rounds and dividends (ledger/pool_*.cc, ledger/largest_remainder.h).
inline constexpr std::size_t split_recipients_max = 1'000'000;
// A pool's description, a contribution's reason, a policy share's name: references, not names.
inline constexpr std::size_t pool_text_bytes_max = 256;
// Shares of one allocation policy; a distribution is one transaction of one line more.
inline constexpr std::size_t pool_policy_shares_max = 32;
// Funding rounds: candidates (a close pays them in one transaction) and votes per member.
inline constexpr std::size_t round_candidates_max = 64;
inline constexpr std::int64_t round_votes_per_member_max = 1'000;
// Writer-issued round closes per call of rounds_due_to_close.
inline constexpr std::size_t round_closes_per_call_max = 64;
// Dividends (ledger/dividend_*.cc): members' share accounts one dividend pays, its rate's
// ceiling (the whole share capital), and members paid per transaction (one posting more: the
// source), so every dividend transaction is an ordinary one within postings_per_transaction_max.
inline constexpr std::size_t dividend_share_accounts_max = 100'000;
inline constexpr std::int64_t dividend_rate_bps_max = 10'000;
inline constexpr std::size_t dividend_payouts_per_transaction_max =
    postings_per_transaction_max - 1;
inline constexpr std::size_t dividend_prefix_bytes_max = account_code_bytes_max;

static_assert(batch_commands_max <= writer_queue_commands_max);
// A batch holds at most max(batch_commands_max, atomic_group_commands_max) queued commands (plus
// the writer's own expiries); a group must also fit an empty queue, or it could never be queued.
static_assert(batch_commands_max <= atomic_group_commands_max);
static_assert(atomic_group_commands_max <= writer_queue_commands_max);
static_assert(postings_per_transaction_max >= 2);
static_assert(loan_date_min < loan_date_max);
static_assert(loan_text_bytes_max <= memo_bytes_max);
static_assert(pool_policy_shares_max + 1 <= postings_per_transaction_max);
static_assert(round_candidates_max + 1 <= postings_per_transaction_max);
static_assert(dividend_share_accounts_max <= split_recipients_max);
static_assert(dividend_payouts_per_transaction_max >= 1);

}  // namespace pardner::ledger
