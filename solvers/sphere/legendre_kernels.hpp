// The inner loops of the spherical harmonic transform: for one order m, the
// sums over degree l and latitude of orthonormal associated Legendre
// functions against Fourier coefficients. They see plain arrays only, so the
// same source compiles once per instruction set (legendre_kernels.cpp, built
// for AVX-512, AVX2 and baseline x86-64) and sht.cpp picks one at run time.
//
// Rings come in north–south pairs; a "half ring" j < nhalf stands for the
// pair (j, nlat − 1 − j). P̄_lm(−x) = (−1)^(l−m) P̄_lm(x), so with the even part
// S = F(north) + F(south) and odd part D = F(north) − F(south) of the Fourier
// coefficients, degrees with l − m even see only S and odd ones only D. That
// halves the work.
#pragma once

#include <cstddef>

namespace ff::sphere::detail {

// Rings per block: four vectors of eight doubles, four independent recurrence
// chains to hide the latency of the multiply–add they wait on.
constexpr int ring_block = 32;

struct LegendreOrder {
  int m = 0, lmax = 0;
  int nhalf_padded = 0;          // half rings, a multiple of ring_block; padding has x = 0, P̄_mm = 0
  const double* x = nullptr;     // cos θ per half ring
  const double* step = nullptr;  // Q_l = A_l x Q_{l−1} − Q_{l−2}, P̄_lm = d_l Q_l (legendre.hpp), by l − m
  const double* norm = nullptr;
  const double* pmm = nullptr;  // P̄_mm per half ring, as mantissa · 2^(−600·scale); read by `prepare` only
  const int* pmm_scale = nullptr;
  // Where each block starts (BlockStart, made by `prepare`): near the poles at
  // high m a block's P̄_lm stay below 2^−80 for many degrees, or for all of
  // them; the sums skip those degrees instead of running the recurrence there.
  const struct BlockStart* start = nullptr;
  const double* table = nullptr;  // or precomputed P̄_lm, [(l − m) · nhalf_padded + j]; null for the recurrence
};

// The recurrence state of one block at its first degree index i that counts
// (some lane unscaled), exactly as the recurrence from P̄_mm reaches it, so a
// sum started here is bitwise the one started at i = 0. i = lmax − m + 1 when
// no lane ever counts; the block is then skipped. In table mode only `i` is
// used: the first row with a nonzero value in the block.
//
// After the start, while some lane is still scaled, the recurrence unscales
// lanes at some later degrees (multiples of 4): `prepare` records these
// events, so that the sums run the plain recurrence between them instead of
// checking every fourth degree. Bit k of a lane mask is lane k of the block.
// Each event unscales at least one lane by one power of 2^600; lanes of one
// block are neighbours in latitude and differ by a few powers at most, so
// four per lane is ample (prepare reports a block that needs more).
constexpr int max_block_events = 4 * ring_block;

struct BlockStart {
  int i;
  int scale[ring_block];
  double prev[ring_block], cur[ring_block];
  int nevents;
  int event_i[max_block_events];              // ascending degree indices
  unsigned event_lanes[max_block_events];     // lanes multiplied by 2^−600 there
  unsigned event_unscaled[max_block_events];  // the lanes unscaled after it
};

// Per field f the half-ring inputs and outputs are arrays at
// `even_re + f * nhalf_padded` etc. The coefficients of field f are the
// complex numbers alm[f * alm_stride + (l − m)], interleaved (re, im).
struct HalfRingSums {
  double* even_re;
  double* even_im;
  double* odd_re;
  double* odd_im;
};

// alm = Σ_j P̄_lm(x_j) (S_j or D_j), overwriting alm. `scratch` holds
// 2·(lmax + 2)·8 doubles per field (both kernels).
using ForwardKernel = void (*)(const LegendreOrder&, int nfields, const HalfRingSums& in, double* alm,
                               std::size_t alm_stride, double* scratch);
// E_j = Σ_{l−m even} alm P̄_lm(x_j), O_j likewise over odd l − m, overwriting `out`.
using InverseKernel = void (*)(const LegendreOrder&, int nfields, const double* alm, std::size_t alm_stride,
                               const HalfRingSums& out, double* scratch);

// Fills start[b] for the nhalf_padded / ring_block blocks of order o, from
// o.pmm (recurrence) or o.table. Returns false if a block has more than
// max_block_events unscaling events (never seen; the caller stops).
using PrepareKernel = bool (*)(const LegendreOrder&, BlockStart* start);

struct LegendreKernels {
  const char* isa;
  ForwardKernel forward;
  InverseKernel inverse;
  PrepareKernel prepare;
};

// The best set this CPU runs.
const LegendreKernels& legendre_kernels();

}  // namespace ff::sphere::detail
