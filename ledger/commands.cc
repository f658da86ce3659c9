// Fingerprints for idempotency: the command's kind and every field except its key, in
// canonical JSON, so "the same content" has one meaning for every command.
#include "ledger/commands.h"

#include <boost/json.hpp>
#include <cstdint>
#include <type_traits>

#include "crypto/base64.h"
#include "crypto/invariant.h"
#include "ledger/canonical_json.h"
#include "ledger/money.h"

namespace pardner::ledger {
namespace {

boost::json::value optional_int(const std::optional<std::int64_t>& value) {
  if (value) return *value;
  return nullptr;
}

boost::json::value optional_text(const std::optional<std::string>& value) {
  if (value) return boost::json::string(*value);
  return nullptr;
}

// Amounts in commands are client input and may exceed the canonical range; they are encoded as
// decimal strings here so fingerprinting never depends on validation having run.
boost::json::value amount(Minor value) { return boost::json::string(std::to_string(value)); }

struct Fingerprint {
  boost::json::object operator()(const CreateMember& c) const {
    return {{"command", "create_member"},
            {"display_name", optional_text(c.display_name)},
            {"contact", optional_text(c.contact)}};
  }
  boost::json::object operator()(const SetMemberProfile& c) const {
    return {{"command", "set_member_profile"},
            {"member", amount(c.member)},
            {"display_name", optional_text(c.display_name)},
            {"contact", optional_text(c.contact)}};
  }
  boost::json::object operator()(const ChangeMemberStatus& c) const {
    return {{"command", "change_member_status"},
            {"member", amount(c.member)},
            {"status", wire_name(c.status)}};
  }
  boost::json::object operator()(const OpenAccount& c) const {
    return {{"command", "open_account"},
            {"code", c.code},
            {"type", wire_name(c.type)},
            {"currency", c.currency},
            {"member", c.member ? amount(*c.member) : nullptr},
            {"floor", c.floor ? amount(*c.floor) : nullptr}};
  }
  boost::json::object operator()(const CloseAccount& c) const {
    return {{"command", "close_account"}, {"account", amount(c.account)}};
  }
  boost::json::object operator()(const SetAccountFloor& c) const {
    return {{"command", "set_account_floor"},
            {"account", amount(c.account)},
            {"floor", c.floor ? amount(*c.floor) : nullptr}};
  }
  boost::json::object operator()(const PostPending& c) const {
    return {{"command", "post_pending"},
            {"transaction", amount(c.transaction)},
            {"amount", c.amount ? amount(*c.amount) : nullptr},
            {"value_date", optional_int(c.value_date)}};
  }
  boost::json::object operator()(const VoidPending& c) const {
    return {{"command", "void_pending"}, {"transaction", amount(c.transaction)}};
  }
  boost::json::object operator()(const ReverseTransaction& c) const {
    return {{"command", "reverse_transaction"},
            {"transaction", amount(c.transaction)},
            {"memo", c.memo}};
  }
  boost::json::object operator()(const CreateAccessToken& c) const {
    return {{"command", "create_access_token"},
            {"token_hash", crypto::hex_encode(c.token_hash)},
            {"role", wire_name(c.role)},
            {"member", c.member ? amount(*c.member) : nullptr},
            {"label", c.label}};
  }
  boost::json::object operator()(const RevokeAccessToken& c) const {
    return {{"command", "revoke_access_token"}, {"token", amount(c.token)}};
  }
  boost::json::object operator()(const ExpirePending& c) const {
    return {{"command", "expire_pending"}, {"transaction", amount(c.transaction)}};
  }
  boost::json::object operator()(const CreateLoanFund& c) const {
    return {{"command", "create_loan_fund"},
            {"actor", amount(c.actor)},
            {"currency", c.currency},
            {"cash_account", amount(c.cash_account)},
            {"receivable_account", amount(c.receivable_account)},
            {"interest_income_account", amount(c.interest_income_account)},
            {"fee_income_account", amount(c.fee_income_account)},
            {"loss_expense_account", amount(c.loss_expense_account)},
            {"capital_account", amount(c.capital_account)},
            {"approval_quorum", amount(c.approval_quorum)},
            {"loan_max", amount(c.loan_max_minor)},
            {"cash_share_max_bps", amount(c.cash_share_max_bps)}};
  }
  boost::json::object operator()(const CreateLoanProduct& c) const {
    const LoanTerms& t = c.terms;
    return {{"command", "create_loan_product"},
            {"actor", amount(c.actor)},
            {"fund", amount(c.fund)},
            {"instalment_count", amount(t.instalment_count)},
            {"frequency", wire_name(t.frequency)},
            {"interest_method", wire_name(t.interest_method)},
            {"annual_rate_bps", amount(t.annual_rate_bps)},
            {"upfront_fee_kind", wire_name(t.upfront_fee_kind)},
            {"upfront_fee_value", amount(t.upfront_fee_value)},
            {"fee_collection", wire_name(t.fee_collection)},
            {"grace_instalments", amount(t.grace_instalments)},
            {"late_fee", amount(t.late_fee_minor)},
            {"late_fee_grace_days", amount(t.late_fee_grace_days)}};
  }
  boost::json::object operator()(const ApplyForLoan& c) const {
    return {{"command", "apply_for_loan"},
            {"actor", amount(c.actor)},
            {"fund", amount(c.fund)},
            {"product", amount(c.product)},
            {"member", amount(c.member)},
            {"payout_account", amount(c.payout_account)},
            {"principal", amount(c.principal_minor)},
            {"purpose", c.purpose}};
  }
  boost::json::object operator()(const ApproveLoan& c) const {
    return {{"command", "approve_loan"}, {"actor", amount(c.actor)}, {"loan", amount(c.loan)}};
  }
  boost::json::object operator()(const RejectLoan& c) const {
    return {{"command", "reject_loan"},
            {"actor", amount(c.actor)},
            {"loan", amount(c.loan)},
            {"reason", c.reason}};
  }
  boost::json::object operator()(const WithdrawLoan& c) const {
    return {{"command", "withdraw_loan"}, {"actor", amount(c.actor)}, {"loan", amount(c.loan)}};
  }
  boost::json::object operator()(const DisburseLoan& c) const {
    boost::json::array seqs;
    for (Seq seq : c.approval_seqs) seqs.push_back(amount(seq));
    return {{"command", "disburse_loan"},
            {"actor", amount(c.actor)},
            {"loan", amount(c.loan)},
            {"approval_seqs", std::move(seqs)},
            {"value_date", optional_int(c.value_date)}};
  }
  boost::json::object operator()(const RepayLoan& c) const {
    return {{"command", "repay_loan"},
            {"actor", amount(c.actor)},
            {"loan", amount(c.loan)},
            {"source_account", amount(c.source_account)},
            {"amount", amount(c.amount_minor)},
            {"value_date", optional_int(c.value_date)}};
  }
  boost::json::object operator()(const ChargeLateFees& c) const {
    return {{"command", "charge_late_fees"},
            {"actor", amount(c.actor)},
            {"as_of", optional_int(c.as_of)},
            {"loan", optional_int(c.loan)}};
  }
  boost::json::object operator()(const WriteOffLoan& c) const {
    return {{"command", "write_off_loan"}, {"actor", amount(c.actor)}, {"loan", amount(c.loan)}};
  }
  boost::json::object operator()(const RecordRecovery& c) const {
    return {{"command", "record_recovery"},
            {"actor", amount(c.actor)},
            {"loan", amount(c.loan)},
            {"source_account", amount(c.source_account)},
            {"amount", amount(c.amount_minor)}};
  }
  // Pools.
  boost::json::object operator()(const CreatePool& c) const {
    return {{"command", "create_pool"},
            {"actor", amount(c.actor)},
            {"currency", c.currency},
            {"pool_account", amount(c.pool_account)},
            {"description", c.description}};
  }
  boost::json::object operator()(const Contribute& c) const {
    return {{"command", "contribute"},
            {"actor", amount(c.actor)},
            {"pool", amount(c.pool)},
            {"source_account", amount(c.source_account)},
            {"amount", amount(c.amount_minor)},
            {"contributor", c.contributor ? amount(*c.contributor) : nullptr},
            {"reason", c.reason}};
  }
  boost::json::object operator()(const SetAllocationPolicy& c) const {
    boost::json::array shares;
    for (const PolicyShare& s : c.shares) {
      shares.push_back(boost::json::object{
          {"name", s.name}, {"account", amount(s.account)}, {"bps", amount(s.bps)}});
    }
    return {{"command", "set_allocation_policy"},
            {"actor", amount(c.actor)},
            {"pool", amount(c.pool)},
            {"shares", std::move(shares)}};
  }
  boost::json::object operator()(const Distribute& c) const {
    return {{"command", "distribute"},
            {"actor", amount(c.actor)},
            {"pool", amount(c.pool)},
            {"amount", c.amount_minor ? amount(*c.amount_minor) : nullptr}};
  }
  boost::json::object operator()(const OpenRound& c) const {
    boost::json::array candidates;
    for (const RoundCandidate& k : c.candidates) {
      candidates.push_back(boost::json::object{{"member", amount(k.member)},
                                               {"account", amount(k.account)},
                                               {"description", k.description}});
    }
    return {{"command", "open_round"},
            {"actor", amount(c.actor)},
            {"pool", amount(c.pool)},
            {"amount", c.amount_minor ? amount(*c.amount_minor) : nullptr},
            {"candidates", std::move(candidates)},
            {"voting_start", amount(c.voting_start)},
            {"voting_end", amount(c.voting_end)},
            {"rule", wire_name(c.rules.rule)},
            {"tie_break", wire_name(c.rules.tie_break)},
            {"cap", c.rules.cap_minor ? amount(*c.rules.cap_minor) : nullptr},
            {"min_share_bps", c.rules.min_share_bps ? amount(*c.rules.min_share_bps) : nullptr},
            {"votes_per_member", amount(c.votes_per_member)},
            {"candidates_may_self_vote", c.candidates_may_self_vote}};
  }
  boost::json::object operator()(const CastVote& c) const {
    boost::json::array ballot;
    for (const VoteFor& v : c.ballot) {
      ballot.push_back(
          boost::json::object{{"candidate", amount(v.candidate)}, {"votes", amount(v.votes)}});
    }
    boost::json::object out{{"command", "cast_vote"},
                            {"actor", amount(c.actor)},
                            {"round", amount(c.round)},
                            {"ballot", std::move(ballot)}};
    // Only when set, so a first ballot's fingerprint is what it was before `replace` existed
    // and a key remembered then still replays.
    if (c.replace) out["replace"] = true;
    return out;
  }
  boost::json::object operator()(const CloseRound& c) const {
    return {{"command", "close_round"},
            {"actor", c.actor ? amount(*c.actor) : nullptr},
            {"round", amount(c.round)}};
  }
  boost::json::object operator()(const DeclareDividend& c) const {
    return {{"command", "declare_dividend"},
            {"actor", amount(c.actor)},
            {"source_pool", c.source_pool ? amount(*c.source_pool) : nullptr},
            {"source_account", c.source_account ? amount(*c.source_account) : nullptr},
            {"share_prefix", c.share_prefix},
            {"payout_prefix", c.payout_prefix ? boost::json::value(*c.payout_prefix) : nullptr},
            {"as_of_seq", amount(c.as_of_seq)},
            {"amount", c.amount_minor ? amount(*c.amount_minor) : nullptr},
            {"rate_bps", c.rate_bps ? amount(*c.rate_bps) : nullptr}};
  }
};

struct KeyOf {
  const std::string& operator()(const ExpirePending&) const {
    static const std::string none;
    return none;
  }
  template <class C>
  const std::string& operator()(const C& c) const {
    return c.idempotency_key;
  }
};

}  // namespace

CreateTransaction make_transfer(std::string idempotency_key, AccountId debit_account,
                                AccountId credit_account, Minor amount_minor, std::string memo) {
  CreateTransaction transfer;
  transfer.idempotency_key = std::move(idempotency_key);
  // Negating an out-of-range amount would overflow; validation refuses it later anyway, so
  // the credit side is only formed for amounts that can be negated.
  Minor credit = amount_minor == INT64_MIN ? amount_minor : -amount_minor;
  transfer.postings = {{debit_account, amount_minor}, {credit_account, credit}};
  transfer.memo = std::move(memo);
  return transfer;
}

const std::string& idempotency_key_of(const Command& command) {
  return std::visit(KeyOf{}, command);
}

bool requires_idempotency_key(const Command& command) {
  return std::holds_alternative<CreateTransaction>(command) ||
         std::holds_alternative<PostPending>(command) ||
         std::holds_alternative<VoidPending>(command) ||
         std::holds_alternative<ReverseTransaction>(command) ||
         // Every loan command is a decision about money an auditor follows, and the ones that
         // reserve or release cash make transactions carrying the same key. ChargeLateFees is
         // not among them: it charges an instalment at most once by its own rule, so a retry
         // without a key charges nothing twice, and the writer's scheduled run needs no key.
         std::holds_alternative<CreateLoanFund>(command) ||
         std::holds_alternative<CreateLoanProduct>(command) ||
         std::holds_alternative<ApplyForLoan>(command) ||
         std::holds_alternative<ApproveLoan>(command) ||
         std::holds_alternative<RejectLoan>(command) ||
         std::holds_alternative<WithdrawLoan>(command) ||
         std::holds_alternative<DisburseLoan>(command) ||
         std::holds_alternative<RepayLoan>(command) ||
         std::holds_alternative<WriteOffLoan>(command) ||
         std::holds_alternative<RecordRecovery>(command) ||
         // Pool commands decide about money an auditor follows; two of them move it.
         std::holds_alternative<CreatePool>(command) ||
         std::holds_alternative<Contribute>(command) ||
         std::holds_alternative<SetAllocationPolicy>(command) ||
         std::holds_alternative<Distribute>(command) ||
         std::holds_alternative<OpenRound>(command) ||
         std::holds_alternative<CastVote>(command) ||
         std::holds_alternative<DeclareDividend>(command) ||
         // A close the writer issues itself (no actor) has no client, so no key.
         (std::holds_alternative<CloseRound>(command) &&
          std::get<CloseRound>(command).actor.has_value());
}

// The commonest command's fingerprint, written directly: byte for byte what canonical_json gives
// for the object the other commands build (members in byte order; account, amount and timeout
// as decimal strings; metadata as [key, value] pairs; value_date an integer or null), without
// building that object. tests/ledger/idempotency_test.cc holds the object form and pins the two
// equal. Stored request hashes depend on these bytes: they never change.
std::string create_transaction_fingerprint(const CreateTransaction& c) {
  std::string out;
  out.reserve(160 + 48 * c.postings.size() + c.memo.size());
  out += R"({"command":"create_transaction","memo":)";
  append_canonical_string(out, c.memo);
  out += R"(,"metadata":[)";
  for (std::size_t i = 0; i < c.metadata.size(); ++i) {
    if (i > 0) out += ',';
    out += '[';
    append_canonical_string(out, c.metadata[i].first);
    out += ',';
    append_canonical_string(out, c.metadata[i].second);
    out += ']';
  }
  out += R"(],"pending":)";
  out += c.pending ? "true" : "false";
  out += R"(,"postings":[)";
  for (std::size_t i = 0; i < c.postings.size(); ++i) {
    if (i > 0) out += ',';
    out += R"({"account":")";
    out += std::to_string(c.postings[i].account);
    out += R"(","amount":")";
    out += std::to_string(c.postings[i].amount);
    out += R"("})";
  }
  out += R"(],"timeout_seconds":)";
  if (c.timeout_seconds) {
    out += '"';
    out += std::to_string(*c.timeout_seconds);
    out += '"';
  } else {
    out += "null";
  }
  out += R"(,"value_date":)";
  if (c.value_date) {
    // canonical_json's bound on integers, kept: a date past it would stop the process there too.
    PARDNER_ASSERT(*c.value_date >= -json_amount_max && *c.value_date <= json_amount_max);
    out += std::to_string(*c.value_date);
  } else {
    out += "null";
  }
  out += '}';
  return out;
}

std::string command_fingerprint(const Command& command) {
  return std::visit(
      [](const auto& c) {
        if constexpr (std::is_same_v<std::decay_t<decltype(c)>, CreateTransaction>) {
          return create_transaction_fingerprint(c);
        } else {
          return canonical_json(Fingerprint{}(c));
        }
      },
      command);
}

}  // namespace pardner::ledger
