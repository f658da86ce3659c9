// Result<T, E>: the value-or-error type every layer returns for expected failures.
// Shaped like C++23 std::expected so a later switch is mechanical. Defines no error codes:
// each layer owns its own (crypto/crypto_error.h, ledger/error.h).
#pragma once

#include <type_traits>
#include <utility>
#include <variant>

#include "crypto/invariant.h"

namespace pardner {

template <class T, class E>
class [[nodiscard]] Result {
  static_assert(!std::is_same_v<T, E>);

 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit
  Result(E error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    PARDNER_ASSERT(has_value());
    return std::get<0>(state_);
  }
  const T& value() const& {
    PARDNER_ASSERT(has_value());
    return std::get<0>(state_);
  }
  T&& value() && {
    PARDNER_ASSERT(has_value());
    return std::get<0>(std::move(state_));
  }
  // As std::expected: the value's members, asserting that there is one.
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const E& error() const {
    PARDNER_ASSERT(!has_value());
    return std::get<1>(state_);
  }

 private:
  std::variant<T, E> state_;
};

// Result<Ok, E> for operations with nothing to return.
struct Ok {};

}  // namespace pardner
