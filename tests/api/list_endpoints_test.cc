// The list endpoints at the router: GET /v1/members, GET /v1/accounts and GET
// /v1/accounts/{id}/transactions. Items exactly as the single-resource endpoints show them,
// cursor paging to the last page, every filter, roles (members are refused the member list, see
// only their own accounts, and another member's account answers 404 like a missing one), and
// each malformed or unknown parameter refused as a problem.
#include <gtest/gtest.h>

#include "api/limits.h"
#include "ledger/limits.h"
#include "tests/api/api_fixture.h"

namespace pardner::api::testing {
namespace {

class ListEndpoints : public ApiTest {
 protected:
  // Every item of a list read `page` at a time from `target` (which has no cursor yet), and how
  // many pages that took. Fails the test on any answer but 200.
  std::vector<boost::json::value> read_all(const std::string& target, const std::string& field,
                                           const std::string& token, int* pages = nullptr) {
    std::vector<boost::json::value> items;
    std::string next = target;
    int read = 0;
    while (true) {
      auto response = get(next, token);
      EXPECT_EQ(response.status, 200) << next << ": " << response.body;
      if (response.status != 200) break;
      auto page = json_of(response).as_object();
      for (const auto& item : page.at(field).as_array()) items.push_back(item);
      ++read;
      if (!page.contains("next_cursor")) break;
      next = target + (target.find('?') == std::string::npos ? "?" : "&") +
             "cursor=" + std::string(page.at("next_cursor").as_string());
    }
    if (pages != nullptr) *pages = read;
    return items;
  }

  std::vector<std::int64_t> ids_of(const std::vector<boost::json::value>& items) {
    std::vector<std::int64_t> ids;
    for (const auto& item : items) ids.push_back(item.at("id").as_int64());
    return ids;
  }

  void expect_refused(const std::string& target, const std::string& token, int status,
                      const std::string& code) {
    auto refused = get(target, token);
    EXPECT_EQ(refused.status, status) << target << ": " << refused.body;
    EXPECT_EQ(problem_code(refused), code) << target;
  }

  std::string transactions_of(std::int64_t account) {
    return "/v1/accounts/" + std::to_string(account) + "/transactions";
  }
};

TEST_F(ListEndpoints, MembersAreListedForAdminsAndAuditorsOnly) {
  auto named = post("/v1/members", R"({"display_name":"Ada","contact":"ada@example.org"})");
  ASSERT_EQ(named.status, 201) << named.body;
  std::int64_t ada = json_of(named).at("id").as_int64();
  must(ledger::ChangeMemberStatus{.member = member2_, .status = ledger::MemberStatus::suspended});

  for (const std::string& token : {admin_token, auditor_token}) {
    int pages = 0;
    auto members = read_all("/v1/members?limit=1", "members", token, &pages);
    EXPECT_EQ(pages, 3);
    ASSERT_EQ(ids_of(members), (std::vector<std::int64_t>{member1_, member2_, ada}));
    for (const auto& member : members) {
      auto single = get("/v1/members/" + std::to_string(member.at("id").as_int64()), token);
      EXPECT_EQ(member, json_of(single));
    }
    EXPECT_EQ(members[2].at("display_name").as_string(), "Ada");
    auto whole = json_of(get("/v1/members", token)).as_object();
    EXPECT_EQ(whole.at("members").as_array().size(), 3u);
    EXPECT_FALSE(whole.contains("next_cursor"));
  }
  EXPECT_EQ(ids_of(read_all("/v1/members?status=suspended", "members", admin_token)),
            std::vector<std::int64_t>{member2_});
  EXPECT_EQ(ids_of(read_all("/v1/members?status=active&limit=1", "members", admin_token)),
            (std::vector<std::int64_t>{member1_, ada}));
  EXPECT_TRUE(read_all("/v1/members?status=left", "members", admin_token).empty());

  expect_refused("/v1/members", member1_token, 403, "forbidden");
  expect_refused("/v1/members", "", 401, "unauthorized");
}

TEST_F(ListEndpoints, MemberListParametersAreChecked) {
  std::string largest = "/v1/members?limit=" + std::to_string(ledger::list_page_max);
  EXPECT_EQ(get(largest, admin_token).status, 200);
  for (const std::string& bad : std::vector<std::string>{
           "?limit=0", "?limit=" + std::to_string(ledger::list_page_max + 1), "?limit=-1",
           "?limit=01", "?status=gone", "?status=", "?status=ACTIVE",
           "?cursor=", "?cursor=not*base64",
           "?cursor=" + std::string(list_cursor_chars_max + 1, 'A'), "?colour=red", "?owner=1"}) {
    expect_refused("/v1/members" + bad, admin_token, 400, "invalid_argument");
  }
}

TEST_F(ListEndpoints, AccountsAreListedAsEachReadsWithItsBalance) {
  std::int64_t old =
      must(ledger::OpenAccount{.code = "expenses:old", .type = ledger::AccountType::expense}).id;
  must(ledger::CloseAccount{.account = old});
  std::int64_t euros =
      must(ledger::OpenAccount{
               .code = "assets:euros", .type = ledger::AccountType::asset, .currency = "EUR"})
          .id;
  for (const std::string& token : {admin_token, auditor_token}) {
    int pages = 0;
    auto accounts = read_all("/v1/accounts?limit=2", "accounts", token, &pages);
    EXPECT_EQ(pages, 3);
    ASSERT_EQ(accounts.size(), 5u);
    for (const auto& account : accounts) {
      auto single = get("/v1/accounts/" + std::to_string(account.at("id").as_int64()), token);
      EXPECT_EQ(account, json_of(single));
    }
  }
  auto savings = json_of(get("/v1/accounts?owner=" + std::to_string(member1_), admin_token));
  ASSERT_EQ(savings.at("accounts").as_array().size(), 1u);
  EXPECT_EQ(savings.at("accounts").at(0).at("balance").as_int64(), 5000);

  using Ids = std::vector<std::int64_t>;
  auto ids = [&](const std::string& query) {
    return ids_of(read_all("/v1/accounts" + query, "accounts", admin_token));
  };
  EXPECT_EQ(ids("?type=liability"), (Ids{savings1_, savings2_}));
  EXPECT_EQ(ids("?type=asset&currency=GBP"), Ids{cash_});
  EXPECT_EQ(ids("?currency=EUR"), Ids{euros});
  EXPECT_EQ(ids("?currency=USD"), Ids{});
  EXPECT_EQ(ids("?status=closed"), Ids{old});
  EXPECT_EQ(ids("?status=open&type=asset"), (Ids{cash_, euros}));
  EXPECT_EQ(ids("?owner=" + std::to_string(member2_)), Ids{savings2_});
  EXPECT_EQ(ids("?owner=999999"), Ids{});
  EXPECT_EQ(ids("?code_prefix=liabilities:members:0001"), Ids{savings1_});
  EXPECT_EQ(ids("?code_prefix=assets"), (Ids{cash_, euros}));
}

TEST_F(ListEndpoints, CodePrefixIsLiteral) {
  std::int64_t underscore =
      must(ledger::OpenAccount{.code = "assets:a_b", .type = ledger::AccountType::asset}).id;
  std::int64_t letter =
      must(ledger::OpenAccount{.code = "assets:axb", .type = ledger::AccountType::asset}).id;
  using Ids = std::vector<std::int64_t>;
  auto ids = [&](const std::string& query) {
    return ids_of(read_all("/v1/accounts" + query, "accounts", admin_token));
  };
  EXPECT_EQ(ids("?code_prefix=assets:a_"), Ids{underscore});
  EXPECT_EQ(ids("?code_prefix=assets:ax"), Ids{letter});
  EXPECT_EQ(ids("?code_prefix=assets:%25"), Ids{});  // "%", percent-encoded
  EXPECT_EQ(ids("?code_prefix=%25"), Ids{});
  EXPECT_EQ(ids("?code_prefix=_"), Ids{});
  std::string longest(ledger::account_code_bytes_max, 'a');
  EXPECT_EQ(ids("?code_prefix=" + longest), Ids{});
  expect_refused("/v1/accounts?code_prefix=" + longest + "a", admin_token, 400, "invalid_argument");
}

TEST_F(ListEndpoints, AMemberListsOnlyTheirOwnAccounts) {
  auto own = read_all("/v1/accounts", "accounts", member1_token);
  ASSERT_EQ(ids_of(own), std::vector<std::int64_t>{savings1_});
  EXPECT_EQ(own[0], json_of(get("/v1/accounts/" + std::to_string(savings1_), member1_token)));
  EXPECT_EQ(
      ids_of(read_all("/v1/accounts?owner=" + std::to_string(member1_), "accounts", member1_token)),
      std::vector<std::int64_t>{savings1_});
  // Another member's accounts, or the fund's own: an empty list, exactly as for an owner
  // with no accounts; never their data.
  auto theirs = get("/v1/accounts?owner=" + std::to_string(member2_), member1_token);
  ASSERT_EQ(theirs.status, 200) << theirs.body;
  EXPECT_EQ(theirs.body, R"({"accounts":[]})");
  EXPECT_EQ(theirs.body, get("/v1/accounts?owner=999999", member1_token).body);
  EXPECT_TRUE(read_all("/v1/accounts?type=asset", "accounts", member1_token).empty());
  EXPECT_EQ(ids_of(read_all("/v1/accounts?code_prefix=liabilities", "accounts", member2_token)),
            std::vector<std::int64_t>{savings2_});
}

TEST_F(ListEndpoints, AccountListParametersAreChecked) {
  std::string largest = "/v1/accounts?limit=" + std::to_string(ledger::list_page_max);
  EXPECT_EQ(get(largest, admin_token).status, 200);
  for (const std::string& bad : std::vector<std::string>{
           "?limit=0", "?limit=" + std::to_string(ledger::list_page_max + 1), "?owner=-1",
           "?owner=abc", "?owner=", "?type=cash", "?type=", "?currency=gbp", "?currency=XYZ",
           "?currency=GBPX", "?status=frozen", "?status=", "?code_prefix=", "?cursor=%3D",
           "?cursor=" + std::string(list_cursor_chars_max + 1, 'A'), "?colour=red", "?as_of=3"}) {
    expect_refused("/v1/accounts" + bad, admin_token, 400, "invalid_argument");
    expect_refused("/v1/accounts" + bad, member1_token, 400, "invalid_argument");
  }
}

TEST_F(ListEndpoints, AnAccountsTransactionsInLogOrderWithStatusAndAmount) {
  auto held = post("/v1/transactions",
                   R"({"postings":[{"account":)" + std::to_string(cash_) +
                       R"(,"amount":-300},{"account":)" + std::to_string(savings1_) +
                       R"(,"amount":300}],"memo":"withdrawal","pending":true})",
                   admin_token, "held");
  ASSERT_EQ(held.status, 201) << held.body;
  std::int64_t pending = json_of(held).at("id").as_int64();
  auto dropped =
      post("/v1/transactions",
           R"({"postings":[{"account":)" + std::to_string(cash_) + R"(,"amount":-20},{"account":)" +
               std::to_string(savings1_) + R"(,"amount":20}],"pending":true})",
           admin_token, "dropped");
  ASSERT_EQ(dropped.status, 201) << dropped.body;
  std::int64_t voided = json_of(dropped).at("id").as_int64();
  auto void_done =
      post("/v1/transactions/" + std::to_string(voided) + "/void", "{}", admin_token, "void");
  ASSERT_EQ(void_done.status, 200) << void_done.body;

  for (const std::string& token : {admin_token, auditor_token, member1_token}) {
    int pages = 0;
    auto items = read_all(transactions_of(savings1_) + "?limit=1", "transactions", token, &pages);
    EXPECT_EQ(pages, 3);
    ASSERT_EQ(items.size(), 3u);
    EXPECT_EQ(items[0].at("status").as_string(), "posted");
    EXPECT_EQ(items[0].at("amount").as_int64(), -5000);
    EXPECT_EQ(items[0].at("memo").as_string(), "deposit");
    EXPECT_FALSE(items[0].as_object().contains("resolved_seq"));
    EXPECT_EQ(items[1].at("id").as_int64(), pending);
    EXPECT_EQ(items[1].at("status").as_string(), "pending");
    EXPECT_EQ(items[1].at("amount").as_int64(), 300);
    EXPECT_EQ(items[1].at("memo").as_string(), "withdrawal");
    EXPECT_EQ(items[2].at("id").as_int64(), voided);
    EXPECT_EQ(items[2].at("status").as_string(), "voided");
    EXPECT_EQ(items[2].at("amount").as_int64(), 20);
    EXPECT_EQ(items[2].at("resolved_seq").as_int64(), json_of(void_done).at("seq").as_int64());
    for (const auto& item : items) {
      auto single =
          json_of(get("/v1/transactions/" + std::to_string(item.at("id").as_int64()), token));
      EXPECT_EQ(item.at("seq"), single.at("seq"));
      EXPECT_EQ(item.at("value_date"), single.at("value_date"));
      EXPECT_EQ(item.at("status"), single.at("status"));
    }
  }
  auto page = json_of(get(transactions_of(savings1_), member1_token)).as_object();
  EXPECT_EQ(page.at("account").as_int64(), savings1_);
  EXPECT_FALSE(page.contains("next_cursor"));
  EXPECT_EQ(read_all(transactions_of(cash_), "transactions", admin_token).size(), 4u);
}

TEST_F(ListEndpoints, AnotherMembersAccountTransactionsLookMissing) {
  auto theirs = get(transactions_of(savings2_), member1_token);
  auto missing = get(transactions_of(999999), member1_token);
  EXPECT_EQ(theirs.status, 404);
  EXPECT_EQ(problem_code(theirs), "not_found");
  EXPECT_EQ(json_of(theirs).at("title"), json_of(missing).at("title"));
  EXPECT_EQ(theirs.body.find("7000"), std::string::npos);
  expect_refused(transactions_of(cash_), member1_token, 404, "not_found");
  expect_refused(transactions_of(999999), admin_token, 404, "not_found");
  EXPECT_EQ(get(transactions_of(savings2_), member2_token).status, 200);
}

TEST_F(ListEndpoints, AccountTransactionParametersAreChecked) {
  std::string target = transactions_of(savings1_);
  EXPECT_EQ(get(target + "?limit=" + std::to_string(ledger::list_page_max), admin_token).status,
            200);
  for (const std::string& bad : std::vector<std::string>{
           "?limit=0", "?limit=" + std::to_string(ledger::list_page_max + 1), "?limit=x",
           "?cursor=", "?cursor=not*base64", "?cursor=NS4x" /* "5.1": two keys */,
           "?cursor=" + std::string(list_cursor_chars_max + 1, 'A'), "?status=posted"}) {
    expect_refused(target + bad, admin_token, 400, "invalid_argument");
  }
  expect_refused("/v1/accounts/abc/transactions", admin_token, 400, "invalid_argument");
}

}  // namespace
}  // namespace pardner::api::testing
