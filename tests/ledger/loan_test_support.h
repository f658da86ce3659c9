// Helpers for the loan tests: dates written as text, and a schedule compared row by row with a
// table of expected figures.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ledger/loan_schedule.h"
#include "ledger/loan_state.h"
#include "ledger/time.h"

namespace pardner::ledger::testing {

inline Date day(const char* text) {
  auto date = parse_date(text);
  EXPECT_TRUE(date.has_value()) << text;
  return date.value_or(0);
}

struct ExpectedInstalment {
  std::int64_t number;
  const char* due_date;
  Minor principal_minor;
  Minor interest_minor;
  Minor fee_minor;
};

inline void expect_instalments(const std::vector<ScheduledInstalment>& actual,
                               const std::vector<ExpectedInstalment>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE("instalment " + std::to_string(expected[i].number));
    EXPECT_EQ(actual[i].number, expected[i].number);
    EXPECT_EQ(format_date(actual[i].due_date), expected[i].due_date);
    EXPECT_EQ(actual[i].principal_minor, expected[i].principal_minor);
    EXPECT_EQ(actual[i].interest_minor, expected[i].interest_minor);
    EXPECT_EQ(actual[i].fee_minor, expected[i].fee_minor);
  }
}

inline Minor principal_sum(const std::vector<ScheduledInstalment>& instalments) {
  Minor sum = 0;
  for (const auto& instalment : instalments) sum += instalment.principal_minor;
  return sum;
}

inline LoanSchedule schedule_or_die(const LoanTerms& terms, Minor principal, const char* on) {
  auto schedule = make_loan_schedule(terms, principal, day(on));
  EXPECT_TRUE(schedule) << (schedule ? "" : schedule.error().detail);
  return schedule ? schedule.value() : LoanSchedule{};
}

}  // namespace pardner::ledger::testing
