// A live server's log as a ledger::AuditSource, read through the DESIGN.md endpoints over
// HTTPS: GET /v1/log/checkpoint first (its tree size fixes the snapshot), then
// /v1/log/entries pages up to exactly that size and /v1/log/key. `export --url` writes it with
// the export writer and `verify --url` checks it with the offline verifier, so both judge a
// live log by the same code as a directory. Also asks for the server's trial balance at a
// given seq. Checks nothing itself: the verifier does.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/https_client.h"
#include "ledger/audit_source.h"
#include "ledger/state.h"
#include "ledger/types.h"

namespace pardner::api {

struct RemoteLogOptions {
  std::string url;         // https://HOST:PORT
  std::string token;       // the bearer token itself (visible in ps and shell history)
  std::string token_file;  // a file holding it, used when `token` is empty
  std::string ca_file;     // PEM certificates to trust; empty: the system's CAs
};

// The environment variable read for the token when neither `token` nor `token_file` is given.
inline constexpr const char* token_environment_variable = "PARDNER_TOKEN";

class RemoteLog : public ledger::AuditSource {
 public:
  // Parses the URL and finds the token (the option, the file, then PARDNER_TOKEN); refuses
  // if either is unusable. Connects on the first request.
  static HttpsResult<std::unique_ptr<RemoteLog>> open(const RemoteLogOptions& options);

  ledger::Result<std::string> checkpoint() override;
  ledger::Result<std::string> verifier_key() override;
  ledger::Result<Ok> open_entries(std::uint64_t tree_size) override;
  ledger::Result<std::optional<ledger::SignedEntry>> next_entry() override;

  // GET /v1/reports/trial-balance?as_of=SEQ: the server's trial balance just after entry SEQ.
  ledger::Result<std::vector<ledger::TrialBalanceLine>> trial_balance_as_of(ledger::Seq seq);

  // Set when a call failed because of the network or the server's answer (a status other than
  // 2xx, with its problem code and detail, or a body that is not what the endpoint serves),
  // rather than because of what the log holds.
  const std::optional<std::string>& remote_failure() const { return remote_failure_; }

 private:
  RemoteLog(HttpsOptions https, std::string token)
      : https_(std::move(https)), token_(std::move(token)) {}
  // The body of a 2xx answer to GET `target`; anything else is a remote failure.
  ledger::Result<std::string> fetch(const std::string& target);
  ledger::Error failed(const std::string& target, const std::string& what);
  ledger::Result<Ok> fetch_page();

  HttpsOptions https_;
  std::string token_;
  std::unique_ptr<HttpsClient> client_;
  std::optional<std::string> checkpoint_;
  std::optional<std::string> remote_failure_;
  std::uint64_t tree_size_ = 0;
  std::uint64_t next_seq_ = 0;  // where the next page starts
  std::uint64_t delivered_ = 0;
  std::deque<ledger::SignedEntry> page_;
};

}  // namespace pardner::api
