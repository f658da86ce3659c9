// The connection cap and shutdown bookkeeping, without sockets: connections_max and
// refused_connections_max each at the limit and one past it.
#include "api/connection_tracker.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "api/limits.h"

namespace pardner::api {
namespace {

using Admission = ConnectionTracker::Admission;

struct FakeConnection final : Connection {
  int stops = 0, aborts = 0;
  void stop() override { ++stops; }
  void abort() override { ++aborts; }
};

TEST(ConnectionTracker, ServesUpToTheCapThenRefusesThenDrops) {
  ConnectionTracker tracker(connections_max, refused_connections_max);
  std::vector<ConnectionTracker::Ticket> tickets;
  Admission admission;
  for (std::size_t i = 0; i < connections_max; ++i) {
    tickets.push_back(tracker.admit(admission));
    ASSERT_EQ(admission, Admission::serve) << i;
  }
  for (std::size_t i = 0; i < refused_connections_max; ++i) {
    tickets.push_back(tracker.admit(admission));
    ASSERT_EQ(admission, Admission::refuse) << i;
  }
  tickets.push_back(tracker.admit(admission));
  EXPECT_EQ(admission, Admission::drop);
  EXPECT_EQ(tracker.served(), connections_max);
  EXPECT_EQ(tracker.refused(), refused_connections_max);
  // One served connection leaves: the next is served again.
  tickets.erase(tickets.begin());
  auto again = tracker.admit(admission);
  EXPECT_EQ(admission, Admission::serve);
}

TEST(ConnectionTracker, StopAllReachesLiveConnectionsAndDropsNewOnes) {
  ConnectionTracker tracker(4, 1);
  auto live = std::make_shared<FakeConnection>();
  auto gone = std::make_shared<FakeConnection>();
  tracker.track(live);
  tracker.track(gone);
  gone.reset();
  tracker.stop_all();
  EXPECT_EQ(live->stops, 1);
  Admission admission;
  auto ticket = tracker.admit(admission);
  EXPECT_EQ(admission, Admission::drop);
  tracker.abort_all();
  EXPECT_EQ(live->aborts, 1);
}

TEST(ConnectionTracker, WaitIdleReturnsWhenTheLastTicketGoes) {
  ConnectionTracker tracker(4, 1);
  Admission admission;
  auto ticket = std::make_unique<ConnectionTracker::Ticket>(tracker.admit(admission));
  EXPECT_FALSE(tracker.wait_idle_until(std::chrono::steady_clock::now()));
  std::thread leaver([&ticket] { ticket.reset(); });
  EXPECT_TRUE(tracker.wait_idle_until(std::chrono::steady_clock::now() + std::chrono::seconds(10)));
  leaver.join();
}

}  // namespace
}  // namespace pardner::api
