// The server's start-up check over a real ledger file (issue 8): an intact ledger is served as
// usual and `pardner check` passes it; a ledger whose stored postings were edited behind the
// log's back is served read-only (reads answer, every write is 503 naming the check, /readyz is
// red), the server's stderr names what is wrong, and `pardner check` exits 2 naming it too; a
// file whose schema was changed (a trigger dropped) is not served at all.
#include <sys/wait.h>

#include <boost/json/parse.hpp>

#include "ledger/sqlite.h"
#include "tests/e2e/e2e_fixture.h"

namespace pardner::e2e {
namespace {

class StartupCheck : public ServerTest {
 protected:
  // The exit code of `pardner check` on the ledger.
  int pardner_check() {
    int status = run_command(std::string(PARDNER_BINARY) + " check --data " + data_dir() + " > " +
                             dir_.file("check.out") + " 2>&1");
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // What someone with the file might do: drop the append-only triggers, add to a balance, and
  // put the triggers back so the schema looks untouched.
  void edit_a_posting() {
    auto db = ledger::Database::open(ledger::database_path(data_dir()),
                                     ledger::Database::Mode::read_write);
    ASSERT_TRUE(db);
    auto triggers = db.value().prepare(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = "
        "'postings_recent'");
    ASSERT_TRUE(triggers);
    std::vector<std::pair<std::string, std::string>> saved;
    while (triggers.value().step().value()) {
      saved.emplace_back(triggers.value().column_text(0), triggers.value().column_text(1));
    }
    for (const auto& [name, create] : saved) ASSERT_TRUE(db.value().exec("DROP TRIGGER " + name));
    ASSERT_TRUE(
        db.value().exec("UPDATE postings_recent SET amount_minor = amount_minor * 10,"
                        " credits_after = credits_after * 10 WHERE account_id = " +
                        std::to_string(savings2_)));
    ASSERT_TRUE(
        db.value().exec("UPDATE accounts SET credits_posted = credits_posted * 10"
                        " WHERE id = " +
                        std::to_string(savings2_)));
    for (const auto& [name, create] : saved) ASSERT_TRUE(db.value().exec(create));
  }

  std::string transfer_body() const {
    return R"({"debit_account":)" + std::to_string(cash_) + R"(,"credit_account":)" +
           std::to_string(savings1_) + R"(,"amount":5})";
  }
};

TEST_F(StartupCheck, AnIntactLedgerIsServedAndPassesTheCheck) {
  EXPECT_EQ(pardner_check(), 0) << read_file(dir_.file("check.out"));
  EXPECT_NE(read_file(dir_.file("check.out")).find("intact"), std::string::npos);
  start_server();
  auto client = connect();
  EXPECT_EQ(client->get("/readyz")->status, 200);
  ASSERT_TRUE(client->send(post_request("/v1/transactions", transfer_body(), admin_token_, "k1")));
  EXPECT_EQ(client->read_response()->status, 201);
  stop_server();
  EXPECT_NE(read_file(stderr_file()).find("start-up check passed"), std::string::npos);
}

TEST_F(StartupCheck, AnEditedLedgerIsServedReadOnlyAndNamed) {
  edit_a_posting();
  if (HasFatalFailure()) return;
  EXPECT_EQ(pardner_check(), 2);
  std::string check_output = read_file(dir_.file("check.out"));
  EXPECT_NE(check_output.find("problem: derived: postings"), std::string::npos) << check_output;
  EXPECT_NE(check_output.find("problem: derived: accounts"), std::string::npos) << check_output;

  start_server();
  auto client = connect();
  auto ready = client->get("/readyz");
  EXPECT_EQ(ready->status, 503);
  EXPECT_NE(ready->body.find("start-up check"), std::string::npos) << ready->body;

  auto account = client->get("/v1/accounts/" + std::to_string(savings1_), admin_token_);
  EXPECT_EQ(account->status, 200) << "reads are still served, so people can look";

  ASSERT_TRUE(client->send(post_request("/v1/transactions", transfer_body(), admin_token_, "k2")));
  auto refused = client->read_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503) << refused->body;
  auto problem = boost::json::parse(refused->body);
  EXPECT_EQ(problem.at("code").as_string(), "unavailable");
  EXPECT_NE(refused->body.find("start-up check (derived:"), std::string::npos) << refused->body;

  stop_server();
  std::string server_err = read_file(stderr_file());
  EXPECT_NE(server_err.find("pardner: start-up check: derived: postings"), std::string::npos)
      << server_err;
}

TEST_F(StartupCheck, AFileWhoseSchemaWasChangedIsNotServedAtAll) {
  {
    auto db = ledger::Database::open(ledger::database_path(data_dir()),
                                     ledger::Database::Mode::read_write);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db.value().exec("DROP TRIGGER entries_refuse_update"));
  }
  int status = run_command(std::string(PARDNER_BINARY) + " serve --listen 127.0.0.1:0 --data " +
                           data_dir() + " > /dev/null 2> " + stderr_file());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  std::string server_err = read_file(stderr_file());
  EXPECT_NE(server_err.find("pardner: start-up check: schema: trigger entries_refuse_update is "
                            "missing"),
            std::string::npos)
      << server_err;
  EXPECT_NE(server_err.find("is not served"), std::string::npos) << server_err;
}

}  // namespace
}  // namespace pardner::e2e
