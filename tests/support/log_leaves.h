// A log's leaves through Reader::leaves, which answers at most entries_page_max at a time.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ledger/limits.h"
#include "ledger/reader.h"

namespace pardner::testing {

// Every leaf in seq order, up to `size` when given (a checkpoint's tree size), else to the end.
inline ledger::Result<std::vector<std::string>> read_leaves(
    ledger::Reader& reader, std::optional<std::uint64_t> size = std::nullopt) {
  std::vector<std::string> leaves;
  while (!size || leaves.size() < *size) {
    std::size_t page = ledger::entries_page_max;
    if (size) page = static_cast<std::size_t>(std::min<std::uint64_t>(*size - leaves.size(), page));
    auto read = reader.leaves(static_cast<ledger::Seq>(leaves.size()), page);
    if (!read) return read.error();
    if (read.value().empty()) break;
    for (std::string& leaf : read.value()) leaves.push_back(std::move(leaf));
  }
  return leaves;
}

}  // namespace pardner::testing
