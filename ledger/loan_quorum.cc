// Quorum checks. The details name seqs, so an auditor reading a refusal can find the entries.
#include "ledger/loan_quorum.h"

#include <algorithm>
#include <boost/json.hpp>
#include <string>

namespace pardner::ledger {
namespace {

std::string seq_list(const std::vector<Seq>& seqs) {
  std::string list;
  for (Seq seq : seqs) list += (list.empty() ? "" : ", ") + std::to_string(seq);
  return list.empty() ? "none" : list;
}

}  // namespace

Result<Ok> check_quorum(const std::vector<LoanApproval>& approvals, std::vector<Seq> named,
                        std::int64_t quorum, LoanId loan, MemberId borrower,
                        std::string_view what) {
  std::string subject = std::string(what) + " of loan " + std::to_string(loan);
  std::vector<Seq> made;
  for (const LoanApproval& approval : approvals) made.push_back(approval.seq);
  std::sort(made.begin(), made.end());
  std::sort(named.begin(), named.end());
  if (named != made) {
    return Error{Errc::approvals_mismatch, subject + " names the approvals " + seq_list(named) +
                                               " but the loan's approvals are " + seq_list(made)};
  }
  for (std::size_t i = 0; i < approvals.size(); ++i) {
    if (approvals[i].admin_member == borrower) {
      return Error{Errc::approvals_mismatch, subject + ": the approval at seq " +
                                                 std::to_string(approvals[i].seq) +
                                                 " is by the borrower"};
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (same_admin(approvals[j], approvals[i].admin_token, approvals[i].admin_member)) {
        return Error{Errc::approvals_mismatch,
                     subject + ": the approvals at seqs " + std::to_string(approvals[j].seq) +
                         " and " + std::to_string(approvals[i].seq) + " are by one admin"};
      }
    }
  }
  if (static_cast<std::int64_t>(approvals.size()) < quorum) {
    return Error{Errc::approvals_mismatch, subject + " has " + std::to_string(approvals.size()) +
                                               " approvals, the fund's quorum is " +
                                               std::to_string(quorum)};
  }
  return Ok{};
}

Result<std::vector<Seq>> seq_array_field(const boost::json::object& fields, std::string_view name) {
  const auto* value = fields.if_contains(name);
  if (value == nullptr || !value->is_array()) {
    return Error{Errc::invalid_argument, "missing array " + std::string(name)};
  }
  std::vector<Seq> seqs;
  for (const auto& item : value->get_array()) {
    const auto* n = item.if_int64();
    if (n == nullptr) {
      return Error{Errc::invalid_argument, std::string(name) + " holds a non-integer"};
    }
    seqs.push_back(*n);
  }
  return seqs;
}

}  // namespace pardner::ledger
