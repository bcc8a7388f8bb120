#include "core/hash.hpp"

#include <fmt/format.h>

namespace ff {

std::string hex64(std::uint64_t value) { return fmt::format("{:016x}", value); }

}  // namespace ff
