// Compute devices for the neural operators. This header stays free of
// LibTorch includes so that other modules can ask about devices cheaply.
#pragma once

#include <string>

namespace ff {

// "LibTorch 1.13.1 (CUDA available: no)".
std::string describe_torch();

bool cuda_available();

// Checks a `device:` value from a case file: "cpu", "cuda" or "cuda:N".
// InputError when the name is unknown or the device is not present.
void require_device(const std::string& name);

}  // namespace ff
