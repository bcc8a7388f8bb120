// Large output arrays (a 256³ grid is 134 MB) spend more time in page faults
// on first write than in the arithmetic that fills them: on Linux, ask for
// transparent huge pages on such a buffer before touching it (a no-op elsewhere
// or when the kernel declines).
#pragma once

#include <cstddef>

namespace ff::tensor::detail {

void advise_huge_pages(void* data, std::size_t bytes);

}  // namespace ff::tensor::detail
