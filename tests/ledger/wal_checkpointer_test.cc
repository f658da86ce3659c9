// The checkpointer beside the real writer, on a real SQLite file: it copies the WAL into the
// database file while the writer keeps committing, the WAL starts over instead of growing
// without end, and a reader holding an old snapshot keeps it (the WAL only grows meanwhile,
// and starts over once the reader is done). A tiny threshold makes all of it happen in a few
// hundred transfers. Power cuts and failed writes inside checkpoints are in power_loss_test.
#include "ledger/wal_checkpointer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ledger/ledger_files.h"
#include "ledger/log_key.h"
#include "ledger/reader.h"
#include "ledger/writer.h"
#include "tests/support/temp_dir.h"

namespace pardner::ledger::testing {
namespace {

constexpr std::uint64_t threshold = 8;  // frames
constexpr Minor amount = 3;

class CheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Settings settings;
    settings.name = "checkpoints";
    ASSERT_TRUE(init_ledger(dir_.path(), settings));
    auto key = load_log_key(dir_.path());
    ASSERT_TRUE(key);
    WriterOptions options;
    options.checkpoint_wal_frames = threshold;
    auto writer = Writer::start(database_path(dir_.path()), clock_, key.value(), options);
    ASSERT_TRUE(writer) << writer.error().detail;
    writer_ = std::move(writer.value());
    cash_ = open("assets:cash", AccountType::asset);
    savings_ = open("liabilities:savings", AccountType::liability);
  }

  AccountId open(const std::string& code, AccountType type) {
    auto opened = writer_->submit_and_wait(OpenAccount{.code = code, .type = type});
    EXPECT_TRUE(opened);
    return opened ? opened.value().id : 0;
  }

  // One batch of `count` transfers of `amount` from cash to savings; the WAL's frames after it.
  std::uint64_t batch(int count) {
    std::vector<Command> transfers;
    for (int i = 0; i < count; ++i) {
      transfers.push_back(make_transfer("t" + std::to_string(++keys_), cash_, savings_, amount));
    }
    for (auto& result : writer_->submit_all(std::move(transfers))) {
      EXPECT_TRUE(result.get());
    }
    return writer_->stats().checkpoints.wal_frames;
  }

  std::uintmax_t wal_file_bytes() const {
    return std::filesystem::file_size(database_path(dir_.path()) + "-wal");
  }

  pardner::testing::TempDir dir_;
  SystemClock clock_;
  std::unique_ptr<Writer> writer_;
  AccountId cash_ = 0, savings_ = 0;
  int keys_ = 0;
};

TEST_F(CheckpointerTest, TheWalStartsOverWhileTheWriterKeepsWriting) {
  std::uint64_t largest = 0;
  for (int i = 0; i < 100; ++i) largest = std::max(largest, batch(20));
  WriterStats stats = writer_->stats();
  EXPECT_GT(stats.checkpoints.checkpoints, 0u);
  // Four thresholds and a batch at most; a WAL that never started over would hold every
  // frame of the 2,000 transfers (thousands).
  EXPECT_LT(largest, 4 * threshold + 64) << "the WAL did not start over";
  EXPECT_LT(wal_file_bytes(), (4 * threshold + 64) * (4096 + 24) + 32);

  auto reader = Reader::open(database_path(dir_.path()));
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader.value().balance(savings_).value().balance, 2000 * amount);
}

TEST_F(CheckpointerTest, AReaderKeepsItsSnapshotAndTheWalStartsOverWhenItIsDone) {
  batch(20);
  auto reader = Reader::open(database_path(dir_.path()));
  ASSERT_TRUE(reader);
  std::uint64_t largest = 0;
  {
    ReadTransaction snapshot(reader.value().db());
    ASSERT_TRUE(snapshot.ok());
    Minor before = reader.value().balance(savings_).value().balance;
    for (int i = 0; i < 30; ++i) largest = std::max(largest, batch(20));
    // Neither the checkpoints nor the writer's waits for them disturbed the reader.
    EXPECT_EQ(reader.value().balance(savings_).value().balance, before);
  }
  // While the reader held its snapshot the WAL could not start over.
  EXPECT_GT(largest, 4 * threshold + 64);
  std::uint64_t frames = 0;
  for (int i = 0; i < 4; ++i) frames = batch(20);
  EXPECT_LT(frames, 4 * threshold + 64) << "the WAL did not start over after the reader left";
  EXPECT_EQ(reader.value().balance(savings_).value().balance, 20 * 35 * amount);
}

}  // namespace
}  // namespace pardner::ledger::testing
