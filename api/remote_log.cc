// One keep-alive connection, opened on the first request and again (once per request) when a
// kept connection turns out to have been closed by the server: every request is a GET, so
// sending it again is harmless. The token never appears in a message.
#include "api/remote_log.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cstdlib>
#include <fstream>

#include "crypto/base64.h"
#include "ledger/entry.h"

namespace pardner::api {
namespace {

// Reads the token file's first line; a token is one line of printable ASCII.
HttpsResult<std::string> read_token_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return HttpsError{"cannot read the token file " + path};
  std::string token;
  std::getline(in, token, '\n');
  if (!token.empty() && token.back() == '\r') token.pop_back();
  return token;
}

HttpsResult<std::string> find_token(const RemoteLogOptions& options) {
  std::string token = options.token;
  if (token.empty() && !options.token_file.empty()) {
    auto read = read_token_file(options.token_file);
    if (!read) return read.error();
    token = read.value();
  }
  if (token.empty() && options.token_file.empty()) {
    const char* from_environment = std::getenv(token_environment_variable);
    if (from_environment != nullptr) token = from_environment;
  }
  if (token.empty()) {
    return HttpsError{std::string("a token is needed: --token-file FILE, or ") +
                      token_environment_variable + " in the environment, or --token"};
  }
  bool printable =
      std::all_of(token.begin(), token.end(), [](char c) { return c > 0x20 && c < 0x7f; });
  if (!printable || token.size() > token_bytes_max) {
    return HttpsError{"the token must be at most " + std::to_string(token_bytes_max) +
                      " printable characters with no spaces"};
  }
  return token;
}

// "401 unauthorized: the token is unknown or revoked" from a problem+json answer, or the
// status and the start of whatever else came.
std::string describe_answer(const HttpsResponse& answer) {
  std::string status = std::to_string(answer.status);
  boost::system::error_code ec;
  auto body = boost::json::parse(answer.body, ec);
  if (!ec && body.is_object()) {
    const auto* code = body.get_object().if_contains("code");
    const auto* detail = body.get_object().if_contains("detail");
    if (code != nullptr && code->is_string()) {
      std::string text = status + " " + std::string(code->get_string());
      if (detail != nullptr && detail->is_string())
        text += ": " + std::string(detail->get_string());
      return text;
    }
  }
  std::string start = answer.body.substr(0, 200);
  for (char& c : start) {
    if (c < 0x20 || c == 0x7f) c = ' ';
  }
  return status + (start.empty() ? "" : ": " + start);
}

ledger::Result<std::string> base64_bytes(const boost::json::object& object, std::string_view name) {
  auto text = ledger::string_field(object, name);
  if (!text) return text.error();
  auto bytes = crypto::base64_decode(text.value());
  if (!bytes)
    return ledger::Error{ledger::Errc::invalid_argument, std::string(name) + " is not base64"};
  return std::string(bytes.value().begin(), bytes.value().end());
}

}  // namespace

HttpsResult<std::unique_ptr<RemoteLog>> RemoteLog::open(const RemoteLogOptions& options) {
  auto endpoint = parse_https_url(options.url);
  if (!endpoint) return HttpsError{options.url + ": " + endpoint.error().detail};
  auto token = find_token(options);
  if (!token) return token.error();
  HttpsOptions https;
  https.endpoint = endpoint.value();
  https.ca_file = options.ca_file;
  return std::unique_ptr<RemoteLog>(new RemoteLog(std::move(https), std::move(token.value())));
}

ledger::Error RemoteLog::failed(const std::string& target, const std::string& what) {
  remote_failure_ = "GET " + target + ": " + what;
  // The code is for the verifier's callers; the CLI reports remote_failure() instead.
  return ledger::Error{ledger::Errc::unavailable, *remote_failure_};
}

ledger::Result<std::string> RemoteLog::fetch(const std::string& target) {
  HttpsResult<HttpsResponse> answer = HttpsError{"not sent"};
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool kept = client_ != nullptr;
    if (!kept) {
      auto connected = HttpsClient::connect(https_);
      if (!connected) return failed(target, connected.error().detail);
      client_ = std::move(connected.value());
    }
    answer = client_->get(target, token_);
    if (answer) break;
    client_.reset();
    if (!kept) break;  // a new connection that fails is not a stale one: do not retry
  }
  if (!answer) return failed(target, answer.error().detail);
  if (answer->header("connection") == "close") client_.reset();
  if (answer->status < 200 || answer->status > 299) {
    return failed(target, describe_answer(*answer));
  }
  return std::move(answer->body);
}

ledger::Result<std::string> RemoteLog::checkpoint() {
  if (!checkpoint_) {
    auto note = fetch("/v1/log/checkpoint");
    if (!note) return note.error();
    checkpoint_ = std::move(note.value());
  }
  return *checkpoint_;
}

ledger::Result<std::string> RemoteLog::verifier_key() { return fetch("/v1/log/key"); }

ledger::Result<Ok> RemoteLog::open_entries(std::uint64_t tree_size) {
  tree_size_ = tree_size;
  next_seq_ = 0;
  delivered_ = 0;
  page_.clear();
  return Ok{};
}

ledger::Result<Ok> RemoteLog::fetch_page() {
  std::uint64_t limit = std::min<std::uint64_t>(remote_entries_page, tree_size_ - next_seq_);
  std::string target =
      "/v1/log/entries?start=" + std::to_string(next_seq_) + "&limit=" + std::to_string(limit);
  auto body = fetch(target);
  if (!body) return body.error();
  boost::json::parse_options options;
  options.max_depth = 3;  // {"entries": [ {seq, leaf, signature} ]}
  boost::system::error_code ec;
  auto parsed = boost::json::parse(body.value(), ec, {}, options);
  const boost::json::value* entries =
      !ec && parsed.is_object() ? parsed.get_object().if_contains("entries") : nullptr;
  if (entries == nullptr || !entries->is_array() || entries->get_array().size() > limit) {
    return failed(target,
                  "the answer is not a page of at most " + std::to_string(limit) + " entries");
  }
  for (const auto& item : entries->get_array()) {
    if (!item.is_object()) return failed(target, "an entry is not a JSON object");
    const auto& object = item.get_object();
    auto seq = ledger::int_field(object, "seq");
    auto leaf = base64_bytes(object, "leaf");
    auto signature = base64_bytes(object, "signature");
    if (!seq || !leaf || !signature) {
      return failed(target, "an entry needs seq and base64 leaf and signature");
    }
    page_.push_back({seq.value(), std::move(leaf.value()), std::move(signature.value())});
  }
  next_seq_ += entries->get_array().size();
  return Ok{};
}

ledger::Result<std::optional<ledger::SignedEntry>> RemoteLog::next_entry() {
  if (delivered_ == tree_size_) return std::optional<ledger::SignedEntry>{};
  if (page_.empty()) {
    if (auto fetched = fetch_page(); !fetched) return fetched.error();
    // An empty page before the checkpoint's size: the server holds fewer entries than it
    // signed for, which the verifier reports.
    if (page_.empty()) return std::optional<ledger::SignedEntry>{};
  }
  ledger::SignedEntry entry = std::move(page_.front());
  page_.pop_front();
  ++delivered_;
  return std::optional<ledger::SignedEntry>(std::move(entry));
}

ledger::Result<std::vector<ledger::TrialBalanceLine>> RemoteLog::trial_balance_as_of(
    ledger::Seq seq) {
  std::string target = "/v1/reports/trial-balance?as_of=" + std::to_string(seq);
  auto body = fetch(target);
  if (!body) return body.error();
  boost::json::parse_options options;
  options.max_depth = 3;  // {"currencies": [ {currency, debits, credits, accounts} ]}
  boost::system::error_code ec;
  auto parsed = boost::json::parse(body.value(), ec, {}, options);
  const boost::json::value* currencies =
      !ec && parsed.is_object() ? parsed.get_object().if_contains("currencies") : nullptr;
  if (currencies == nullptr || !currencies->is_array()) {
    return failed(target, "the answer is not a trial balance");
  }
  std::vector<ledger::TrialBalanceLine> lines;
  for (const auto& item : currencies->get_array()) {
    if (!item.is_object()) return failed(target, "a trial balance line is not a JSON object");
    const auto& object = item.get_object();
    auto currency = ledger::string_field(object, "currency");
    auto debits = ledger::int_field(object, "debits");
    auto credits = ledger::int_field(object, "credits");
    auto accounts = ledger::int_field(object, "accounts");
    if (!currency || !debits || !credits || !accounts) {
      return failed(target, "a trial balance line needs currency, debits, credits, accounts");
    }
    lines.push_back({currency.value(), debits.value(), credits.value(), accounts.value()});
  }
  return lines;
}

}  // namespace pardner::api
