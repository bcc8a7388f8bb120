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
// nothing while scale > 0, since then |P̄_lm| < 2^−80. Blocks with such lanes
// run a checked recurrence until every lane is unscaled, then the plain one.
#include "solvers/sphere/legendre_kernels.hpp"

namespace ff::sphere::detail::FF_SPHERE_ISA {
namespace {

typedef double vd __attribute__((vector_size(64)));
constexpr int lanes = 8;
constexpr int nvec = ring_block / lanes;
constexpr double rescale_above = 0x1p520;
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

// Scale exponents of a block's lanes and the 1/0 mask of unscaled ones.
struct BlockScale {
  int scale[ring_block];
  vd unscaled[nvec];
  int scaled_lanes = 0;

  void update_mask() {
    scaled_lanes = 0;
    for (int v = 0; v < nvec; ++v)
      for (int k = 0; k < lanes; ++k) {
        unscaled[v][k] = scale[lanes * v + k] == 0 ? 1.0 : 0.0;
        scaled_lanes += scale[lanes * v + k] > 0;
      }
  }
};

// Starts a block at i = 0 and gives the values there in `p` (zero in scaled
// lanes). Returns false when some lane is scaled.
bool start_block(const LegendreOrder& o, int b, BlockRecurrence& r, BlockScale& bs, vd p[nvec]) {
  for (int v = 0; v < nvec; ++v) {
    r.x[v] = load(o.x + b + lanes * v);
    r.prev[v] = splat(0.0);
    r.cur[v] = load(o.pmm + b + lanes * v);
  }
  for (int k = 0; k < ring_block; ++k) bs.scale[k] = o.pmm_scale[b + k];
  bs.update_mask();
  for (int v = 0; v < nvec; ++v) p[v] = r.cur[v] * bs.unscaled[v];
  r.i = 0;
  return bs.scaled_lanes == 0;
}

inline void step(const LegendreOrder& o, BlockRecurrence& r) {
  ++r.i;
  const vd a = splat(o.step[r.i]);
  for (int v = 0; v < nvec; ++v) {
    const vd next = (a * r.x[v]) * r.cur[v] - r.prev[v];
    r.prev[v] = r.cur[v];
    r.cur[v] = next;
  }
}

// Unscales lanes whose mantissa passed 2^520. Only scaled lanes get there
// (true values are O(√l)); checking every fourth step is enough, as four steps
// grow a value by far less than the 2^500 left before overflow, and a lane
// unscaled late has missed only values below 2^−80 · growth. Returns true once
// no lane is scaled.
constexpr int scale_check_interval = 4;

__attribute__((noinline)) bool unscale_passed_lanes(BlockRecurrence& r, BlockScale& bs) {
  for (int v = 0; v < nvec; ++v)
    for (int k = 0; k < lanes; ++k) {
      int& s = bs.scale[lanes * v + k];
      if (s > 0 && __builtin_fabs(r.cur[v][k]) > rescale_above) {
        r.cur[v][k] *= rescale_factor;
        r.prev[v][k] *= rescale_factor;
        --s;
      }
    }
  bs.update_mask();
  return bs.scaled_lanes == 0;
}

// |x| of IEEE doubles orders like the integer of its bits, so the largest
// magnitude in the block is an integer maximum over the vectors and then over
// the lanes of one.
inline bool unscale_lanes(BlockRecurrence& r, BlockScale& bs) {
  typedef long long vl __attribute__((vector_size(64)));
  const vl magnitude_bits = vl{} + 0x7fffffffffffffffLL;
  vl largest = vl{};
  for (int v = 0; v < nvec; ++v) {
    vl bits;
    __builtin_memcpy(&bits, &r.cur[v], sizeof bits);
    bits &= magnitude_bits;
    largest = bits > largest ? bits : largest;
  }
  long long top = largest[0];
  for (int k = 1; k < lanes; ++k) top = largest[k] > top ? largest[k] : top;
  const double limit = rescale_above;
  long long limit_bits;
  __builtin_memcpy(&limit_bits, &limit, sizeof limit);
  return top > limit_bits ? unscale_passed_lanes(r, bs) : false;
}

// ---- analysis: alm[i] = Σ_j P̄_{m+i,m}(x_j) (S_j or D_j) ----------------------

// G fields at once: their block of half-ring sums in registers, the per-degree
// partial sums (one vector each for re and im) in `acc`.
template <int G>
struct ForwardBlock {
  vd sums[G][4][nvec];  // even re, even im, odd re, odd im
  double* acc[G];       // [i][re, im][lane]

  void load_sums(const HalfRingSums& in, int field0, int nhalf, int b) {
    const double* parts[4] = {in.even_re, in.even_im, in.odd_re, in.odd_im};
    for (int g = 0; g < G; ++g)
      for (int k = 0; k < 4; ++k)
        for (int v = 0; v < nvec; ++v)
          sums[g][k][v] = load(parts[k] + static_cast<long>(field0 + g) * nhalf + b + lanes * v);
  }
  template <int Parity>
  inline void accumulate(int i, const vd* p) {
    for (int g = 0; g < G; ++g) {
      vd sr = p[0] * sums[g][2 * Parity][0], si = p[0] * sums[g][2 * Parity + 1][0];
      for (int v = 1; v < nvec; ++v) {
        sr += p[v] * sums[g][2 * Parity][v];
        si += p[v] * sums[g][2 * Parity + 1][v];
      }
      double* a = acc[g] + 2 * lanes * i;
      store(a, load(a) + sr);
      store(a + lanes, load(a + lanes) + si);
    }
  }
  inline void accumulate(int i, const vd* p) {
    if (i & 1)
      accumulate<1>(i, p);
    else
      accumulate<0>(i, p);
  }
};

template <int G>
void forward_fields(const LegendreOrder& o, int field0, const HalfRingSums& in, double* acc_all) {
  const int nl = o.lmax - o.m + 1;
  ForwardBlock<G> fb;
  for (int g = 0; g < G; ++g) fb.acc[g] = acc_all + 2L * lanes * nl * (field0 + g);
  for (int b = 0; b < o.nhalf_padded; b += ring_block) {
    fb.load_sums(in, field0, o.nhalf_padded, b);
    if (o.table) {
      for (int i = 0; i < nl; ++i) {
        vd p[nvec];
        for (int v = 0; v < nvec; ++v) p[v] = load(o.table + static_cast<long>(i) * o.nhalf_padded + b + lanes * v);
        fb.accumulate(i, p);
      }
      continue;
    }
    BlockRecurrence r;
    BlockScale bs;
    vd p[nvec];
    bool vector_ready = start_block(o, b, r, bs, p);
    fb.accumulate(0, p);
    while (r.i + 1 < nl && !vector_ready) {
      step(o, r);
      if (r.i % scale_check_interval == 0) vector_ready = unscale_lanes(r, bs);
      if (bs.scaled_lanes == ring_block) continue;  // nothing to add yet
      for (int v = 0; v < nvec; ++v) p[v] = r.cur[v] * bs.unscaled[v];
      fb.accumulate(r.i, p);
    }
    if (r.i + 1 < nl && !(r.i & 1)) {  // line up so that pairs start at odd i
      step(o, r);
      fb.template accumulate<1>(r.i, r.cur);
    }
    while (r.i + 2 < nl) {  // a fixed parity per call keeps the sums in registers
      step(o, r);
      fb.template accumulate<0>(r.i, r.cur);
      step(o, r);
      fb.template accumulate<1>(r.i, r.cur);
    }
    if (r.i + 1 < nl) {
      step(o, r);
      fb.template accumulate<0>(r.i, r.cur);
    }
  }
}

void forward(const LegendreOrder& o, int nfields, const HalfRingSums& in, double* alm, std::size_t alm_stride,
             double* scratch) {
  const int nl = o.lmax - o.m + 1;
  for (long k = 0; k < 2L * lanes * nfields * nl; ++k) scratch[k] = 0.0;
  int f = 0;
  for (; f + 2 <= nfields; f += 2) forward_fields<2>(o, f, in, scratch);
  if (f < nfields) forward_fields<1>(o, f, in, scratch);
  for (f = 0; f < nfields; ++f)
    for (int i = 0; i < nl; ++i) {
      const double* a = scratch + 2 * lanes * (static_cast<long>(f) * nl + i);
      const double d = o.norm ? o.norm[i] : 1.0;
      alm[2 * (f * alm_stride + i)] = d * horizontal_sum(load(a));
      alm[2 * (f * alm_stride + i) + 1] = d * horizontal_sum(load(a + lanes));
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
  template <int Parity>
  inline void accumulate(int i, const vd* p) {
    for (int g = 0; g < G; ++g) {
      const vd cr = splat(alm[g][2 * i]), ci = splat(alm[g][2 * i + 1]);
      for (int v = 0; v < nvec; ++v) {
        (Parity ? odd_re : even_re)[g][v] += cr * p[v];
        (Parity ? odd_im : even_im)[g][v] += ci * p[v];
      }
    }
  }
  inline void accumulate(int i, const vd* p) {
    if (i & 1)
      accumulate<1>(i, p);
    else
      accumulate<0>(i, p);
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
    BlockScale bs;
    vd p[nvec];
    bool vector_ready = start_block(o, b, r, bs, p);
    ib.accumulate(0, p);
    while (r.i + 1 < nl && !vector_ready) {
      step(o, r);
      if (r.i % scale_check_interval == 0) vector_ready = unscale_lanes(r, bs);
      if (bs.scaled_lanes == ring_block) continue;  // nothing to add yet
      for (int v = 0; v < nvec; ++v) p[v] = r.cur[v] * bs.unscaled[v];
      ib.accumulate(r.i, p);
    }
    if (r.i + 1 < nl && !(r.i & 1)) {  // line up so that pairs start at odd i
      step(o, r);
      ib.template accumulate<1>(r.i, r.cur);
    }
    while (r.i + 2 < nl) {
      step(o, r);
      ib.template accumulate<0>(r.i, r.cur);
      step(o, r);
      ib.template accumulate<1>(r.i, r.cur);
    }
    if (r.i + 1 < nl) {
      step(o, r);
      ib.template accumulate<0>(r.i, r.cur);
    }
    ib.write(out, field0, o.nhalf_padded, b);
  }
}

void inverse(const LegendreOrder& o, int nfields, const double* alm, std::size_t alm_stride, const HalfRingSums& out,
             double* scratch) {
  const int nl = o.lmax - o.m + 1;
  if (o.norm) {  // the recurrence runs for Q_l = P̄_l / d_l: fold d_l into the coefficients
    for (int f = 0; f < nfields; ++f)
      for (int i = 0; i < nl; ++i) {
        scratch[2 * (f * nl + i)] = o.norm[i] * alm[2 * (f * alm_stride + i)];
        scratch[2 * (f * nl + i) + 1] = o.norm[i] * alm[2 * (f * alm_stride + i) + 1];
      }
    alm = scratch;
    alm_stride = nl;
  }
  int f = 0;
  for (; f + 2 <= nfields; f += 2) inverse_fields<2>(o, f, alm, alm_stride, out);
  if (f < nfields) inverse_fields<1>(o, f, alm, alm_stride, out);
}

}  // namespace

extern const LegendreKernels kernels{FF_SPHERE_ISA_NAME, forward, inverse};

}  // namespace ff::sphere::detail::FF_SPHERE_ISA
