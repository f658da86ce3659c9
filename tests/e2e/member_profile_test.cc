// PUT /v1/members/{id}/profile on the real server over real TLS: an admin corrects a member's
// name and contact and erases them; the profile is replaced whole, no log entry is made, and
// once the erasure is answered the old details are in no file of the data directory (the
// database and its WAL). The refusals: an Idempotency-Key, an unknown field, a name too long,
// a member that does not exist, and every role but the admin.
#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "ledger/limits.h"
#include "tests/e2e/e2e_fixture.h"

namespace pardner::e2e {
namespace {

std::string put_request(const std::string& target, const std::string& body,
                        const std::string& token, const std::string& key = "") {
  return json_request("PUT", target, body, token, key);
}

// Whether any regular file under `dir` holds `text`.
bool any_file_holds(const std::string& dir, const std::string& text) {
  for (const auto& file : std::filesystem::recursive_directory_iterator(dir)) {
    if (!file.is_regular_file()) continue;
    std::ifstream in(file.path(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(text) != std::string::npos) return true;
  }
  return false;
}

class MemberProfileApi : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (!HasFatalFailure()) start_server();
  }

  HttpsResponse send(HttpsClient& client, const std::string& request) {
    EXPECT_TRUE(client.send(request));
    auto response = client.read_response();
    EXPECT_TRUE(response) << response.error().detail;
    return response ? response.value() : HttpsResponse{};
  }

  boost::json::object member(HttpsClient& client, std::int64_t id) {
    auto response = client.get("/v1/members/" + std::to_string(id), admin_token_);
    EXPECT_EQ(response->status, 200) << response->body;
    return boost::json::parse(response->body).as_object();
  }

  std::int64_t log_size(HttpsClient& client) {
    auto response = client.get("/v1/log/entries?start=0&limit=1000", auditor_token_);
    EXPECT_EQ(response->status, 200);
    return static_cast<std::int64_t>(
        boost::json::parse(response->body).at("entries").as_array().size());
  }
};

TEST_F(MemberProfileApi, AnAdminCorrectsAndErasesAProfileAndNoCopyStays) {
  auto client = connect();
  // Names long and distinct enough that finding one in a file cannot be chance.
  const std::string old_name = "Adaeze Okonkwo-Levenshulme, formerly of Stockport Road 1872";
  const std::string old_contact = "adaeze.okonkwo.1872@levenshulme-market.example";
  auto created = send(*client, post_request("/v1/members",
                                            R"({"display_name":")" + old_name + R"(","contact":")" +
                                                old_contact + R"("})",
                                            admin_token_));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::int64_t id = boost::json::parse(created.body).at("id").as_int64();
  const std::string target = "/v1/members/" + std::to_string(id) + "/profile";
  const std::int64_t entries = log_size(*client);

  // Corrected: the name given, and the contact left out, so erased.
  auto corrected =
      send(*client, put_request(target, R"({"display_name":"Adaeze Okonkwo"})", admin_token_));
  ASSERT_EQ(corrected.status, 200) << corrected.body;
  EXPECT_EQ(boost::json::parse(corrected.body),
            boost::json::parse(R"({"id":)" + std::to_string(id) + "}"));
  auto shown = member(*client, id);
  EXPECT_EQ(shown.at("display_name").as_string(), "Adaeze Okonkwo");
  EXPECT_FALSE(shown.contains("contact"));
  EXPECT_EQ(shown.at("status").as_string(), "active");

  // The old details are gone from the database file and from the WAL, once answered.
  EXPECT_FALSE(any_file_holds(data_dir(), old_name));
  EXPECT_FALSE(any_file_holds(data_dir(), old_contact));

  // Erased whole; sending it again is the same answer and the same state.
  for (int i = 0; i < 2; ++i) {
    auto erased = send(*client, put_request(target, "{}", admin_token_));
    ASSERT_EQ(erased.status, 200) << erased.body;
  }
  shown = member(*client, id);
  EXPECT_FALSE(shown.contains("display_name"));
  EXPECT_FALSE(shown.contains("contact"));
  EXPECT_FALSE(any_file_holds(data_dir(), "Adaeze Okonkwo"));

  // Personal data stays out of the log: no entry for any of it.
  EXPECT_EQ(log_size(*client), entries);
}

TEST_F(MemberProfileApi, RefusalsChangeNothing) {
  auto client = connect();
  const std::string target = "/v1/members/" + std::to_string(member1_) + "/profile";
  auto before = member(*client, member1_);
  auto code_of = [](const HttpsResponse& response) {
    return std::string(boost::json::parse(response.body).at("code").as_string());
  };

  auto keyed = send(*client, put_request(target, R"({"display_name":"K"})", admin_token_, "k-1"));
  EXPECT_EQ(keyed.status, 400) << keyed.body;
  EXPECT_EQ(keyed.header("content-type"), "application/problem+json");
  EXPECT_NE(keyed.body.find("Idempotency-Key"), std::string::npos) << keyed.body;

  auto unknown = send(*client, put_request(target, R"({"name":"N"})", admin_token_));
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(code_of(unknown), "invalid_argument");

  const std::string long_name(ledger::display_name_bytes_max + 1, 'n');
  auto too_long = send(
      *client, put_request(target, R"({"display_name":")" + long_name + R"("})", admin_token_));
  EXPECT_EQ(too_long.status, 400) << too_long.body;

  auto missing = send(*client, put_request("/v1/members/999999/profile", "{}", admin_token_));
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(code_of(missing), "not_found");

  auto by_member = send(*client, put_request(target, "{}", member1_token_));
  EXPECT_EQ(by_member.status, 403) << by_member.body;
  auto by_auditor = send(*client, put_request(target, "{}", auditor_token_));
  EXPECT_EQ(by_auditor.status, 403) << by_auditor.body;

  EXPECT_EQ(member(*client, member1_), before);
}

}  // namespace
}  // namespace pardner::e2e
