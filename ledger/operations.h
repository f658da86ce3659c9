// One `apply` per command: guards in a fixed order, then the commit point (the append). Each is
// defined in the .cc named for its subject (member_commands.cc, account_commands.cc,
// transaction_commands.cc, pending_commands.cc). The writer has settled the idempotency key
// before any of these runs and rolls back the command's savepoint if it returns an Error.
#pragma once

#include "ledger/commands.h"
#include "ledger/error.h"
#include "ledger/write_txn.h"

namespace pardner::ledger {

Result<Applied> apply(WriteTxn& txn, const CreateMember& command);
Result<Applied> apply(WriteTxn& txn, const SetMemberProfile& command);
Result<Applied> apply(WriteTxn& txn, const ChangeMemberStatus& command);
Result<Applied> apply(WriteTxn& txn, const OpenAccount& command);
Result<Applied> apply(WriteTxn& txn, const CloseAccount& command);
Result<Applied> apply(WriteTxn& txn, const SetAccountFloor& command);
Result<Applied> apply(WriteTxn& txn, const CreateTransaction& command);
Result<Applied> apply(WriteTxn& txn, const ReverseTransaction& command);
Result<Applied> apply(WriteTxn& txn, const PostPending& command);
Result<Applied> apply(WriteTxn& txn, const VoidPending& command);
Result<Applied> apply(WriteTxn& txn, const CreateAccessToken& command);
Result<Applied> apply(WriteTxn& txn, const RevokeAccessToken& command);
Result<Applied> apply(WriteTxn& txn, const ExpirePending& command);
// Loan funds: loan_fund_commands.cc (funds, products) and loan_application_commands.cc (apply,
// approve, reject, withdraw).
Result<Applied> apply(WriteTxn& txn, const CreateLoanFund& command);
Result<Applied> apply(WriteTxn& txn, const CreateLoanProduct& command);
Result<Applied> apply(WriteTxn& txn, const ApplyForLoan& command);
Result<Applied> apply(WriteTxn& txn, const ApproveLoan& command);
Result<Applied> apply(WriteTxn& txn, const RejectLoan& command);
Result<Applied> apply(WriteTxn& txn, const WithdrawLoan& command);
// loan_disbursement_commands.cc
Result<Applied> apply(WriteTxn& txn, const DisburseLoan& command);
// loan_repayment_commands.cc
Result<Applied> apply(WriteTxn& txn, const RepayLoan& command);
// loan_late_fee_commands.cc
Result<Applied> apply(WriteTxn& txn, const ChargeLateFees& command);
// loan_writeoff_commands.cc
Result<Applied> apply(WriteTxn& txn, const WriteOffLoan& command);
Result<Applied> apply(WriteTxn& txn, const RecordRecovery& command);
// Pools: pool_commands.cc (create, contribute, policy, distribute).
Result<Applied> apply(WriteTxn& txn, const CreatePool& command);
Result<Applied> apply(WriteTxn& txn, const Contribute& command);
Result<Applied> apply(WriteTxn& txn, const SetAllocationPolicy& command);
Result<Applied> apply(WriteTxn& txn, const Distribute& command);
// Funding rounds: pool_round_commands.cc.
Result<Applied> apply(WriteTxn& txn, const OpenRound& command);
Result<Applied> apply(WriteTxn& txn, const CastVote& command);
Result<Applied> apply(WriteTxn& txn, const CloseRound& command);
// Dividends: dividend_commands.cc.
Result<Applied> apply(WriteTxn& txn, const DeclareDividend& command);

}  // namespace pardner::ledger
