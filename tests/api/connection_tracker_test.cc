// The connection cap and shutdown bookkeeping, without sockets: connections_max,
// refused_connections_max and handshakes_per_address_max each at the limit and one past it, and
// a newcomer at the cap taking the place of the oldest connection still in its handshake.
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

// The production bounds.
ConnectionTracker::Limits production_limits() {
  return {.serve_max = connections_max,
          .refuse_max = refused_connections_max,
          .handshakes_per_source_max = handshakes_per_address_max,
          .evictions_pending_max = evicted_connections_max};
}

ConnectionTracker::Limits small_limits(std::size_t serve_max, std::size_t refuse_max) {
  return {.serve_max = serve_max,
          .refuse_max = refuse_max,
          .handshakes_per_source_max = serve_max + refuse_max,
          .evictions_pending_max = 0};
}

// A source address per connection, so the per-address handshake bound stays out of the way.
std::string nth_source(std::size_t i) {
  return "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256);
}

// An admitted connection as the listener makes one: ticket, then the connection, tracked.
struct Admitted {
  ConnectionTracker::Ticket ticket;
  std::shared_ptr<FakeConnection> connection;
};
Admitted admit_tracked(ConnectionTracker& tracker, std::string_view source, Admission& admission) {
  Admitted admitted{tracker.admit(source, admission), std::make_shared<FakeConnection>()};
  if (admission != Admission::drop) tracker.track(admitted.connection, admitted.ticket.id());
  return admitted;
}

TEST(ConnectionTracker, ServesUpToTheCapThenRefusesThenDrops) {
  ConnectionTracker tracker(production_limits());
  std::vector<ConnectionTracker::Ticket> tickets;
  Admission admission;
  // Each through its handshake: none of them can be made to give its place up.
  for (std::size_t i = 0; i < connections_max; ++i) {
    tickets.push_back(tracker.admit(nth_source(i), admission));
    ASSERT_EQ(admission, Admission::serve) << i;
    tickets.back().handshake_done();
  }
  for (std::size_t i = 0; i < refused_connections_max; ++i) {
    tickets.push_back(tracker.admit(nth_source(connections_max + i), admission));
    ASSERT_EQ(admission, Admission::refuse) << i;
  }
  tickets.push_back(tracker.admit("10.1.0.0", admission));
  EXPECT_EQ(admission, Admission::drop);
  EXPECT_EQ(tracker.served(), connections_max);
  EXPECT_EQ(tracker.refused(), refused_connections_max);
  EXPECT_EQ(tracker.evicted_total(), 0u);
  // One served connection leaves: the next is served again.
  tickets.erase(tickets.begin());
  auto again = tracker.admit("10.1.0.0", admission);
  EXPECT_EQ(admission, Admission::serve);
}

TEST(ConnectionTracker, StopAllReachesLiveConnectionsAndDropsNewOnes) {
  ConnectionTracker tracker(small_limits(4, 1));
  auto live = std::make_shared<FakeConnection>();
  auto gone = std::make_shared<FakeConnection>();
  tracker.track(live);
  tracker.track(gone);
  gone.reset();
  tracker.stop_all();
  EXPECT_EQ(live->stops, 1);
  Admission admission;
  auto ticket = tracker.admit("10.0.0.1", admission);
  EXPECT_EQ(admission, Admission::drop);
  tracker.abort_all();
  EXPECT_EQ(live->aborts, 1);
}

TEST(ConnectionTracker, WaitIdleReturnsWhenTheLastTicketGoes) {
  ConnectionTracker tracker(small_limits(4, 1));
  Admission admission;
  auto ticket = std::make_unique<ConnectionTracker::Ticket>(tracker.admit("10.0.0.1", admission));
  EXPECT_FALSE(tracker.wait_idle_until(std::chrono::steady_clock::now()));
  std::thread leaver([&ticket] { ticket.reset(); });
  EXPECT_TRUE(tracker.wait_idle_until(std::chrono::steady_clock::now() + std::chrono::seconds(10)));
  leaver.join();
}

TEST(ConnectionTracker, OneAddressHasAtMostItsHandshakeBudgetInFlight) {
  ConnectionTracker tracker(production_limits());
  Admission admission;
  std::vector<Admitted> hog;
  for (std::size_t i = 0; i < handshakes_per_address_max; ++i) {
    hog.push_back(admit_tracked(tracker, "127.0.0.1", admission));
    ASSERT_EQ(admission, Admission::serve) << i;
  }
  // One past the budget from the same address: closed unanswered, though places are free.
  auto past = admit_tracked(tracker, "127.0.0.1", admission);
  EXPECT_EQ(admission, Admission::drop);
  EXPECT_EQ(tracker.served(), handshakes_per_address_max);
  // Another address is not held back by it.
  auto other = admit_tracked(tracker, "127.0.0.2", admission);
  EXPECT_EQ(admission, Admission::serve);
  // A finished handshake gives the address one back; one that finished stays served.
  hog.front().ticket.handshake_done();
  auto next = admit_tracked(tracker, "127.0.0.1", admission);
  EXPECT_EQ(admission, Admission::serve);
  auto over = admit_tracked(tracker, "127.0.0.1", admission);
  EXPECT_EQ(admission, Admission::drop);
  // So does one that goes before it finished.
  hog.pop_back();
  auto again = admit_tracked(tracker, "127.0.0.1", admission);
  EXPECT_EQ(admission, Admission::serve);
  EXPECT_EQ(tracker.handshaking(), handshakes_per_address_max + 1);
  for (const auto& admitted : hog) EXPECT_EQ(admitted.connection->aborts, 0);
}

TEST(ConnectionTracker, RefusedConnectionsCountAgainstTheirAddressesBudget) {
  ConnectionTracker tracker({.serve_max = 1,
                             .refuse_max = 8,
                             .handshakes_per_source_max = 3,
                             .evictions_pending_max = 0});
  Admission admission;
  auto served = admit_tracked(tracker, "10.0.0.1", admission);
  ASSERT_EQ(admission, Admission::serve);
  auto refused1 = admit_tracked(tracker, "10.0.0.1", admission);
  EXPECT_EQ(admission, Admission::refuse);
  auto refused2 = admit_tracked(tracker, "10.0.0.1", admission);
  EXPECT_EQ(admission, Admission::refuse);
  auto dropped = admit_tracked(tracker, "10.0.0.1", admission);
  EXPECT_EQ(admission, Admission::drop);
  EXPECT_EQ(tracker.refused(), 2u);
}

TEST(ConnectionTracker, ANewcomerAtTheCapTakesTheOldestStalledHandshakesPlace) {
  constexpr std::size_t serve_max = 8;
  ConnectionTracker tracker({.serve_max = serve_max,
                             .refuse_max = 2,
                             .handshakes_per_source_max = serve_max,
                             .evictions_pending_max = 3});
  Admission admission;
  // Four finish their handshakes; four stall before TLS.
  std::vector<Admitted> connections;
  for (std::size_t i = 0; i < serve_max; ++i) {
    connections.push_back(admit_tracked(tracker, nth_source(i), admission));
    ASSERT_EQ(admission, Admission::serve);
    if (i % 2 == 0) connections.back().ticket.handshake_done();
  }
  // The stalled ones make room, oldest first (1, 3, 5), while fewer than three are closing.
  std::vector<Admitted> newcomers;
  for (std::size_t i = 0; i < 3; ++i) {
    newcomers.push_back(admit_tracked(tracker, "192.0.2.1", admission));
    ASSERT_EQ(admission, Admission::serve) << i;
    EXPECT_EQ(connections[2 * i + 1].connection->aborts, 1) << i;
    newcomers.back().ticket.handshake_done();
  }
  EXPECT_EQ(connections[7].connection->aborts, 0);
  for (std::size_t i = 0; i < serve_max; i += 2) EXPECT_EQ(connections[i].connection->aborts, 0);
  EXPECT_EQ(tracker.served(), serve_max);
  EXPECT_EQ(tracker.evicted_total(), 3u);
  // Three are still closing: the next newcomer is refused, not given a fourth's place.
  auto refused = admit_tracked(tracker, "192.0.2.2", admission);
  EXPECT_EQ(admission, Admission::refuse);
  EXPECT_EQ(connections[7].connection->aborts, 0);
  // One closed victim goes: its place was passed on, so the count of served stays.
  connections[1] = {};
  EXPECT_EQ(tracker.served(), serve_max);
  auto fourth = admit_tracked(tracker, "192.0.2.3", admission);
  EXPECT_EQ(admission, Admission::serve);
  EXPECT_EQ(connections[7].connection->aborts, 1);
  fourth.ticket.handshake_done();
  // No served connection is left in its handshake: nobody can make room.
  connections[3] = {};
  auto none = admit_tracked(tracker, "192.0.2.4", admission);
  EXPECT_EQ(admission, Admission::refuse);
  // All gone: idle, with every count back at zero (the destructor asserts it too).
  connections.clear();
  newcomers.clear();
  refused = {};
  fourth = {};
  none = {};
  EXPECT_EQ(tracker.served(), 0u);
  EXPECT_EQ(tracker.refused(), 0u);
  EXPECT_EQ(tracker.handshaking(), 0u);
  EXPECT_TRUE(tracker.wait_idle_until(std::chrono::steady_clock::now()));
}

TEST(ConnectionTracker, TheAddressWithTheMostHandshakesMakesRoomFirst) {
  ConnectionTracker tracker({.serve_max = 6,
                             .refuse_max = 0,
                             .handshakes_per_source_max = 4,
                             .evictions_pending_max = 4});
  Admission admission;
  // A newcomer's handshake is the oldest; then four from one address and one from another.
  auto early = admit_tracked(tracker, "192.0.2.1", admission);
  std::vector<Admitted> busy;
  for (int i = 0; i < 4; ++i) busy.push_back(admit_tracked(tracker, "198.51.100.7", admission));
  auto other = admit_tracked(tracker, "203.0.113.9", admission);
  ASSERT_EQ(tracker.served(), 6u);
  // Room is made from the busiest address, oldest first, until it is no busier than the rest.
  auto first = admit_tracked(tracker, "192.0.2.2", admission);
  EXPECT_EQ(admission, Admission::serve);
  EXPECT_EQ(busy[0].connection->aborts, 1);
  auto second = admit_tracked(tracker, "192.0.2.3", admission);
  EXPECT_EQ(busy[1].connection->aborts, 1);
  auto third = admit_tracked(tracker, "192.0.2.4", admission);
  EXPECT_EQ(busy[2].connection->aborts, 1);
  // Now every address has one in its handshake: the oldest of all goes.
  auto fourth = admit_tracked(tracker, "192.0.2.5", admission);
  EXPECT_EQ(admission, Admission::serve);
  EXPECT_EQ(early.connection->aborts, 1);
  EXPECT_EQ(busy[3].connection->aborts, 0);
  EXPECT_EQ(other.connection->aborts, 0);
  EXPECT_EQ(tracker.evicted_total(), 4u);
}

// The churn the 24-address hog test showed: at the cap, an address's own reconnection took the
// place of another address's stalled handshake, which reconnected and did the same, without
// end. Now an address with handshakes in flight takes a place only from one with two more.
TEST(ConnectionTracker, AnAddressWithHandshakesTakesAPlaceOnlyFromOneWithTwoMore) {
  ConnectionTracker tracker({.serve_max = 6,
                             .refuse_max = 1,
                             .handshakes_per_source_max = 8,
                             .evictions_pending_max = 8});
  Admission admission;
  const std::string a = "198.51.100.1", b = "198.51.100.2", c = "198.51.100.3";
  // Stalled handshakes fill the places: four from a, one each from b and c.
  std::vector<Admitted> from_a;
  for (int i = 0; i < 4; ++i) from_a.push_back(admit_tracked(tracker, a, admission));
  auto b0 = admit_tracked(tracker, b, admission);
  auto c0 = admit_tracked(tracker, c, admission);
  ASSERT_EQ(tracker.served(), 6u);
  // b (1) against a (4): a's oldest gives its place up.
  auto b1 = admit_tracked(tracker, b, admission);
  EXPECT_EQ(admission, Admission::serve);
  EXPECT_EQ(from_a[0].connection->aborts, 1);
  // b (2) against a (3): taking a's place would only move the imbalance, so b is refused.
  auto b2 = admit_tracked(tracker, b, admission);
  EXPECT_EQ(admission, Admission::refuse);
  EXPECT_EQ(from_a[1].connection->aborts, 0);
  // c (1) against a (3, b's refusal counting for b, which also has 3): a's oldest again.
  auto c1 = admit_tracked(tracker, c, admission);
  EXPECT_EQ(admission, Admission::serve);
  EXPECT_EQ(from_a[1].connection->aborts, 1);
  // a (2) against b (3): no eviction, and the one refusal place is taken.
  auto a4 = admit_tracked(tracker, a, admission);
  EXPECT_EQ(admission, Admission::drop);
  // A newcomer, none in its handshake, still takes the oldest place from the busiest address.
  auto newcomer = admit_tracked(tracker, "192.0.2.1", admission);
  EXPECT_EQ(admission, Admission::serve);
  EXPECT_EQ(b0.connection->aborts, 1);
  for (auto* untouched : {&from_a[2], &from_a[3], &c0, &b1, &c1}) {
    EXPECT_EQ(untouched->connection->aborts, 0);
  }
  EXPECT_EQ(tracker.evicted_total(), 3u);
  EXPECT_EQ(tracker.served(), 6u);
}

}  // namespace
}  // namespace pardner::api
