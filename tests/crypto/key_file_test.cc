#include "crypto/key_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "crypto/limits.h"

namespace pardner::crypto {
namespace {

namespace fs = std::filesystem;

// The cheapest Argon2id cost libsodium allows, so the tests stay fast; one test uses the default.
constexpr PassphraseCost cheap{1, 8192};

class KeyFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pardner-key-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    directory_ = pattern;
  }
  void TearDown() override { fs::remove_all(directory_); }

  fs::path path(const char* name) const { return directory_ / name; }

  static std::string read(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  static void write(const fs::path& file, const std::string& content, mode_t mode) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << content;
    ASSERT_EQ(::chmod(file.c_str(), mode), 0);
  }
  static mode_t mode_of(const fs::path& file) {
    struct stat status {};
    EXPECT_EQ(::stat(file.c_str(), &status), 0);
    return status.st_mode & 0777;
  }

  NamedSigningKey key_ = {"pardner.example/ledger", SigningKey::generate()};
  fs::path directory_;
};

TEST_F(KeyFile, SavesAClearKeyWithMode0600AndLoadsItBack) {
  ASSERT_TRUE(save_signing_key(path("key"), key_));
  EXPECT_EQ(mode_of(path("key")), 0600u);
  const std::string text = read(path("key"));
  EXPECT_TRUE(text.starts_with("pardner-signing-key v1\nverifier-key " +
                               format_verifier_key(key_.verifier_key()) + "\nseal none\nseed "));
  auto loaded = load_signing_key(path("key"), std::nullopt);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded.value().name, key_.name);
  EXPECT_EQ(loaded.value().key.seed(), key_.key.seed());
  // Replacing leaves no temporary file behind.
  ASSERT_TRUE(save_signing_key(path("key"), key_));
  EXPECT_EQ(std::distance(fs::directory_iterator(directory_), fs::directory_iterator()), 1);
}

TEST_F(KeyFile, SealsWithAPassphraseAndRefusesAWrongOrMissingOne) {
  ASSERT_TRUE(save_sealed_signing_key(path("key"), key_, "correct horse", cheap));
  EXPECT_EQ(mode_of(path("key")), 0600u);
  const std::string text = read(path("key"));
  EXPECT_NE(text.find("seal argon2id13-xsalsa20poly1305\nops-limit 1\nmemory-limit-bytes 8192\n"),
            std::string::npos);
  auto loaded = load_signing_key(path("key"), "correct horse");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded.value().key.seed(), key_.key.seed());
  EXPECT_EQ(load_signing_key(path("key"), "wrong horse").error().code, CryptoErrc::bad_passphrase);
  EXPECT_EQ(load_signing_key(path("key"), std::nullopt).error().code,
            CryptoErrc::passphrase_missing);
  EXPECT_EQ(load_signing_key(path("key"), "").error().code, CryptoErrc::passphrase_missing);
}

TEST_F(KeyFile, SealsWithTheInteractiveCostByDefault) {
  ASSERT_TRUE(save_sealed_signing_key(path("key"), key_, "pass", interactive_passphrase_cost()));
  EXPECT_NE(read(path("key")).find("ops-limit 2\nmemory-limit-bytes 67108864\n"),
            std::string::npos);
  EXPECT_EQ(load_signing_key(path("key"), "pass").value().key.seed(), key_.key.seed());
}

TEST_F(KeyFile, RefusesAKeyFileItsGroupOrOthersCanAccess) {
  ASSERT_TRUE(save_signing_key(path("key"), key_));
  for (const mode_t mode : {0640u, 0604u, 0620u, 0602u, 0644u}) {
    ASSERT_EQ(::chmod(path("key").c_str(), mode), 0);
    auto loaded = load_signing_key(path("key"), std::nullopt);
    ASSERT_FALSE(loaded) << std::oct << mode;
    EXPECT_EQ(loaded.error().code, CryptoErrc::key_file_insecure);
  }
  ASSERT_EQ(::chmod(path("key").c_str(), 0400), 0);
  EXPECT_TRUE(load_signing_key(path("key"), std::nullopt));
}

TEST_F(KeyFile, RefusesASeedThatDoesNotGiveTheRecordedVerifierKey) {
  ASSERT_TRUE(save_signing_key(path("key"), key_));
  const NamedSigningKey other{key_.name, SigningKey::generate()};
  std::string text = read(path("key"));
  const std::string ours = format_verifier_key(key_.verifier_key());
  text.replace(text.find(ours), ours.size(), format_verifier_key(other.verifier_key()));
  write(path("key"), text, 0600);
  EXPECT_EQ(load_signing_key(path("key"), std::nullopt).error().code, CryptoErrc::malformed_key);
}

TEST_F(KeyFile, RefusesChangedSealingParameters) {
  ASSERT_TRUE(save_sealed_signing_key(path("key"), key_, "pass", cheap));
  const std::string text = read(path("key"));
  auto with = [&](const std::string& from, const std::string& to) {
    std::string changed = text;
    changed.replace(changed.find(from), from.size(), to);
    write(path("changed"), changed, 0600);
    return load_signing_key(path("changed"), "pass");
  };
  // A different cost derives a different key: the MAC fails as for a wrong passphrase.
  EXPECT_EQ(with("ops-limit 1", "ops-limit 2").error().code, CryptoErrc::bad_passphrase);
  // Costs outside libsodium's MIN..SENSITIVE are refused before any work.
  EXPECT_EQ(with("memory-limit-bytes 8192", "memory-limit-bytes 1099511627776").error().code,
            CryptoErrc::malformed_key);
  EXPECT_EQ(with("ops-limit 1", "ops-limit 0").error().code, CryptoErrc::malformed_key);
  EXPECT_EQ(with("ops-limit 1", "ops-limit 01").error().code, CryptoErrc::malformed_key);
}

TEST_F(KeyFile, RefusesMalformedFiles) {
  ASSERT_TRUE(save_signing_key(path("key"), key_));
  const std::string text = read(path("key"));
  const std::string malformed[] = {
      "",
      "pardner-signing-key v2" + text.substr(text.find('\n')),
      text.substr(0, text.size() - 1),  // no final newline
      text + "extra line\n",
      text.substr(text.find('\n') + 1),  // no version line
      text.substr(0, text.find("seal none")) + "seal rot13\n" + text.substr(text.find("seed ")),
      text.substr(0, text.find("seed ")) + "seed AAAA\n",
  };
  for (const std::string& content : malformed) {
    write(path("bad"), content, 0600);
    auto loaded = load_signing_key(path("bad"), std::nullopt);
    ASSERT_FALSE(loaded) << content;
    EXPECT_EQ(loaded.error().code, CryptoErrc::malformed_key) << content;
  }
  write(path("big"), std::string(key_file_bytes_max, 'a'), 0600);
  EXPECT_EQ(load_signing_key(path("big"), std::nullopt).error().code, CryptoErrc::malformed_key);
  write(path("big"), std::string(key_file_bytes_max + 1, 'a'), 0600);
  EXPECT_EQ(load_signing_key(path("big"), std::nullopt).error().code, CryptoErrc::too_large);
  EXPECT_EQ(load_signing_key(path("missing"), std::nullopt).error().code, CryptoErrc::io_failed);
}

TEST_F(KeyFile, RefusesToSaveUnderAnInvalidNameOrIntoAMissingDirectory) {
  const NamedSigningKey bad_name{"has space", SigningKey::generate()};
  EXPECT_EQ(save_signing_key(path("key"), bad_name).error().code, CryptoErrc::malformed_key);
  EXPECT_EQ(save_signing_key(directory_ / "no" / "key", key_).error().code, CryptoErrc::io_failed);
  EXPECT_EQ(save_sealed_signing_key(path("key"), key_, "", cheap).error().code,
            CryptoErrc::passphrase_missing);
}

TEST_F(KeyFile, SavesTheVerifierKeyLineForAnyoneToRead) {
  ASSERT_TRUE(save_verifier_key(path("key.pub"), key_.verifier_key()));
  EXPECT_EQ(mode_of(path("key.pub")), 0644u);
  EXPECT_EQ(read(path("key.pub")), format_verifier_key(key_.verifier_key()) + "\n");
  auto loaded = load_verifier_key(path("key.pub"));
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded.value().public_key, key_.key.public_key());
  write(path("bare.pub"), format_verifier_key(key_.verifier_key()), 0644);
  EXPECT_TRUE(load_verifier_key(path("bare.pub")));
  write(path("two.pub"), format_verifier_key(key_.verifier_key()) + "\n\n", 0644);
  EXPECT_EQ(load_verifier_key(path("two.pub")).error().code, CryptoErrc::malformed_key);
}

TEST_F(KeyFile, PassphraseComesFromTheEnvironmentFirstThenThePrivateFile) {
  const char* variable = "PARDNER_TEST_KEY_PASSPHRASE";
  write(path("pass"), "from file\n", 0600);
  ASSERT_EQ(::setenv(variable, "from env", 1), 0);
  EXPECT_EQ(passphrase_from_env_or_file(variable, path("pass")).value(), "from env");
  ASSERT_EQ(::setenv(variable, "", 1), 0);
  EXPECT_EQ(passphrase_from_env_or_file(variable, path("pass")).value(), "from file");
  ASSERT_EQ(::unsetenv(variable), 0);
  EXPECT_EQ(passphrase_from_env_or_file(variable, path("pass")).value(), "from file");

  EXPECT_EQ(passphrase_from_env_or_file(variable, "").error().code, CryptoErrc::passphrase_missing);
  EXPECT_EQ(passphrase_from_env_or_file(variable, path("missing")).error().code,
            CryptoErrc::io_failed);
  write(path("empty"), "\n", 0600);
  EXPECT_EQ(passphrase_from_env_or_file(variable, path("empty")).error().code,
            CryptoErrc::passphrase_missing);
  write(path("open"), "from file\n", 0644);
  EXPECT_EQ(passphrase_from_env_or_file(variable, path("open")).error().code,
            CryptoErrc::key_file_insecure);
}

TEST_F(KeyFile, PassphraseLengthIsBoundedAtTheLimit) {
  const char* variable = "PARDNER_TEST_KEY_PASSPHRASE";
  ASSERT_EQ(::unsetenv(variable), 0);
  write(path("pass"), std::string(passphrase_bytes_max, 'p') + "\n", 0600);
  EXPECT_EQ(passphrase_from_env_or_file(variable, path("pass")).value().size(),
            passphrase_bytes_max);
  write(path("pass"), std::string(passphrase_bytes_max + 1, 'p'), 0600);
  EXPECT_EQ(passphrase_from_env_or_file(variable, path("pass")).error().code,
            CryptoErrc::too_large);
  ASSERT_EQ(::setenv(variable, std::string(passphrase_bytes_max + 1, 'p').c_str(), 1), 0);
  EXPECT_EQ(passphrase_from_env_or_file(variable, "").error().code, CryptoErrc::too_large);
  ASSERT_EQ(::unsetenv(variable), 0);
}

}  // namespace
}  // namespace pardner::crypto
