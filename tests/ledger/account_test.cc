// Members and accounts: creation as log entries without personal data, codes, currencies,
// closing only when empty.
#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <vector>

#include "crypto/access_token.h"
#include "ledger/access_tokens.h"
#include "tests/ledger/ledger_fixture.h"

namespace pardner::ledger::testing {
namespace {

class Accounts : public LedgerTest {
 protected:
  // `count` members with long profiles, each name and contact starting with `marker`.
  std::vector<MemberId> members_with_long_profiles(const std::string& marker, int count) {
    std::vector<MemberId> members;
    for (int i = 0; i < count; ++i) {
      const std::string mark = marker + std::to_string(i) + "-";
      auto created = submit(CreateMember{.display_name = mark + "Zephyrine Quarshie-Obi",
                                         .contact = mark + std::string(400, 'c')});
      EXPECT_TRUE(created);
      if (created) members.push_back(created.value().id);
    }
    return members;
  }

  static bool file_holds(const std::string& path, const std::string& marker) {
    std::ifstream file(path, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    return bytes.find(marker) != std::string::npos;
  }
};

TEST_F(Accounts, MemberEntryCarriesOnlyTheIdWhileTheNameStaysOutsideTheLog) {
  auto created = submit(CreateMember{
      .idempotency_key = "m-1", .display_name = "Ada Okafor", .contact = "ada@example.org"});
  ASSERT_TRUE(created);
  auto entry = reader_->entry(created.value().seq).value();
  EXPECT_EQ(entry.kind, EntryKind::member_created);
  EXPECT_EQ(entry.leaf.find("Ada"), std::string::npos);
  EXPECT_EQ(entry.leaf.find("example.org"), std::string::npos);
  EXPECT_EQ(entry.fields.size(), 4u);  // seq, ts, kind, member
  auto member = reader_->member(created.value().id).value();
  EXPECT_EQ(member.display_name, "Ada Okafor");
  EXPECT_EQ(member.status, MemberStatus::active);
}

TEST_F(Accounts, APersonsDetailsCanBeCorrectedAndErasedWhileTheLogStaysIntact) {
  auto created = submit(CreateMember{.display_name = "Ada Okafor", .contact = "ada@example.org"});
  ASSERT_TRUE(created);
  auto size = reader_->log_size().value();
  auto corrected = submit(SetMemberProfile{.member = created.value().id,
                                           .display_name = "Ada Okafor-Smith",
                                           .contact = "ada@example.net"});
  ASSERT_TRUE(corrected);
  EXPECT_EQ(corrected.value().seq, -1);
  EXPECT_EQ(reader_->member(created.value().id).value().display_name, "Ada Okafor-Smith");
  ASSERT_TRUE(submit(SetMemberProfile{.member = created.value().id}));  // erased
  auto member = reader_->member(created.value().id).value();
  EXPECT_FALSE(member.display_name);
  EXPECT_FALSE(member.contact);
  EXPECT_EQ(reader_->log_size().value(), size);
  EXPECT_REFUSED(submit(SetMemberProfile{.member = 404}), Errc::not_found);
}

// Erasing is for the person's sake, so it must not leave their details in the file's free
// space for anyone holding a copy of it (ledger/sqlite.cc sets secure_delete). Enough long
// profiles are erased that SQLite frees some of the pages that held them.
TEST_F(Accounts, ErasedProfilesLeaveNoCopyOfThemInTheDatabaseFile) {
  const std::string marker = "zq-erasure-marker-";
  std::vector<MemberId> members = members_with_long_profiles(marker, 60);
  ASSERT_EQ(members.size(), 60u);
  for (MemberId member : members) ASSERT_TRUE(submit(SetMemberProfile{.member = member}));
  // Closing the last connection copies the WAL into the database file and deletes it.
  reader_.reset();
  writer_.reset();
  EXPECT_FALSE(std::ifstream(db_path() + "-wal").good());
  std::ifstream file(db_path(), std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  ASSERT_GT(bytes.size(), 0u);
  EXPECT_EQ(bytes.find(marker), std::string::npos) << "at byte " << bytes.find(marker);
}

// While the server runs, too: once a correction or erasure is answered, neither the WAL nor the
// database file holds the old details (the writer copies the WAL in and truncates it).
TEST_F(Accounts, ErasedProfilesLeaveNoCopyInTheWalOnceAnswered) {
  const std::string marker = "zq-wal-marker-";
  std::vector<MemberId> members = members_with_long_profiles(marker, 40);
  ASSERT_EQ(members.size(), 40u);
  ASSERT_TRUE(file_holds(db_path() + "-wal", marker) || file_holds(db_path(), marker));
  const std::uint64_t clears = writer_->stats().wal_clears;
  for (MemberId member : members) ASSERT_TRUE(submit(SetMemberProfile{.member = member}));
  EXPECT_FALSE(file_holds(db_path() + "-wal", marker));
  EXPECT_FALSE(file_holds(db_path(), marker));
  EXPECT_GT(writer_->stats().wal_clears, clears);
  EXPECT_EQ(writer_->stats().wal_clears_held_back, 0u);
}

// A reader's snapshot holds the truncation back: the erasure is answered all the same, and the
// attempt is counted.
TEST_F(Accounts, AReaderHoldingTheWalDelaysItsClearingButNotTheAnswer) {
  auto member = submit(CreateMember{.display_name = "Ada", .contact = "ada@example.org"});
  ASSERT_TRUE(member);
  ReadTransaction snapshot(reader_->db());
  ASSERT_TRUE(reader_->member(member.value().id));  // takes the WAL's read lock
  ASSERT_TRUE(submit(SetMemberProfile{.member = member.value().id}));
  EXPECT_EQ(writer_->stats().wal_clears_held_back, 1u);
}

TEST_F(Accounts, OpensWithCodeTypeCurrencyOwnerAndFloor) {
  auto member = submit(CreateMember{}).value().id;
  auto opened = submit(OpenAccount{.code = "liabilities:members:0001:savings",
                                   .type = AccountType::liability,
                                   .currency = "EUR",
                                   .member = member,
                                   .floor = 0});
  ASSERT_TRUE(opened);
  auto account = reader_->account(opened.value().id).value();
  EXPECT_EQ(account.code, "liabilities:members:0001:savings");
  EXPECT_EQ(account.currency, "EUR");
  EXPECT_EQ(account.member, member);
  EXPECT_EQ(account.floor, 0);
  EXPECT_FALSE(account.closed);
  // The ledger's default currency applies when none is given.
  auto plain = submit(OpenAccount{.code = "assets:cash", .type = AccountType::asset});
  EXPECT_EQ(reader_->account(plain.value().id).value().currency, "GBP");
}

TEST_F(Accounts, AMembersAccountOpensWithoutOverdraftUnlessGivenACreditLine) {
  auto member = submit(CreateMember{}).value().id;
  auto savings = submit(OpenAccount{.code = "liabilities:members:0001:savings",
                                    .type = AccountType::liability,
                                    .member = member});
  auto loan_line = submit(OpenAccount{.code = "liabilities:members:0001:current",
                                      .type = AccountType::liability,
                                      .member = member,
                                      .floor = -5000});
  AccountId bank = open("liabilities:bank:float", AccountType::liability);
  AccountId cash = open("assets:cash", AccountType::asset);
  EXPECT_EQ(reader_->account(savings.value().id).value().floor, 0);
  EXPECT_EQ(reader_->account(loan_line.value().id).value().floor, -5000);
  EXPECT_FALSE(reader_->account(bank).value().floor);
  // The log says which floor applied, so a replay needs no default of its own.
  EXPECT_EQ(reader_->entry(savings.value().seq).value().fields.at("floor").as_int64(), 0);

  EXPECT_REFUSED(transfer(savings.value().id, cash, 1), Errc::insufficient_funds);
  EXPECT_TRUE(transfer(loan_line.value().id, cash, 5000));
  EXPECT_REFUSED(transfer(loan_line.value().id, cash, 1), Errc::insufficient_funds);
  EXPECT_TRUE(transfer(bank, cash, 1'000'000));  // no floor
}

TEST_F(Accounts, RefusesBadCodesDuplicateCodesUnknownCurrenciesAndMembers) {
  EXPECT_TRUE(submit(OpenAccount{.code = "assets:cash", .type = AccountType::asset}));
  EXPECT_REFUSED(submit(OpenAccount{.code = "assets:cash", .type = AccountType::asset}),
                 Errc::already_exists);
  for (std::string bad :
       {"", "assets::cash", "assets:cash:", "assets cash", "assets:caf\xC3\xA9"}) {
    SCOPED_TRACE(bad);
    EXPECT_REFUSED(submit(OpenAccount{.code = bad, .type = AccountType::asset}),
                   Errc::invalid_argument);
  }
  EXPECT_REFUSED(
      submit(OpenAccount{.code = "assets:x", .type = AccountType::asset, .currency = "XYZ"}),
      Errc::invalid_argument);
  EXPECT_REFUSED(submit(OpenAccount{.code = "assets:y", .type = AccountType::asset, .member = 77}),
                 Errc::not_found);
  std::string longest(account_code_bytes_max, 'a');
  EXPECT_TRUE(submit(OpenAccount{.code = longest, .type = AccountType::asset}));
  EXPECT_REFUSED(submit(OpenAccount{.code = longest + "a", .type = AccountType::asset}),
                 Errc::invalid_argument);
}

TEST_F(Accounts, ClosesOnlyWhenNothingIsPostedOrPendingAndThenRefusesPostings) {
  auto cash = open("assets:cash", AccountType::asset);
  auto savings = open("liabilities:members:0001:savings", AccountType::liability);
  ASSERT_TRUE(transfer(cash, savings, 100));
  EXPECT_REFUSED(submit(CloseAccount{.account = savings}), Errc::account_not_empty);
  ASSERT_TRUE(transfer(savings, cash, 100));
  auto held = make_transfer(next_key(), cash, savings, 5);
  held.pending = true;
  auto reserved = submit(held);
  ASSERT_TRUE(reserved);
  EXPECT_REFUSED(submit(CloseAccount{.account = savings}), Errc::account_not_empty);
  ASSERT_TRUE(
      submit(VoidPending{.idempotency_key = next_key(), .transaction = reserved.value().id}));
  auto closed = submit(CloseAccount{.account = savings});
  ASSERT_TRUE(closed);
  EXPECT_EQ(reader_->entry(closed.value().seq).value().kind, EntryKind::account_closed);
  EXPECT_TRUE(reader_->account(savings).value().closed);
  EXPECT_REFUSED(transfer(cash, savings, 1), Errc::account_closed);
  EXPECT_REFUSED(submit(CloseAccount{.account = savings}), Errc::account_closed);
  EXPECT_REFUSED(submit(CloseAccount{.account = 404}), Errc::not_found);
}

TEST_F(Accounts, MemberStatusChangesAreEntries) {
  auto member = submit(CreateMember{}).value().id;
  auto changed = submit(ChangeMemberStatus{.member = member, .status = MemberStatus::suspended});
  ASSERT_TRUE(changed);
  EXPECT_EQ(reader_->member(member).value().status, MemberStatus::suspended);
  EXPECT_REFUSED(submit(ChangeMemberStatus{.member = member, .status = MemberStatus::suspended}),
                 Errc::invalid_argument);
  EXPECT_REFUSED(submit(ChangeMemberStatus{.member = 99, .status = MemberStatus::left}),
                 Errc::not_found);
}

TEST_F(Accounts, AccessTokensAreStoredAsHashesFoundWhileLiveAndRevokedAtOnce) {
  auto member = submit(CreateMember{}).value().id;
  auto token = crypto::generate_access_token();
  auto created = submit(CreateAccessToken{.token_hash = crypto::access_token_hash(token),
                                          .role = Role::member,
                                          .member = member,
                                          .label = "Ada's phone"});
  ASSERT_TRUE(created);
  EXPECT_EQ(created.value().seq, -1);  // no entry: access control is not ledger history
  auto found = find_access_token(reader_->db(), crypto::access_token_hash(token));
  ASSERT_TRUE(found);
  EXPECT_EQ(found.value().role, Role::member);
  EXPECT_EQ(found.value().member, member);
  EXPECT_REFUSED(find_access_token(reader_->db(), crypto::access_token_hash(token + "x")),
                 Errc::not_found);
  EXPECT_REFUSED(submit(CreateAccessToken{.token_hash = crypto::access_token_hash(token),
                                          .role = Role::admin}),
                 Errc::already_exists);
  EXPECT_REFUSED(submit(CreateAccessToken{.token_hash = crypto::access_token_hash("other"),
                                          .role = Role::member}),
                 Errc::invalid_argument);
  ASSERT_TRUE(submit(RevokeAccessToken{.token = created.value().id}));
  EXPECT_REFUSED(find_access_token(reader_->db(), crypto::access_token_hash(token)),
                 Errc::not_found);
  EXPECT_REFUSED(submit(RevokeAccessToken{.token = created.value().id}), Errc::not_found);
}

TEST_F(Accounts, InitWroteTheFirstAdminTokenPrivatelyAndItIsLive) {
  auto path = admin_token_path(dir_.path());
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  std::ifstream in(path);
  std::string token;
  std::getline(in, token);
  EXPECT_TRUE(crypto::is_access_token_shaped(token));
  auto found = find_access_token(reader_->db(), crypto::access_token_hash(token));
  ASSERT_TRUE(found);
  EXPECT_EQ(found.value().role, Role::admin);
}

}  // namespace
}  // namespace pardner::ledger::testing
