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

// The device this MPI rank trains on: "cuda" on a node with several GPUs
// becomes cuda:(node-local rank mod GPUs), so the ranks of a node spread over
// its devices; "cpu" and "cuda:N" are kept.
std::string rank_device(const std::string& name);

// Makes glibc keep freed heap memory for reuse instead of returning it to
// the system. Training allocates and frees the same large tensors every
// step; with glibc's defaults each of them is a fresh mmap whose first touch
// page-faults (measured here: a 10 MB buffer 18 ms fresh, 1 ms reused), and
// FNO-2D training runs about 6× faster without that. Process-wide: freed
// memory up to 1 GB stays mapped. A no-op with other C libraries.
void keep_freed_memory_for_reuse();

// LibTorch's thread counts from FIELDFORGE_THREADS, as the FFTW solvers take
// theirs: T intra-op threads (OpenMP, which also runs the FFTW and mode-mixing
// work of the Fourier layers, one FFTW thread per task) and one inter-op
// thread, since fieldforge runs no concurrent graphs. Unset: LibTorch's own
// defaults, except that R ranks on a node of C cores get max(1, C/R) each
// rather than C (which oversubscribes the node R times). Returns the
// intra-op thread count in effect.
int configure_torch_threads();

// Both of the above: what every stage that trains or evaluates a network
// calls first.
void prepare_torch_process();

}  // namespace ff
