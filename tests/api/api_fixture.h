// The API without sockets: a real ledger in a temp dir with a few members, accounts and
// transfers, the real writer and a reader, tokens for each role, and a router answering plain
// Requests. Writes posted back "to the strand" run on the test thread, in order.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/auth.h"
#include "api/router.h"
#include "api/routes.h"
#include "api/target.h"
#include "crypto/key_file.h"
#include "crypto/signed_note.h"
#include "ledger/ledger_files.h"
#include "ledger/log_key.h"
#include "ledger/reader.h"
#include "ledger/writer.h"
#include "tests/support/temp_dir.h"

namespace pardner::api::testing {

inline constexpr ledger::Timestamp fixture_start = 1795348800LL * ledger::micros_per_second;

inline const std::string admin_token = "admin-token-0000000000000001";
inline const std::string auditor_token = "auditor-token-000000000000001";
inline const std::string member1_token = "member-one-token-00000000001";
inline const std::string member2_token = "member-two-token-00000000002";

class ApiTest : public ::testing::Test {
 protected:
  explicit ApiTest(std::vector<Route> routes = api_routes()) : router_(std::move(routes)) {}

  void SetUp() override {
    ledger::Settings settings;
    settings.name = "api-test";
    ASSERT_TRUE(ledger::init_ledger(dir_.path(), settings));
    auto key = ledger::load_log_key(dir_.path());
    ASSERT_TRUE(key) << key.error().detail;
    verifier_key_ = key.value().verifier_key();
    auto writer = ledger::Writer::start(ledger::database_path(dir_.path()), clock_, key.value());
    ASSERT_TRUE(writer) << writer.error().detail;
    writer_ = std::move(writer.value());
    auto reader = ledger::Reader::open(ledger::database_path(dir_.path()));
    ASSERT_TRUE(reader) << reader.error().detail;
    reader_ = std::make_unique<ledger::Reader>(std::move(reader.value()));

    services_.tokens = &tokens_;
    services_.reader = [this]() -> ledger::Reader& { return *reader_; };
    services_.writer = writer_.get();
    services_.verifier_key_line = crypto::format_verifier_key(*verifier_key_);
    services_.stopping = [this] { return stopping_; };
    services_.access_log = [this](std::string_view line) { log_lines_.emplace_back(line); };
    populate();
  }

  void TearDown() override {
    if (writer_) writer_->stop();
  }

  // Members 1 and 2, a cash account, a savings account each, a deposit each:
  // seq 0 member 1, 1 member 2, 2 cash, 3 savings of 1, 4 savings of 2, 5 deposit 1, 6 deposit 2.
  void populate() {
    member1_ = must(ledger::CreateMember{}).id;
    member2_ = must(ledger::CreateMember{}).id;
    cash_ = must(ledger::OpenAccount{.code = "assets:cash", .type = ledger::AccountType::asset}).id;
    savings1_ = must(ledger::OpenAccount{.code = "liabilities:members:0001:savings",
                                         .type = ledger::AccountType::liability,
                                         .member = member1_})
                    .id;
    savings2_ = must(ledger::OpenAccount{.code = "liabilities:members:0002:savings",
                                         .type = ledger::AccountType::liability,
                                         .member = member2_})
                    .id;
    must(ledger::make_transfer("deposit-1", cash_, savings1_, 5000, "deposit"));
    must(ledger::make_transfer("deposit-2", cash_, savings2_, 7000, "deposit"));
    tokens_.add(hash_token(admin_token), Principal{.role = Role::admin});
    tokens_.add(hash_token(auditor_token), Principal{.role = Role::auditor});
    tokens_.add(hash_token(member1_token), Principal{.role = Role::member, .member = member1_});
    tokens_.add(hash_token(member2_token), Principal{.role = Role::member, .member = member2_});
  }

  ledger::Applied must(ledger::Command command) {
    auto done = writer_->submit_and_wait(std::move(command));
    EXPECT_TRUE(done) << (done ? "" : done.error().detail);
    return done ? done.value() : ledger::Applied{};
  }

  // Dispatches and waits (at most 10 s) for the one reply, running posted tasks meanwhile.
  Response call(Request request) {
    std::optional<Response> answer;
    int replies = 0;
    router_.dispatch(
        std::move(request), services_,
        [this](std::function<void()> task) {
          std::lock_guard lock(mutex_);
          posted_.push_back(std::move(task));
          posted_ready_.notify_one();
        },
        [&](Response response) {
          ++replies;
          answer = std::move(response);
        });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!answer) {
      std::function<void()> task;
      {
        std::unique_lock lock(mutex_);
        if (!posted_ready_.wait_until(lock, deadline, [this] { return !posted_.empty(); })) {
          ADD_FAILURE() << "no reply within 10 s";
          return Response{0, "", "", {}};
        }
        task = std::move(posted_.front());
        posted_.pop_front();
      }
      task();
    }
    EXPECT_EQ(replies, 1);
    return *answer;
  }

  Response get(const std::string& target, const std::string& token = "") {
    Request request = make_request("GET", target);
    if (!token.empty()) request.authorization = "Bearer " + token;
    return call(std::move(request));
  }

  // A write as an admin by default; `key` goes in the Idempotency-Key header when not empty.
  Response post(const std::string& target, const std::string& body,
                const std::string& token = admin_token, const std::string& key = "",
                const std::string& content_type = "application/json") {
    Request request = make_request("POST", target);
    request.authorization = "Bearer " + token;
    request.content_type = content_type;
    request.idempotency_key = key;
    request.body = body;
    return call(std::move(request));
  }

  std::int64_t log_size() {
    auto size = reader_->log_size();
    EXPECT_TRUE(size);
    return size ? size.value() : -1;
  }

  static boost::json::value json_of(const Response& response) {
    boost::system::error_code ec;
    auto value = boost::json::parse(response.body, ec);
    EXPECT_FALSE(ec) << response.body;
    return value;
  }

  static std::string header(const Response& response, std::string_view name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return "";
  }

  // The "code" of a problem response, after checking its media type and status field.
  static std::string problem_code(const Response& response) {
    EXPECT_EQ(response.content_type, "application/problem+json");
    auto body = json_of(response);
    if (!body.is_object()) return "";
    EXPECT_EQ(body.at("status").as_int64(), response.status);
    return std::string(body.at("code").as_string());
  }

  pardner::testing::TempDir dir_;
  ledger::ManualClock clock_{fixture_start};
  std::unique_ptr<ledger::Writer> writer_;
  std::unique_ptr<ledger::Reader> reader_;
  std::optional<crypto::VerifierKey> verifier_key_;
  InMemoryTokenStore tokens_;
  Services services_;
  Router router_;
  bool stopping_ = false;
  std::vector<std::string> log_lines_;
  ledger::MemberId member1_ = 0, member2_ = 0;
  ledger::AccountId cash_ = 0, savings1_ = 0, savings2_ = 0;

  std::mutex mutex_;
  std::condition_variable posted_ready_;
  std::deque<std::function<void()>> posted_;
};

}  // namespace pardner::api::testing
