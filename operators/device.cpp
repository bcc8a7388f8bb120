#include "operators/device.hpp"

#include "core/error.hpp"

#include <torch/cuda.h>
#include <torch/version.h>

#include <regex>

namespace ff {

bool cuda_available() { return torch::cuda::is_available(); }

std::string describe_torch() {
  return fmt::format("LibTorch {}.{}.{} (CUDA available: {})", TORCH_VERSION_MAJOR, TORCH_VERSION_MINOR,
                     TORCH_VERSION_PATCH, cuda_available() ? fmt::format("yes, {} device(s)", torch::cuda::device_count()) : "no");
}

void require_device(const std::string& name) {
  static const std::regex cuda_pattern(R"(cuda(:(\d+))?)");
  if (name == "cpu") return;
  std::smatch match;
  FF_REQUIRE(std::regex_match(name, match, cuda_pattern), InputError,
             "unknown device '{}' (expected cpu, cuda or cuda:N)", name);
  FF_REQUIRE(cuda_available(), InputError, "device '{}' requested, but this LibTorch build sees no CUDA device", name);
  const long index = match[2].matched ? std::stol(match[2]) : 0;
  FF_REQUIRE(index < static_cast<long>(torch::cuda::device_count()), InputError,
             "device '{}' requested, but only {} CUDA device(s) are present", name, torch::cuda::device_count());
}

}  // namespace ff
