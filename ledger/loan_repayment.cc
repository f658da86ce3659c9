// Repayment allocation. Every share is at most what is left of the amount (<= json_amount_max)
// and every paid total at most its owed amount, so no sum here can overflow; the checked
// arithmetic asserts it rather than returning overflow, which would mean a bug of ours.
#include "ledger/loan_repayment.h"

#include <algorithm>
#include <string>

namespace pardner::ledger {
namespace {

// The principal the instalments carry, paid or not.
Minor scheduled_principal(const LoanState& state) {
  Minor total = 0;
  for (const InstalmentState& instalment : state.instalments) {
    total = add_in_range(total, instalment.principal_minor);
  }
  return total;
}

// The index of the first instalment due after `on` (the period now running), or the count.
std::size_t next_index(const LoanState& state, Date on) {
  auto next = std::find_if(state.instalments.begin(), state.instalments.end(),
                           [on](const InstalmentState& i) { return i.due_date > on; });
  return static_cast<std::size_t>(next - state.instalments.begin());
}

// Pays what it can of one owed amount from `left`, recording it in the line and the totals.
class Allocator {
 public:
  Allocator(LoanState& state, RepaymentAllocation& allocation, Minor amount_minor)
      : state_(state), allocation_(allocation), left_(amount_minor) {
    for (const InstalmentState& instalment : state.instalments) {
      lines_.push_back(AllocationLine{.number = instalment.number});
    }
  }

  Minor left() const { return left_; }

  enum class Part { late_fee, fee, interest, principal };

  void pay(std::size_t index, Part part) {
    InstalmentState& instalment = state_.instalments[index];
    AllocationLine& line = lines_[index];
    switch (part) {
      case Part::late_fee:
        return take(instalment.late_fee_minor, instalment.late_fee_paid_minor, line.late_fee_minor,
                    allocation_.late_fee_minor);
      case Part::fee:
        return take(instalment.fee_minor, instalment.fee_paid_minor, line.fee_minor,
                    allocation_.fee_minor);
      case Part::interest:
        return take(instalment.interest_minor, instalment.interest_paid_minor, line.interest_minor,
                    allocation_.interest_minor);
      case Part::principal:
        return take(instalment.principal_minor, instalment.principal_paid_minor,
                    line.principal_minor, allocation_.principal_minor);
    }
  }

  void prepay(Minor principal_minor) {
    PARDNER_ASSERT(principal_minor <= left_);
    left_ = sub_in_range(left_, principal_minor);
    allocation_.prepaid_principal_minor =
        add_in_range(allocation_.prepaid_principal_minor, principal_minor);
  }

  // The lines of instalments that received something, by number.
  std::vector<AllocationLine> lines() const {
    std::vector<AllocationLine> received;
    for (const AllocationLine& line : lines_) {
      if (line.late_fee_minor > 0 || line.fee_minor > 0 || line.interest_minor > 0 ||
          line.principal_minor > 0) {
        received.push_back(line);
      }
    }
    return received;
  }

 private:
  void take(Minor owed, Minor& paid, Minor& line_total, Minor& allocation_total) {
    Minor share = std::min(sub_in_range(owed, paid), left_);
    paid = add_in_range(paid, share);
    line_total = add_in_range(line_total, share);
    allocation_total = add_in_range(allocation_total, share);
    left_ = sub_in_range(left_, share);
  }

  LoanState& state_;
  RepaymentAllocation& allocation_;
  std::vector<AllocationLine> lines_;
  Minor left_;
};

// Re-lays the principal and interest of the instalments from `first` on (none of it paid yet)
// for a principal balance reduced from old_balance to new_balance. Their fees and due dates stay.
void reamortise(LoanState& state, std::size_t first, Minor old_balance, Minor new_balance) {
  auto count = static_cast<std::int64_t>(state.instalments.size() - first);
  std::int64_t grace_count = 0;
  Minor interest = 0;
  for (std::size_t i = first; i < state.instalments.size(); ++i) {
    const InstalmentState& instalment = state.instalments[i];
    PARDNER_ASSERT(instalment.principal_paid_minor == 0);
    PARDNER_ASSERT(instalment.interest_paid_minor == 0);
    if (instalment.number <= state.terms.grace_instalments) ++grace_count;
    interest = add_in_range(interest, instalment.interest_minor);
  }
  Minor flat = state.terms.interest_method == InterestMethod::flat
                   ? scale_flat_interest(interest, old_balance, new_balance)
                   : 0;
  std::vector<InstalmentSplit> splits =
      lay_out_instalments(state.terms, new_balance, flat, grace_count, count);
  for (std::size_t i = first; i < state.instalments.size(); ++i) {
    state.instalments[i].principal_minor = splits[i - first].principal_minor;
    state.instalments[i].interest_minor = splits[i - first].interest_minor;
  }
}

}  // namespace

Minor repayable_on(const LoanState& state, Date on) {
  std::size_t next = next_index(state, on);
  Minor total = 0;
  for (std::size_t i = 0; i < state.instalments.size(); ++i) {
    const InstalmentState& instalment = state.instalments[i];
    if (i <= next) {
      total = add_in_range(total, unpaid_total(instalment));
    } else {
      total = add_in_range(
          total, sub_in_range(instalment.principal_minor, instalment.principal_paid_minor));
      total = add_in_range(total, sub_in_range(instalment.fee_minor, instalment.fee_paid_minor));
    }
  }
  return total;
}

Result<Repayment> apply_repayment(const LoanState& state, Date paid_on, Minor amount_minor) {
  if (amount_minor < 1 || amount_minor > json_amount_max) {
    return Error{Errc::invalid_argument, "repayment amount must be 1.." +
                                             std::to_string(json_amount_max) + ", not " +
                                             std::to_string(amount_minor)};
  }
  if (is_closed(state)) return Error{Errc::invalid_argument, "the loan is closed"};
  if (paid_on < state.disbursement_date) {
    return Error{Errc::invalid_argument, "repayment dated " + format_date(paid_on) +
                                             " is before the disbursement on " +
                                             format_date(state.disbursement_date)};
  }
  if (paid_on < state.last_payment_date) {
    return Error{Errc::invalid_argument, "repayment dated " + format_date(paid_on) +
                                             " is before the previous repayment on " +
                                             format_date(state.last_payment_date)};
  }
  Minor repayable = repayable_on(state, paid_on);
  if (amount_minor > repayable) {
    return Error{Errc::invalid_argument, "repayment of " + std::to_string(amount_minor) +
                                             " exceeds the " + std::to_string(repayable) +
                                             " repayable on " + format_date(paid_on)};
  }

  // Validated: from here the repayment is allocated in full.
  Repayment result{.allocation = {.amount_minor = amount_minor}, .after = state};
  LoanState& after = result.after;
  Allocator allocator(after, result.allocation, amount_minor);
  using Part = Allocator::Part;
  std::size_t next = next_index(after, paid_on);

  // 1. Instalments due: each kind of charge across all of them, oldest first, before the next.
  for (Part part : {Part::late_fee, Part::fee, Part::interest, Part::principal}) {
    for (std::size_t i = 0; i < next; ++i) allocator.pay(i, part);
  }
  // 2. The period now running.
  if (next < after.instalments.size()) {
    for (Part part : {Part::late_fee, Part::fee, Part::interest, Part::principal}) {
      allocator.pay(next, part);
    }
  }
  // 3. Prepayment of the later instalments' principal, then their fees.
  std::size_t later = next + 1;
  if (allocator.left() > 0 && later < after.instalments.size()) {
    Minor balance = 0;
    for (std::size_t i = later; i < after.instalments.size(); ++i) {
      balance = add_in_range(balance, after.instalments[i].principal_minor);
    }
    Minor prepaid = std::min(allocator.left(), balance);
    if (prepaid > 0) {
      reamortise(after, later, balance, sub_in_range(balance, prepaid));
      allocator.prepay(prepaid);
      after.prepaid_principal_minor = add_in_range(after.prepaid_principal_minor, prepaid);
    }
    for (std::size_t i = later; i < after.instalments.size(); ++i) allocator.pay(i, Part::fee);
  }
  PARDNER_ASSERT(allocator.left() == 0);
  PARDNER_ASSERT(add_in_range(scheduled_principal(after), after.prepaid_principal_minor) ==
                 after.principal_minor);

  after.last_payment_date = paid_on;
  result.allocation.lines = allocator.lines();
  result.allocation.closed = is_closed(after);
  return result;
}

}  // namespace pardner::ledger
