// Legendre sums of the spherical harmonic transform for one instruction set.
//
// This file is compiled once per instruction set with FF_SPHERE_ISA naming
// the namespace (see CMakeLists.txt). It must not instantiate inline
// functions from headers: the linker keeps one copy of each, possibly one
// built for an instruction set the CPU lacks. So: builtins and GCC vector
// types only, everything else internal.
//
// Vectors run across latitudes (8 half rings each, 2 per block) and the loop
// over degree l is innermost, so the recurrence state stays in registers.
// Near the poles at high m, P̄_mm underflows double precision; those lanes
// carry a scale exponent (value = mantissa · 2^(−600·scale)) and contribute
// nothing while scale > 0, since then |P̄_lm| < 2^−300. Blocks with such lanes
// start lane by lane and switch to vectors once every lane is unscaled.
#include "solvers/sphere/legendre_kernels.hpp"

namespace ff::sphere::detail::FF_SPHERE_ISA {
namespace {

typedef double vd __attribute__((vector_size(64)));
constexpr int lanes = 8;
constexpr int nvec = ring_block / lanes;
constexpr double rescale_above = 0x1p300;
constexpr double rescale_factor = 0x1p-600;

inline vd load(const double* p) {
  vd v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
inline void store(double* p, vd v) { __builtin_memcpy(p, &v, sizeof v); }
inline vd splat(double a) { return vd{} + a; }
inline double horizontal_sum(vd v) {
  double s = 0;
  for (int k = 0; k < lanes; ++k) s += v[k];
  return s;
}

// P̄ values of one block of rings at degree index i = l − m ("cur") and i − 1 ("prev").
struct BlockRecurrence {
  vd x[nvec], prev[nvec], cur[nvec];
  int i = 0;
};

// Starts a block at i = 0 and gives the values there in `p` (zero in scaled
// lanes). Returns false when some lane is scaled.
bool start_block(const LegendreOrder& o, int b, BlockRecurrence& r, int scale[ring_block], vd p[nvec]) {
  bool scaled = false;
  for (int v = 0; v < nvec; ++v) {
    r.x[v] = load(o.x + b + lanes * v);
    r.prev[v] = splat(0.0);
    r.cur[v] = load(o.pmm + b + lanes * v);
  }
  for (int k = 0; k < ring_block; ++k) {
    scale[k] = o.pmm_scale[b + k];
    scaled |= scale[k] > 0;
  }
  for (int v = 0; v < nvec; ++v)
    for (int k = 0; k < lanes; ++k) p[v][k] = scale[lanes * v + k] == 0 ? r.cur[v][k] : 0.0;
  r.i = 0;
  return !scaled;
}

inline void step(const LegendreOrder& o, BlockRecurrence& r) {
  ++r.i;
  const vd a = splat(o.alpha[r.i]), ab = splat(o.alpha[r.i] * o.beta[r.i]);
  for (int v = 0; v < nvec; ++v) {
    const vd next = a * r.x[v] * r.cur[v] - ab * r.prev[v];
    r.prev[v] = r.cur[v];
    r.cur[v] = next;
  }
}

// One lane-by-lane step with rescaling; `unscaled` gets 1 where the lane's
// value is its true value and 0 where it is negligible.
bool step_scaled(const LegendreOrder& o, BlockRecurrence& r, int scale[ring_block], vd unscaled[nvec]) {
  step(o, r);
  bool any_scaled = false;
  for (int v = 0; v < nvec; ++v)
    for (int k = 0; k < lanes; ++k) {
      int& s = scale[lanes * v + k];
      if (s > 0 && __builtin_fabs(r.cur[v][k]) > rescale_above) {
        r.cur[v][k] *= rescale_factor;
        r.prev[v][k] *= rescale_factor;
        --s;
      }
      unscaled[v][k] = s == 0 ? 1.0 : 0.0;
      any_scaled |= s > 0;
    }
  return !any_scaled;
}

// ---- analysis: alm[i] = Σ_j P̄_{m+i,m}(x_j) (S_j or D_j) ----------------------

struct ForwardBlock {
  const double* sums[4];  // even re, even im, odd re, odd im of field 0 at this block
  int nhalf;
  int nfields;
  double* acc;  // [field][i][re, im] vectors of partial sums
  int nl;
};

inline void accumulate_forward(const ForwardBlock& fb, int i, const vd* p) {
  const int parity = 2 * (i & 1);
  for (int f = 0; f < fb.nfields; ++f) {
    const double* re = fb.sums[parity] + f * fb.nhalf;
    const double* im = fb.sums[parity + 1] + f * fb.nhalf;
    vd sr = p[0] * load(re), si = p[0] * load(im);
    for (int v = 1; v < nvec; ++v) {
      sr += p[v] * load(re + lanes * v);
      si += p[v] * load(im + lanes * v);
    }
    double* a = fb.acc + 2 * lanes * (static_cast<long>(f) * fb.nl + i);
    store(a, load(a) + sr);
    store(a + lanes, load(a + lanes) + si);
  }
}

void forward(const LegendreOrder& o, int nfields, const HalfRingSums& in, double* alm, std::size_t alm_stride,
             double* scratch) {
  const int nl = o.lmax - o.m + 1;
  double* acc = scratch;
  for (long k = 0; k < 2L * lanes * nfields * nl; ++k) acc[k] = 0.0;

  for (int b = 0; b < o.nhalf_padded; b += ring_block) {
    ForwardBlock fb{{in.even_re + b, in.even_im + b, in.odd_re + b, in.odd_im + b}, o.nhalf_padded, nfields, acc, nl};
    if (o.table) {
      for (int i = 0; i < nl; ++i) {
        vd p[nvec];
        for (int v = 0; v < nvec; ++v) p[v] = load(o.table + static_cast<long>(i) * o.nhalf_padded + b + lanes * v);
        accumulate_forward(fb, i, p);
      }
      continue;
    }
    BlockRecurrence r;
    int scale[ring_block];
    vd p[nvec];
    bool vector_ready = start_block(o, b, r, scale, p);
    accumulate_forward(fb, 0, p);
    while (r.i + 1 < nl && !vector_ready) {
      vd unscaled[nvec];
      vector_ready = step_scaled(o, r, scale, unscaled);
      for (int v = 0; v < nvec; ++v) p[v] = r.cur[v] * unscaled[v];
      accumulate_forward(fb, r.i, p);
    }
    while (r.i + 1 < nl) {
      step(o, r);
      accumulate_forward(fb, r.i, r.cur);
    }
  }
  for (int f = 0; f < nfields; ++f)
    for (int i = 0; i < nl; ++i) {
      const double* a = acc + 2 * lanes * (static_cast<long>(f) * nl + i);
      alm[2 * (f * alm_stride + i)] = horizontal_sum(load(a));
      alm[2 * (f * alm_stride + i) + 1] = horizontal_sum(load(a + lanes));
    }
}

// ---- synthesis: E_j = Σ_{i even} alm[i] P̄, O_j = Σ_{i odd} alm[i] P̄ ----------

// G fields at once, their accumulators in registers.
template <int G>
struct InverseBlock {
  vd even_re[G][nvec], even_im[G][nvec], odd_re[G][nvec], odd_im[G][nvec];
  const double* alm[G];

  void zero() {
    for (int g = 0; g < G; ++g)
      for (int v = 0; v < nvec; ++v) even_re[g][v] = even_im[g][v] = odd_re[g][v] = odd_im[g][v] = splat(0.0);
  }
  inline void accumulate(int i, const vd* p) {
    for (int g = 0; g < G; ++g) {
      const vd cr = splat(alm[g][2 * i]), ci = splat(alm[g][2 * i + 1]);
      vd* re = (i & 1) ? odd_re[g] : even_re[g];
      vd* im = (i & 1) ? odd_im[g] : even_im[g];
      for (int v = 0; v < nvec; ++v) {
        re[v] += cr * p[v];
        im[v] += ci * p[v];
      }
    }
  }
  void write(const HalfRingSums& out, int field0, int nhalf, int b) const {
    for (int g = 0; g < G; ++g) {
      const long base = static_cast<long>(field0 + g) * nhalf + b;
      for (int v = 0; v < nvec; ++v) {
        store(out.even_re + base + lanes * v, even_re[g][v]);
        store(out.even_im + base + lanes * v, even_im[g][v]);
        store(out.odd_re + base + lanes * v, odd_re[g][v]);
        store(out.odd_im + base + lanes * v, odd_im[g][v]);
      }
    }
  }
};

template <int G>
void inverse_fields(const LegendreOrder& o, int field0, const double* alm, std::size_t alm_stride,
                    const HalfRingSums& out) {
  const int nl = o.lmax - o.m + 1;
  InverseBlock<G> ib;
  for (int g = 0; g < G; ++g) ib.alm[g] = alm + 2 * (field0 + g) * alm_stride;
  for (int b = 0; b < o.nhalf_padded; b += ring_block) {
    ib.zero();
    if (o.table) {
      for (int i = 0; i < nl; ++i) {
        vd p[nvec];
        for (int v = 0; v < nvec; ++v) p[v] = load(o.table + static_cast<long>(i) * o.nhalf_padded + b + lanes * v);
        ib.accumulate(i, p);
      }
      ib.write(out, field0, o.nhalf_padded, b);
      continue;
    }
    BlockRecurrence r;
    int scale[ring_block];
    vd p[nvec];
    bool vector_ready = start_block(o, b, r, scale, p);
    ib.accumulate(0, p);
    while (r.i + 1 < nl && !vector_ready) {
      vd unscaled[nvec];
      vector_ready = step_scaled(o, r, scale, unscaled);
      for (int v = 0; v < nvec; ++v) p[v] = r.cur[v] * unscaled[v];
      ib.accumulate(r.i, p);
    }
    while (r.i + 1 < nl) {
      step(o, r);
      ib.accumulate(r.i, r.cur);
    }
    ib.write(out, field0, o.nhalf_padded, b);
  }
}

void inverse(const LegendreOrder& o, int nfields, const double* alm, std::size_t alm_stride, const HalfRingSums& out) {
  int f = 0;
  for (; f + 2 <= nfields; f += 2) inverse_fields<2>(o, f, alm, alm_stride, out);
  if (f < nfields) inverse_fields<1>(o, f, alm, alm_stride, out);
}

}  // namespace

extern const LegendreKernels kernels{FF_SPHERE_ISA_NAME, forward, inverse};

}  // namespace ff::sphere::detail::FF_SPHERE_ISA
