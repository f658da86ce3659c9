// The server's start-up check over a real ledger file (issue 8): an intact ledger is served as
// usual and `pardner check` passes it; a ledger whose stored postings were edited behind the
// log's back is served read-only (reads answer, every write is 503 naming the check, /readyz is
// red), the server's stderr names what is wrong, and `pardner check` exits 2 naming it too.
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

  // What someone with the file might do: drop the append-only triggers and add to a balance.
  void edit_a_posting() {
    auto db = ledger::Database::open(ledger::database_path(data_dir()),
                                     ledger::Database::Mode::read_write);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db.value().exec("DROP TRIGGER IF EXISTS postings_refuse_update"));
    ASSERT_TRUE(
        db.value().exec("UPDATE postings SET amount_minor = amount_minor * 10,"
                        " credits_after = credits_after * 10 WHERE account_id = " +
                        std::to_string(savings2_)));
    ASSERT_TRUE(
        db.value().exec("UPDATE accounts SET credits_posted = credits_posted * 10"
                        " WHERE id = " +
                        std::to_string(savings2_)));
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

}  // namespace
}  // namespace pardner::e2e
