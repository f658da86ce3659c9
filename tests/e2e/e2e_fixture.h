// The end-to-end fixture: a real ledger in a temp dir (made in-process, then closed), a
// self-signed P-256 certificate made with the openssl CLI, and the real `pardner serve` on a
// free port, reached over real TLS by the client the CLI uses too (api/https_client.h).
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "api/https_client.h"
#include "crypto/access_token.h"
#include "ledger/ledger_files.h"
#include "ledger/log_key.h"
#include "ledger/writer.h"
#include "tests/e2e/server_process.h"
#include "tests/support/temp_dir.h"

namespace pardner::e2e {

using api::HttpsClient;
using api::HttpsOptions;
using api::HttpsResponse;

// A request with a JSON body, as raw bytes for HttpsClient::send.
inline std::string json_request(const std::string& method, const std::string& target,
                                const std::string& body, const std::string& token,
                                const std::string& key = "") {
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  request += "Authorization: Bearer " + token + "\r\n";
  request += "Content-Type: application/json\r\n";
  if (!key.empty()) request += "Idempotency-Key: " + key + "\r\n";
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  return request + body;
}

inline std::string post_request(const std::string& target, const std::string& body,
                                const std::string& token, const std::string& key = "") {
  return json_request("POST", target, body, token, key);
}

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ::signal(SIGPIPE, SIG_IGN);  // a server that closes first must not kill the test
    certs_ = new pardner::testing::TempDir();
    std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2"
        " -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost"
        " -keyout " +
        certs_->file("tls.key") + " -out " + certs_->file("tls.crt") + " 2>/dev/null";
    ASSERT_EQ(run_command(command), 0);
  }
  static void TearDownTestSuite() {
    delete certs_;
    certs_ = nullptr;
  }

  // The ledger's settings at init; a test may widen them (how far back a value date may go).
  virtual ledger::Settings ledger_settings() const {
    ledger::Settings settings;
    settings.name = "e2e";
    return settings;
  }

  void SetUp() override {
    ledger::Settings settings = ledger_settings();
    auto admin = ledger::init_ledger(data_dir(), settings);
    ASSERT_TRUE(admin) << admin.error().detail;
    admin_token_ = admin.value();
    // The server's defaults: DIR/tls.crt and DIR/tls.key (mode 0600).
    std::filesystem::copy_file(certs_->file("tls.crt"), data_dir() + "/tls.crt");
    std::filesystem::copy_file(certs_->file("tls.key"), data_dir() + "/tls.key");
    ::chmod((data_dir() + "/tls.key").c_str(), 0600);
    populate();
  }

  // Writes through a writer of our own while no server runs. Two members with a savings
  // account each (floor 0: no overdraft), a cash account, a deposit each (seq 0..6), and a
  // token per role.
  void populate() {
    write([this](ledger::Writer& writer) {
      member1_ = writer.submit_and_wait(ledger::CreateMember{}).value().id;
      member2_ = writer.submit_and_wait(ledger::CreateMember{}).value().id;
      auto cash = writer.submit_and_wait(
          ledger::OpenAccount{.code = "assets:cash", .type = ledger::AccountType::asset});
      auto savings1 =
          writer.submit_and_wait(ledger::OpenAccount{.code = "liabilities:members:0001:savings",
                                                     .type = ledger::AccountType::liability,
                                                     .member = member1_,
                                                     .floor = 0});
      auto savings2 =
          writer.submit_and_wait(ledger::OpenAccount{.code = "liabilities:members:0002:savings",
                                                     .type = ledger::AccountType::liability,
                                                     .member = member2_,
                                                     .floor = 0});
      cash_ = cash.value().id;
      savings1_ = savings1.value().id;
      savings2_ = savings2.value().id;
      deposit1_ =
          writer.submit_and_wait(ledger::make_transfer("d1", cash_, savings1_, 5000)).value();
      deposit2_ =
          writer.submit_and_wait(ledger::make_transfer("d2", cash_, savings2_, 700)).value();
      auditor_token_ = create_token(writer, ledger::Role::auditor, std::nullopt);
      member1_token_ = create_token(writer, ledger::Role::member, member1_);
    });
  }

  template <class F>
  void write(F&& f) {
    auto key = ledger::load_log_key(data_dir());
    ASSERT_TRUE(key);
    ledger::SystemClock clock;
    auto writer = ledger::Writer::start(ledger::database_path(data_dir()), clock, key.value());
    ASSERT_TRUE(writer) << writer.error().detail;
    f(*writer.value());
    writer.value()->stop();
  }

  static std::string create_token(ledger::Writer& writer, ledger::Role role,
                                  std::optional<ledger::MemberId> member) {
    std::string token = crypto::generate_access_token();
    auto made = writer.submit_and_wait(ledger::CreateAccessToken{
        .token_hash = crypto::access_token_hash(token), .role = role, .member = member});
    EXPECT_TRUE(made);
    return token;
  }

  void start_server(const std::vector<std::string>& extra = {}) {
    std::string error;
    server_ = ServerProcess::start(PARDNER_BINARY, data_dir(), extra, stderr_file(), error);
    ASSERT_NE(server_, nullptr) << error;
  }

  // A server still running when the test ends is stopped the same way, never killed: its exit
  // code is what carries a sanitizer report (exit 66, cmake/sanitizer_options.cc) or a leak
  // found at exit, and a SIGKILL would throw both away.
  void TearDown() override {
    if (server_) stop_server();
  }

  // Sends SIGTERM and expects a clean exit (code 0) within 20 s. A server that has already
  // exited (a sanitizer report halts it at once) is reaped here and its code checked the same.
  void stop_server() {
    server_->signal(SIGTERM);
    auto code = server_->wait_exit(std::chrono::seconds(20));
    ASSERT_TRUE(code.has_value()) << "the server did not exit after SIGTERM";
    EXPECT_EQ(*code, 0) << (*code == sanitizer_exit_code ? "a sanitizer report in the server:\n"
                                                         : "the server's stderr:\n")
                        << read_file(stderr_file());
    server_.reset();
  }

  // The exit code of a sanitizer report in a PARDNER_SANITIZE build (cmake/sanitizer_options.cc).
  static constexpr int sanitizer_exit_code = 66;

  // The running server at 127.0.0.1, its certificate trusted.
  HttpsOptions options_for_server() const {
    HttpsOptions options;
    options.endpoint = {"127.0.0.1", static_cast<std::uint16_t>(server_->port())};
    options.ca_file = certs_->file("tls.crt");
    return options;
  }

  // A connection to the running server; nullptr (and a test failure) if it cannot be made.
  // `options` may change how TLS is negotiated; where to connect is filled in.
  std::unique_ptr<HttpsClient> connect(HttpsOptions options = {}) {
    HttpsOptions to_server = options_for_server();
    to_server.configure_for_test = std::move(options.configure_for_test);
    auto client = HttpsClient::connect(to_server);
    EXPECT_TRUE(client) << client.error().detail;
    return client ? std::move(client.value()) : nullptr;
  }

  // `pardner verify --url` against the running server with the auditor's token, as an auditor
  // runs it: every signature, the Merkle root and a replay of the whole log. Its exit code; a
  // test failure with verify's output unless it is 0.
  int verify_over_https() {
    std::string token_file = dir_.file("auditor.token");
    std::ofstream(token_file, std::ios::trunc) << auditor_token_ << "\n";
    std::string args = "verify --quiet --url https://127.0.0.1:" + std::to_string(server_->port()) +
                       " --cacert " + certs_->file("tls.crt") + " --token-file " + token_file;
    std::string out = dir_.file("verify.out");
    int status =
        run_command("env -u PARDNER_TOKEN " PARDNER_BINARY " " + args + " >" + out + " 2>&1");
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string data_dir() const { return dir_.path() + "/ledger"; }
  std::string stderr_file() const { return dir_.file("server.err"); }

  static inline pardner::testing::TempDir* certs_ = nullptr;
  pardner::testing::TempDir dir_;
  std::unique_ptr<ServerProcess> server_;
  std::string admin_token_, auditor_token_, member1_token_;
  ledger::MemberId member1_ = 0, member2_ = 0;
  ledger::AccountId cash_ = 0, savings1_ = 0, savings2_ = 0;
  ledger::Applied deposit1_, deposit2_;  // into savings1_ and savings2_
};

}  // namespace pardner::e2e
