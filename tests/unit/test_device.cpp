#include "core/error.hpp"
#include "operators/training/device.hpp"

#include <gtest/gtest.h>

namespace {

TEST(Device, CpuIsAlwaysAvailable) { EXPECT_NO_THROW(ff::require_device("cpu")); }

TEST(Device, UnknownNamesAreInputErrors) {
  EXPECT_THROW(ff::require_device("tpu"), ff::InputError);
  EXPECT_THROW(ff::require_device("cuda:x"), ff::InputError);
}

TEST(Device, CudaIsCheckedAgainstTheDevicesPresent) {
  if (ff::cuda_available()) {
    EXPECT_NO_THROW(ff::require_device("cuda"));
    EXPECT_THROW(ff::require_device("cuda:4096"), ff::InputError);
  } else {
    EXPECT_THROW(ff::require_device("cuda"), ff::InputError);
  }
  EXPECT_NE(ff::describe_torch().find("LibTorch"), std::string::npos);
}

}  // namespace
