// Lists of members, accounts and an account's transactions: every filter, pages that end exactly
// on and just past a page boundary, code prefixes holding LIKE's wildcard characters, the owner
// filter the API uses for a member's scope, and the page limit at its bound and one past it.
#include "ledger/listings.h"

#include "ledger/limits.h"
#include "tests/ledger/ledger_fixture.h"

namespace pardner::ledger::testing {
namespace {

class Listings : public LedgerTest {
 protected:
  MemberId member(std::optional<std::string> name = {}) {
    auto made = submit(CreateMember{.display_name = std::move(name)});
    EXPECT_TRUE(made) << (made ? "" : made.error().detail);
    return made ? made.value().id : 0;
  }

  AccountId open_for(MemberId owner, const std::string& code, AccountType type,
                     const std::string& currency = "GBP") {
    auto opened =
        submit(OpenAccount{.code = code, .type = type, .currency = currency, .member = owner});
    EXPECT_TRUE(opened) << (opened ? "" : opened.error().detail);
    return opened ? opened.value().id : 0;
  }

  Result<Applied> reserve(AccountId debit, AccountId credit, Minor amount,
                          std::int64_t timeout_seconds = 3600) {
    auto held = make_transfer(next_key(), debit, credit, amount, "held");
    held.pending = true;
    held.timeout_seconds = timeout_seconds;
    return submit(held);
  }

  // Every account id `filter` selects, read `limit` at a time; also counts the pages.
  std::vector<AccountId> all_accounts(const AccountFilter& filter, std::size_t limit,
                                      int* pages = nullptr) {
    std::vector<AccountId> ids;
    std::optional<AccountId> after;
    int read = 0;
    do {
      auto page = list_accounts(reader_->db(), filter, after, limit);
      EXPECT_TRUE(page) << (page ? "" : page.error().detail);
      if (!page) break;
      for (const AccountListing& listed : page.value().accounts) ids.push_back(listed.account.id);
      after = page.value().next_after;
      ++read;
    } while (after);
    if (pages != nullptr) *pages = read;
    return ids;
  }

  std::vector<AccountTransaction> all_transactions(AccountId account, std::size_t limit,
                                                   int* pages = nullptr) {
    std::vector<AccountTransaction> out;
    std::optional<Seq> after;
    int read = 0;
    do {
      auto page = list_account_transactions(reader_->db(), account, after, limit);
      EXPECT_TRUE(page) << (page ? "" : page.error().detail);
      if (!page) break;
      for (const AccountTransaction& item : page.value().transactions) out.push_back(item);
      after = page.value().next_after;
      ++read;
    } while (after);
    if (pages != nullptr) *pages = read;
    return out;
  }
};

TEST_F(Listings, MembersPageInIdOrderWithProfilesAndFilterByStatus) {
  std::vector<MemberId> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(member("member " + std::to_string(i)));
  for (MemberId id : {ids[1], ids[3]}) {
    ASSERT_TRUE(submit(ChangeMemberStatus{.member = id, .status = MemberStatus::suspended}));
  }
  std::vector<Member> all;
  std::optional<MemberId> after;
  int pages = 0;
  do {
    auto page = list_members(reader_->db(), {}, after, 2);
    ASSERT_TRUE(page) << page.error().detail;
    EXPECT_LE(page.value().members.size(), 2u);
    for (const Member& listed : page.value().members) all.push_back(listed);
    after = page.value().next_after;
    ++pages;
  } while (after);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(all.size(), 5u);
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].id, ids[i]);
    EXPECT_EQ(all[i].display_name, "member " + std::to_string(i));
    EXPECT_EQ(all[i].created_seq, reader_->member(ids[i]).value().created_seq);
  }
  EXPECT_EQ(all[1].status, MemberStatus::suspended);

  MemberFilter suspended{.status = MemberStatus::suspended};
  auto first = list_members(reader_->db(), suspended, {}, 1).value();
  ASSERT_EQ(first.members.size(), 1u);
  EXPECT_EQ(first.members[0].id, ids[1]);
  ASSERT_EQ(first.next_after, ids[1]);
  // The last suspended member fills the second page exactly: no page follows it.
  auto second = list_members(reader_->db(), suspended, first.next_after, 1).value();
  ASSERT_EQ(second.members.size(), 1u);
  EXPECT_EQ(second.members[0].id, ids[3]);
  EXPECT_FALSE(second.next_after);
  MemberFilter left{.status = MemberStatus::left};
  EXPECT_TRUE(list_members(reader_->db(), left, {}, 10).value().members.empty());
}

TEST_F(Listings, PageLimitIsBoundedForEveryList) {
  AccountId cash = open("assets:cash", AccountType::asset);
  EXPECT_TRUE(list_members(reader_->db(), {}, {}, list_page_max));
  EXPECT_REFUSED(list_members(reader_->db(), {}, {}, list_page_max + 1), Errc::invalid_argument);
  EXPECT_REFUSED(list_members(reader_->db(), {}, {}, 0), Errc::invalid_argument);
  EXPECT_TRUE(list_accounts(reader_->db(), {}, {}, list_page_max));
  EXPECT_REFUSED(list_accounts(reader_->db(), {}, {}, list_page_max + 1), Errc::invalid_argument);
  EXPECT_REFUSED(list_accounts(reader_->db(), {}, {}, 0), Errc::invalid_argument);
  EXPECT_TRUE(list_account_transactions(reader_->db(), cash, {}, list_page_max));
  EXPECT_REFUSED(list_account_transactions(reader_->db(), cash, {}, list_page_max + 1),
                 Errc::invalid_argument);
  EXPECT_REFUSED(list_account_transactions(reader_->db(), cash, {}, 0), Errc::invalid_argument);
  EXPECT_REFUSED(list_account_transactions(reader_->db(), 999, {}, 10), Errc::not_found);
}

TEST_F(Listings, AccountsFilterByOwnerTypeCurrencyAndStatusWithTheirBalances) {
  MemberId ada = member();
  MemberId bo = member();
  AccountId cash = open("assets:cash", AccountType::asset);
  AccountId euros = open("assets:euros", AccountType::asset, {}, "EUR");
  AccountId ada_savings = open_for(ada, "liabilities:members:ada:savings", AccountType::liability);
  AccountId ada_loan = open_for(ada, "assets:loans:ada", AccountType::asset);
  AccountId bo_savings = open_for(bo, "liabilities:members:bo:savings", AccountType::liability);
  AccountId spare = open("expenses:spare", AccountType::expense);
  ASSERT_TRUE(transfer(cash, ada_savings, 5000));
  ASSERT_TRUE(transfer(ada_loan, cash, 1200));
  ASSERT_TRUE(reserve(ada_savings, cash, 300));
  ASSERT_TRUE(submit(CloseAccount{.account = spare}));

  using Ids = std::vector<AccountId>;
  EXPECT_EQ(all_accounts({}, 100), (Ids{cash, euros, ada_savings, ada_loan, bo_savings, spare}));
  EXPECT_EQ(all_accounts({.owner = ada}, 100), (Ids{ada_savings, ada_loan}));
  EXPECT_EQ(all_accounts({.owner = bo}, 100), (Ids{bo_savings}));
  EXPECT_EQ(all_accounts({.owner = 999}, 100), Ids{});
  EXPECT_EQ(all_accounts({.type = AccountType::asset}, 100), (Ids{cash, euros, ada_loan}));
  EXPECT_EQ(all_accounts({.owner = ada, .type = AccountType::asset}, 100), Ids{ada_loan});
  EXPECT_EQ(all_accounts({.currency = "EUR"}, 100), Ids{euros});
  EXPECT_EQ(all_accounts({.currency = "USD"}, 100), Ids{});
  EXPECT_EQ(all_accounts({.closed = true}, 100), Ids{spare});
  EXPECT_EQ(all_accounts({.closed = false}, 100).size(), 5u);

  // Each listed balance is the one Reader::balance reports, pending totals included.
  auto page = list_accounts(reader_->db(), {.owner = ada}, {}, 100);
  ASSERT_TRUE(page) << page.error().detail;
  ASSERT_EQ(page.value().accounts.size(), 2u);
  for (const AccountListing& listed : page.value().accounts) {
    EXPECT_EQ(listed.balance, reader_->balance(listed.account.id).value());
    EXPECT_EQ(listed.account.member, ada);
  }
  EXPECT_EQ(page.value().accounts[0].balance.balance, 5000);
  EXPECT_EQ(page.value().accounts[0].balance.debits_pending, 300);
  EXPECT_EQ(page.value().accounts[1].balance.balance, 1200);
}

TEST_F(Listings, AccountsPageAcrossBoundariesUnderAFilter) {
  std::vector<AccountId> assets;
  for (int i = 0; i < 7; ++i) {
    assets.push_back(open("assets:a" + std::to_string(i), AccountType::asset));
    open("income:i" + std::to_string(i), AccountType::income);
  }
  int pages = 0;
  EXPECT_EQ(all_accounts({.type = AccountType::asset}, 3, &pages), assets);
  EXPECT_EQ(pages, 3);
  // Seven in pages of seven: one page, and no cursor to an empty second one.
  EXPECT_EQ(all_accounts({.type = AccountType::asset}, 7, &pages), assets);
  EXPECT_EQ(pages, 1);
  EXPECT_EQ(all_accounts({.code_prefix = "assets:"}, 1, &pages), assets);
  EXPECT_EQ(pages, 7);
}

TEST_F(Listings, CodePrefixMatchesLiterallyWithoutWildcards) {
  AccountId underscore = open("assets:a_b:x", AccountType::asset);
  AccountId letter = open("assets:axb:x", AccountType::asset);
  AccountId longer = open("assets:a_bc", AccountType::asset);
  AccountId other = open("liabilities:a_b", AccountType::liability);
  using Ids = std::vector<AccountId>;
  // LIKE 'assets:a_b%' would match all three assets; '_' here is only itself.
  EXPECT_EQ(all_accounts({.code_prefix = "assets:a_b"}, 10), (Ids{underscore, longer}));
  EXPECT_EQ(all_accounts({.code_prefix = "assets:a_b:"}, 10), Ids{underscore});
  EXPECT_EQ(all_accounts({.code_prefix = "assets:axb"}, 10), Ids{letter});
  EXPECT_EQ(all_accounts({.code_prefix = "assets:%"}, 10), Ids{});
  EXPECT_EQ(all_accounts({.code_prefix = "%"}, 10), Ids{});
  EXPECT_EQ(all_accounts({.code_prefix = "_"}, 10), Ids{});
  EXPECT_EQ(all_accounts({.code_prefix = "assets"}, 10), (Ids{underscore, letter, longer}));
  EXPECT_EQ(all_accounts({.code_prefix = "liabilities:a_b"}, 10), Ids{other});
  EXPECT_EQ(all_accounts({.code_prefix = "assets:a_b:x"}, 10), Ids{underscore});
  // A prefix of 0xFF bytes has no upper bound to its range; no code starts with it.
  EXPECT_EQ(all_accounts({.code_prefix = "\xff\xff"}, 10), Ids{});
  EXPECT_EQ(all_accounts({.code_prefix = "assets:\xff"}, 10), Ids{});

  // The prefix may be as long as a code, and no longer.
  std::string longest = "assets:" + std::string(account_code_bytes_max - 7, 'z');
  AccountId full = open(longest, AccountType::asset);
  EXPECT_EQ(all_accounts({.code_prefix = longest}, 10), Ids{full});
  EXPECT_REFUSED(list_accounts(reader_->db(), {.code_prefix = longest + "z"}, {}, 10),
                 Errc::invalid_argument);
}

TEST_F(Listings, AccountTransactionsInLogOrderWithTheirStatusAndThisAccountsAmount) {
  AccountId cash = open("assets:cash", AccountType::asset);
  AccountId savings = open("liabilities:members:0001:savings", AccountType::liability);
  AccountId shop = open("liabilities:shop", AccountType::liability);
  auto deposit = submit(make_transfer(next_key(), cash, savings, 1000, "deposit"));
  auto unrelated = transfer(cash, shop, 50);
  auto held = reserve(shop, savings, 400);
  auto partly = reserve(shop, savings, 300);
  auto dropped = reserve(shop, savings, 200);
  auto lapsing = reserve(shop, savings, 100, 60);
  ASSERT_TRUE(deposit && unrelated && held && partly && dropped && lapsing);
  ASSERT_TRUE(submit(
      PostPending{.idempotency_key = next_key(), .transaction = partly.value().id, .amount = 120}));
  ASSERT_TRUE(
      submit(VoidPending{.idempotency_key = next_key(), .transaction = dropped.value().id}));
  clock_.advance_micros(61 * micros_per_second);
  auto three_way = submit(CreateTransaction{.idempotency_key = next_key(),
                                            .postings = {{cash, 30}, {savings, -20}, {shop, -10}},
                                            .memo = "split"});
  ASSERT_TRUE(three_way);  // the batch that carries it expires `lapsing` first

  int pages = 0;
  auto listed = all_transactions(savings, 2, &pages);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(listed.size(), 6u);
  struct Expected {
    TransactionId id;
    TransactionStatus status;
    Minor amount;
    std::string memo;
  };
  std::vector<Expected> expected = {
      {deposit.value().id, TransactionStatus::posted, -1000, "deposit"},
      {held.value().id, TransactionStatus::pending, -400, "held"},
      {partly.value().id, TransactionStatus::posted, -120, "held"},
      {dropped.value().id, TransactionStatus::voided, -200, "held"},
      {lapsing.value().id, TransactionStatus::expired, -100, "held"},
      {three_way.value().id, TransactionStatus::posted, -20, "split"},
  };
  for (std::size_t i = 0; i < listed.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(listed[i].id, expected[i].id);
    EXPECT_EQ(listed[i].status, expected[i].status);
    EXPECT_EQ(listed[i].amount, expected[i].amount);
    EXPECT_EQ(listed[i].memo, expected[i].memo);
    auto view = reader_->transaction(listed[i].id).value();
    EXPECT_EQ(listed[i].seq, view.row.seq);
    EXPECT_EQ(listed[i].value_date, view.row.value_date);
    EXPECT_EQ(listed[i].resolved_seq, view.row.resolved_seq);
    if (i > 0) {
      EXPECT_GT(listed[i].seq, listed[i - 1].seq);
    }
  }
  // The other side of the same transactions, and an account touched by one transaction only.
  auto from_cash = all_transactions(cash, 100);
  ASSERT_EQ(from_cash.size(), 3u);
  EXPECT_EQ(from_cash[0].amount, 1000);
  EXPECT_EQ(from_cash[1].amount, 50);
  EXPECT_EQ(from_cash[2].amount, 30);
  // Six on savings in pages of three: exactly two pages.
  EXPECT_EQ(all_transactions(savings, 3, &pages).size(), 6u);
  EXPECT_EQ(pages, 2);
  AccountId idle = open("assets:idle", AccountType::asset);
  auto none = list_account_transactions(reader_->db(), idle, {}, 10);
  ASSERT_TRUE(none) << none.error().detail;
  EXPECT_TRUE(none.value().transactions.empty());
  EXPECT_FALSE(none.value().next_after);
}

}  // namespace
}  // namespace pardner::ledger::testing
