#include "operators/training/device.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <regex>
#include <thread>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace ff {

bool cuda_available() { return torch::cuda::is_available(); }

std::string describe_torch() {
  return fmt::format("LibTorch {}.{}.{} (CUDA available: {})", TORCH_VERSION_MAJOR, TORCH_VERSION_MINOR,
                     TORCH_VERSION_PATCH,
                     cuda_available() ? fmt::format("yes, {} device(s)", torch::cuda::device_count()) : "no");
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

std::string rank_device(const std::string& name) {
  if (name != "cuda" || mpi_size() == 1) return name;
  const auto devices = static_cast<int>(torch::cuda::device_count());
  return devices > 1 ? fmt::format("cuda:{}", node_local_rank() % devices) : name;
}

void keep_freed_memory_for_reuse() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // blocks below 32 MB come from the heap
  mallopt(M_TRIM_THRESHOLD, 1 << 30);   // free heap returns to the system only above 1 GB...
  mallopt(M_TOP_PAD, 256 << 20);        // ...and grows in 256 MB steps
#endif
}

namespace {

// Cores this process may run on (its affinity mask, which batch systems and
// cgroups narrow), not all the machine's.
int usable_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

}  // namespace

int configure_torch_threads() {
  const char* env = std::getenv("FIELDFORGE_THREADS");
  long threads = 0;
  if (env && *env) {
    char* end = nullptr;
    threads = std::strtol(env, &end, 10);
    FF_REQUIRE(*end == '\0' && threads >= 1 && threads <= 4096, InputError,
               "FIELDFORGE_THREADS must be a whole number from 1 to 4096, got '{}'", env);
  } else if (node_local_size() > 1) {
    threads = std::max(1, usable_cores() / node_local_size());
  }
  if (threads > 0) {
    at::set_num_threads(static_cast<int>(threads));
    // Settable once, before the inter-op pool starts; later calls keep it.
    static const bool interop_set = [] {
      try {
        at::set_num_interop_threads(1);
        return true;
      } catch (const c10::Error&) {
        return false;
      }
    }();
    (void)interop_set;
  }
  return at::get_num_threads();
}

void prepare_torch_process() {
  keep_freed_memory_for_reuse();
  configure_torch_threads();
}

}  // namespace ff
