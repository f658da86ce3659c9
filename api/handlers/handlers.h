// Every handler the route table names. A handler decodes its request, calls ledger/ (a Reader
// for reads, the Writer for changes) and encodes the answer; it decides nothing about money.
#pragma once

#include "api/exchange.h"

namespace pardner::api::handlers {

// api/handlers/log.cc: the signed log (DESIGN.md "HTTPS API").
void log_checkpoint(Exchange& ex);
void log_key(Exchange& ex);
void log_entries(Exchange& ex);
void log_inclusion_proof(Exchange& ex);
void log_consistency_proof(Exchange& ex);
void log_receipt(Exchange& ex);

// api/handlers/members.cc, accounts.cc, transactions.cc, reports.cc: the ledger's resources.
void create_member(Exchange& ex);
void set_member_profile(Exchange& ex);
void get_member(Exchange& ex);
void who_am_i(Exchange& ex);
void list_members(Exchange& ex);
void create_account(Exchange& ex);
void get_account(Exchange& ex);
void list_accounts(Exchange& ex);
void account_transactions(Exchange& ex);
void create_transaction(Exchange& ex);
void create_transaction_batch(Exchange& ex);  // api/handlers/transaction_batch.cc
void get_transaction(Exchange& ex);
void post_pending(Exchange& ex);
void void_pending(Exchange& ex);
void reverse_transaction(Exchange& ex);
void close_account(Exchange& ex);
void account_statement(Exchange& ex);
void trial_balance(Exchange& ex);

// api/handlers/loans.cc: community loan funds' writes (ledger/loan_commands.h).
void create_loan_fund(Exchange& ex);
void create_loan_product(Exchange& ex);
void apply_for_loan(Exchange& ex);
void approve_loan(Exchange& ex);
void reject_loan(Exchange& ex);
void withdraw_loan(Exchange& ex);
void disburse_loan(Exchange& ex);
void repay_loan(Exchange& ex);
void write_off_loan(Exchange& ex);
void record_recovery(Exchange& ex);
void charge_late_fees(Exchange& ex);
// api/handlers/loan_reads.cc: funds with their portfolio, products, loans, a member's loans.
void get_loan_fund(Exchange& ex);
void get_loan_product(Exchange& ex);
void get_loan(Exchange& ex);
void member_loans(Exchange& ex);

// api/handlers/pools.cc, pool_reads.cc, rounds.cc: reinvestment pools and funding rounds
// (ledger/pool_commands.h, pool_round_commands.h).
void create_pool(Exchange& ex);
void contribute_to_pool(Exchange& ex);
void set_pool_policy(Exchange& ex);
void distribute_pool(Exchange& ex);
void get_pool(Exchange& ex);
void pool_contributions(Exchange& ex);
void pool_policy_history(Exchange& ex);
void pool_distributions(Exchange& ex);
void open_round(Exchange& ex);
void get_round(Exchange& ex);
void cast_vote(Exchange& ex);
void change_vote(Exchange& ex);
void my_ballot(Exchange& ex);
void close_round(Exchange& ex);

// api/handlers/dividends.cc: co-operative dividends (ledger/dividend_commands.h,
// dividend_reports.h).
void declare_dividend(Exchange& ex);
void get_dividend(Exchange& ex);
void dividend_lines(Exchange& ex);
void dividend_statement(Exchange& ex);

// api/handlers/tokens.cc: API access tokens (admin only).
void create_token(Exchange& ex);
void revoke_token(Exchange& ex);

// api/handlers/health.cc: liveness, readiness and the OpenAPI document.
void healthz(Exchange& ex);
void readyz(Exchange& ex);
void openapi(Exchange& ex);

// api/handlers/metrics.cc: the Prometheus exposition (admin and auditor).
void metrics(Exchange& ex);

}  // namespace pardner::api::handlers
