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
// nothing while scale > 0, since then |P̄_lm| < 2^−80. Degrees where every
// lane of a block is still scaled add nothing; `prepare` runs the checked
// recurrence through them once per transform object and stores the state
// where the block starts to count (BlockStart), so the sums resume there. It
// also records the later degrees where lanes are unscaled, so the sums run the
// plain recurrence throughout and apply those events in between.
#include "solvers/sphere/legendre_kernels.hpp"

namespace ff::sphere::detail::FF_SPHERE_ISA {
namespace {

typedef double vd __attribute__((vector_size(64)));
typedef long long vl __attribute__((vector_size(64)));  // lane masks (−1 or 0) of vd compares
typedef int vi __attribute__((vector_size(32)));
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
// Written out lane by lane so that GCC broadcasts from memory (vd{} + a costs an add).
inline vd splat(double a) { return vd{a, a, a, a, a, a, a, a}; }
inline double horizontal_sum(vd v) {
  double s = 0;
  for (int k = 0; k < lanes; ++k) s += v[k];
  return s;
}

// Lane k of the result: the sum of the lanes of the vector at a + k · stride, k < 8.
inline vd lane_sums(const double* a, int stride) {
  vd v[lanes];
  for (int k = 0; k < lanes; ++k) v[k] = load(a + k * stride);
  vd u[4];  // u[k]: pairs of lanes of v[2k] and v[2k + 1], interleaved
  for (int k = 0; k < 4; ++k)
    u[k] = __builtin_shufflevector(v[2 * k], v[2 * k + 1], 0, 8, 2, 10, 4, 12, 6, 14) +
           __builtin_shufflevector(v[2 * k], v[2 * k + 1], 1, 9, 3, 11, 5, 13, 7, 15);
  vd w[2];  // w[k]: quarters of v[4k..4k+3] (lanes 0-3) and their other halves (lanes 4-7)
  for (int k = 0; k < 2; ++k)
    w[k] = __builtin_shufflevector(u[2 * k], u[2 * k + 1], 0, 1, 8, 9, 4, 5, 12, 13) +
           __builtin_shufflevector(u[2 * k], u[2 * k + 1], 2, 3, 10, 11, 6, 7, 14, 15);
  return __builtin_shufflevector(w[0], w[1], 0, 1, 2, 3, 8, 9, 10, 11) +
         __builtin_shufflevector(w[0], w[1], 4, 5, 6, 7, 12, 13, 14, 15);
}

// P̄ values of one block of rings at degree index i = l − m ("cur") and i − 1 ("prev").
struct BlockRecurrence {
  vd x[nvec], prev[nvec], cur[nvec];
  int i = 0;
};

// Some lane of the mask set: OR of the halves, three times.
inline bool any_lane(vl mask) {
  mask |= __builtin_shufflevector(mask, mask, 4, 5, 6, 7, 0, 1, 2, 3);
  mask |= __builtin_shufflevector(mask, mask, 2, 3, 0, 1, 6, 7, 4, 5);
  mask |= __builtin_shufflevector(mask, mask, 1, 0, 3, 2, 5, 4, 7, 6);
  return mask[0] != 0;
}

// Scale exponents of a block's lanes (as doubles, so that all updates are
// vector operations) and the 1/0 mask of unscaled ones.
struct BlockScale {
  vd scale[nvec];
  vd unscaled[nvec];
  bool all_scaled = false, none_scaled = true;

  void set(const int* exponents) {
    for (int v = 0; v < nvec; ++v) {
      vi e;
      __builtin_memcpy(&e, exponents + lanes * v, sizeof e);
      scale[v] = __builtin_convertvector(e, vd);
    }
    update_mask();
  }
  void get(int* exponents) const {
    for (int v = 0; v < nvec; ++v) {
      const vi e = __builtin_convertvector(scale[v], vi);
      __builtin_memcpy(exponents + lanes * v, &e, sizeof e);
    }
  }
  void update_mask() {
    vl scaled_any = vl{}, unscaled_any = vl{};
    for (int v = 0; v < nvec; ++v) {
      const vl scaled = scale[v] > 0.0;
      unscaled[v] = scaled ? splat(0.0) : splat(1.0);
      scaled_any |= scaled;
      unscaled_any |= ~scaled;
    }
    all_scaled = !any_lane(unscaled_any);
    none_scaled = !any_lane(scaled_any);
  }
};

// The vector of `on` in the lanes of vector v of a block whose bit is set in
// `bits`, `off` in the others.
inline vd lane_select(unsigned bits, int v, double on, double off) {
  vd r;
  for (int k = 0; k < lanes; ++k) r[k] = (bits >> (lanes * v + k)) & 1 ? on : off;
  return r;
}

// Applies event e of block start s: multiplies its lanes by 2^−600.
inline void apply_event(const BlockStart& s, int e, BlockRecurrence& r) {
  for (int v = 0; v < nvec; ++v) {
    const vd factor = lane_select(s.event_lanes[e], v, rescale_factor, 1.0);
    r.cur[v] *= factor;
    r.prev[v] *= factor;
  }
}

// The unscaled lanes of a block as bits.
inline unsigned unscaled_bits(const BlockScale& bs) {
  unsigned bits = 0;
  for (int v = 0; v < nvec; ++v)
    for (int k = 0; k < lanes; ++k) bits |= static_cast<unsigned>(bs.unscaled[v][k] != 0.0) << (lanes * v + k);
  return bits;
}

// Resumes block b (first half ring) where its BlockStart says and gives the
// values there in `p` (zero in scaled lanes). Returns false when some lane is
// still scaled.
bool resume_block(const LegendreOrder& o, int b, BlockRecurrence& r, BlockScale& bs, vd p[nvec]) {
  const BlockStart& s = o.start[b / ring_block];
  for (int v = 0; v < nvec; ++v) {
    r.x[v] = load(o.x + b + lanes * v);
    r.prev[v] = load(s.prev + lanes * v);
    r.cur[v] = load(s.cur + lanes * v);
  }
  bs.set(s.scale);
  for (int v = 0; v < nvec; ++v) p[v] = r.cur[v] * bs.unscaled[v];
  r.i = s.i;
  return bs.none_scaled;
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
// unscaled late has missed only values below 2^−80 · growth. Returns true when
// some lane was unscaled (the mask changed).
constexpr int scale_check_interval = 4;

__attribute__((noinline)) bool unscale_passed_lanes(BlockRecurrence& r, BlockScale& bs) {
  vl changed = vl{};
  for (int v = 0; v < nvec; ++v) {
    const vl passed = (r.cur[v] > rescale_above || r.cur[v] < -rescale_above) && bs.scale[v] > 0.0;
    changed |= passed;
    const vd factor = passed ? splat(rescale_factor) : splat(1.0);
    r.cur[v] *= factor;
    r.prev[v] *= factor;
    bs.scale[v] -= passed ? splat(1.0) : splat(0.0);
  }
  bs.update_mask();
  return any_lane(changed);
}

// |x| of IEEE doubles orders like the integer of its bits, so "some lane
// passed 2^520" is an integer compare per vector, OR-ed over the vectors and
// then over the lanes.
inline bool unscale_lanes(BlockRecurrence& r, BlockScale& bs) {
  const double limit = rescale_above;
  long long limit_bits;
  __builtin_memcpy(&limit_bits, &limit, sizeof limit);
  const vl magnitude_bits = vl{} + 0x7fffffffffffffffLL, limit_v = vl{} + limit_bits;
  vl passed = vl{};
  for (int v = 0; v < nvec; ++v) {
    vl bits;
    __builtin_memcpy(&bits, &r.cur[v], sizeof bits);
    passed |= (bits & magnitude_bits) > limit_v;
  }
  return any_lane(passed) ? unscale_passed_lanes(r, bs) : false;
}

// ---- block starts (BlockStart) -------------------------------------------------

bool prepare(const LegendreOrder& o, BlockStart* start) {
  const int nl = o.lmax - o.m + 1;
  for (int b = 0; b < o.nhalf_padded; b += ring_block) {
    BlockStart& s = start[b / ring_block];
    if (o.table) {  // the first row with a nonzero value
      int i = 0;
      for (; i < nl; ++i) {
        bool nonzero = false;
        for (int k = 0; k < ring_block; ++k) nonzero |= o.table[static_cast<long>(i) * o.nhalf_padded + b + k] != 0.0;
        if (nonzero) break;
      }
      s.i = i;
      continue;
    }
    // The recurrence of the sums (forward_block), with the same checks at the
    // same degrees, up to the first degree where some lane counts.
    BlockRecurrence r;
    BlockScale bs;
    for (int v = 0; v < nvec; ++v) {
      r.x[v] = load(o.x + b + lanes * v);
      r.prev[v] = splat(0.0);
      r.cur[v] = load(o.pmm + b + lanes * v);
    }
    bs.set(o.pmm_scale + b);
    r.i = 0;
    while (bs.all_scaled && r.i + 1 < nl) {
      step(o, r);
      if (r.i % scale_check_interval == 0) unscale_lanes(r, bs);
    }
    s.i = bs.all_scaled ? nl : r.i;
    for (int v = 0; v < nvec; ++v) {
      store(s.prev + lanes * v, r.prev[v]);
      store(s.cur + lanes * v, r.cur[v]);
    }
    bs.get(s.scale);
    // On to where no lane is scaled, recording where lanes are unscaled.
    s.nevents = 0;
    while (!bs.all_scaled && !bs.none_scaled && r.i + 1 < nl) {
      step(o, r);
      if (r.i % scale_check_interval != 0) continue;
      const BlockScale before = bs;
      if (!unscale_lanes(r, bs)) continue;
      unsigned changed = 0, unscaled = 0;
      for (int v = 0; v < nvec; ++v)
        for (int k = 0; k < lanes; ++k) {
          changed |= static_cast<unsigned>(before.scale[v][k] != bs.scale[v][k]) << (lanes * v + k);
          unscaled |= static_cast<unsigned>(bs.scale[v][k] == 0.0) << (lanes * v + k);
        }
      if (s.nevents == max_block_events) return false;
      s.event_i[s.nevents] = r.i;
      s.event_lanes[s.nevents] = changed;
      s.event_unscaled[s.nevents] = unscaled;
      ++s.nevents;
    }
  }
  return true;
}

// ---- analysis: alm[i] = Σ_j P̄_{m+i,m}(x_j) (S_j or D_j) ----------------------

// G fields at once: their block of half-ring sums in registers, the per-degree
// partial sums (one vector each for re and im) in `acc`. The blocks run from
// the equator to the pole, and the equatorial block, which counts at every
// degree, stores its partial sums (First) instead of adding them: no zeroing
// pass over `acc`, which at lmax 1023 wrote 16 MiB per field and transform.
template <int G>
struct ForwardBlock {
  vd sums[G][4][nvec];  // even re, even im, odd re, odd im
  double* acc[G];       // [i − base][re, im][lane]
  int base = 0;

  void load_sums(const HalfRingSums& in, int field0, int nhalf, int b) {
    const double* parts[4] = {in.even_re, in.even_im, in.odd_re, in.odd_im};
    for (int g = 0; g < G; ++g)
      for (int k = 0; k < 4; ++k)
        for (int v = 0; v < nvec; ++v)
          sums[g][k][v] = load(parts[k] + static_cast<long>(field0 + g) * nhalf + b + lanes * v);
  }
  // Zero the half-ring sums of scaled lanes, so that their mantissas (finite,
  // below 2^520 · growth) add nothing: cheaper than zeroing the mantissas
  // (P̄ · unscaled) at every degree, as the mask changes only a few times.
  void mask_sums(unsigned unscaled) {
    for (int v = 0; v < nvec; ++v) {
      const vd keep = lane_select(unscaled, v, 1.0, 0.0);
      for (int g = 0; g < G; ++g)
        for (int k = 0; k < 4; ++k) sums[g][k][v] *= keep;
    }
  }
  template <int Parity, bool First>
  inline void accumulate(int i, const vd* p) {
    for (int g = 0; g < G; ++g) {
      vd sr = p[0] * sums[g][2 * Parity][0], si = p[0] * sums[g][2 * Parity + 1][0];
      for (int v = 1; v < nvec; ++v) {
        sr += p[v] * sums[g][2 * Parity][v];
        si += p[v] * sums[g][2 * Parity + 1][v];
      }
      double* a = acc[g] + 2 * lanes * (i - base);
      store(a, First ? sr : load(a) + sr);
      store(a + lanes, First ? si : load(a + lanes) + si);
    }
  }
  template <bool First>
  inline void accumulate(int i, const vd* p) {
    if (i & 1)
      accumulate<1, First>(i, p);
    else
      accumulate<0, First>(i, p);
  }
};

// Calls block(b, first) for the blocks that count, equator first; zeroes the
// degrees of `acc` (nfields fields) that the first of them does not store.
template <class Block>
void for_each_block_from_equator(const LegendreOrder& o, int nfields, double* acc_all, Block block) {
  const int nl = o.lmax - o.m + 1;
  bool first = true;
  for (int b = o.nhalf_padded - ring_block; b >= 0; b -= ring_block) {
    const int i0 = o.start[b / ring_block].i;
    if (i0 >= nl) continue;  // negligible at every degree
    if (first)
      for (long k = 0; k < 2L * lanes * i0; ++k)
        for (int f = 0; f < nfields; ++f) acc_all[2L * lanes * nl * f + k] = 0.0;
    block(b, first);
    first = false;
  }
  if (first)
    for (long k = 0; k < 2L * lanes * nl * nfields; ++k) acc_all[k] = 0.0;
}

// Steps block r from degree index r.i to end − 1, summing each degree.
template <bool First>
inline void forward_run(const LegendreOrder& o, int end, BlockRecurrence& r, ForwardBlock<1>& fb) {
  if (r.i + 1 < end && !(r.i & 1)) {  // line up so that pairs start at odd i
    step(o, r);
    fb.accumulate<1, First>(r.i, r.cur);
  }
  while (r.i + 2 < end) {  // a fixed parity per call keeps the sums in registers
    step(o, r);
    fb.accumulate<0, First>(r.i, r.cur);
    step(o, r);
    fb.accumulate<1, First>(r.i, r.cur);
  }
  if (r.i + 1 < end) {
    step(o, r);
    fb.accumulate<0, First>(r.i, r.cur);
  }
}

// Sums block b (first half ring) into fb from where the block starts. While
// some lane is scaled, the half-ring sums of the scaled lanes are zeroed
// (mask_sums), and the lanes are unscaled at the degrees `prepare` recorded.
// Before, the recurrence state was checked every fourth degree and scaled
// lanes zeroed at every degree: with that state in registers too, the loop
// spilled and took about twice as long per degree as the plain one.
template <bool First>
void forward_block(const LegendreOrder& o, int b, ForwardBlock<1>& fb, const HalfRingSums& in, int field) {
  const int nl = o.lmax - o.m + 1;
  const BlockStart& s = o.start[b / ring_block];
  if (o.table) {
    for (int i = s.i; i < nl; ++i) {
      vd p[nvec];
      for (int v = 0; v < nvec; ++v) p[v] = load(o.table + static_cast<long>(i) * o.nhalf_padded + b + lanes * v);
      fb.accumulate<First>(i, p);
    }
    return;
  }
  BlockRecurrence r;
  BlockScale bs;
  vd p[nvec];
  if (!resume_block(o, b, r, bs, p)) fb.mask_sums(unscaled_bits(bs));
  fb.accumulate<First>(r.i, r.cur);
  for (int e = 0; e < s.nevents; ++e) {
    forward_run<First>(o, s.event_i[e], r, fb);
    step(o, r);
    apply_event(s, e, r);
    fb.load_sums(in, field, o.nhalf_padded, b);
    fb.mask_sums(s.event_unscaled[e]);
    fb.accumulate<0, First>(r.i, r.cur);
  }
  forward_run<First>(o, nl, r, fb);
}

// One field: recurrence and sums fused, all in registers. Fields of a batch
// run one after the other: sharing the recurrence between fields needs either
// registers for two fields' sums (spills) or a buffer of recurrence values,
// and both measured slower than recomputing it.
//
// Processing the degrees in chunks of 256 across all blocks, so that the
// partial sums (128 KiB per field at lmax 1023, 32 KiB per chunk) stay in L1,
// was tried in round 2 and measured no faster at lmax 1023 and 2047: the
// loads and stores from L2 are not what limits this loop.
void forward_field(const LegendreOrder& o, const HalfRingSums& in, int field, double* acc) {
  ForwardBlock<1> fb;
  fb.acc[0] = acc;
  for_each_block_from_equator(o, 1, acc, [&](int b, bool first) {
    fb.load_sums(in, field, o.nhalf_padded, b);
    if (first)
      forward_block<true>(o, b, fb, in, field);
    else
      forward_block<false>(o, b, fb, in, field);
  });
}

void forward(const LegendreOrder& o, int nfields, const HalfRingSums& in, double* alm, std::size_t alm_stride,
             double* scratch) {
  const int nl = o.lmax - o.m + 1;
  for (int f = 0; f < nfields; ++f) {
    forward_field(o, in, f, scratch);
    int i = 0;
    // Eight degrees at a time, summed across lanes by a transposing tree of
    // shuffles: the scalar sums (a chain of seven adds per number) took about
    // 5% of the transform at lmax 255.
    for (; i + lanes <= nl; i += lanes) {
      const double* a = scratch + 2 * lanes * i;
      const vd re = lane_sums(a, 2 * lanes), im = lane_sums(a + lanes, 2 * lanes);
      const vd d = o.norm ? load(o.norm + i) : splat(1.0);
      double* out = alm + 2 * (f * alm_stride + i);
      store(out, __builtin_shufflevector(d * re, d * im, 0, 8, 1, 9, 2, 10, 3, 11));
      store(out + lanes, __builtin_shufflevector(d * re, d * im, 4, 12, 5, 13, 6, 14, 7, 15));
    }
    for (; i < nl; ++i) {
      const double* a = scratch + 2 * lanes * i;
      const double d = o.norm ? o.norm[i] : 1.0;
      alm[2 * (f * alm_stride + i)] = d * horizontal_sum(load(a));
      alm[2 * (f * alm_stride + i) + 1] = d * horizontal_sum(load(a + lanes));
    }
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
  // Zeroes the sums of the lanes set in `bits`. Scaled lanes sum their
  // mantissas (finite, below 2^520 · growth) as if they counted; their sums
  // are zeroed where they are unscaled and at the end of the block.
  void zero_lanes(unsigned bits) {
    for (int v = 0; v < nvec; ++v) {
      const vl zero = lane_select(bits, v, 1.0, 0.0) != 0.0;
      for (int g = 0; g < G; ++g) {
        even_re[g][v] = zero ? splat(0.0) : even_re[g][v];
        even_im[g][v] = zero ? splat(0.0) : even_im[g][v];
        odd_re[g][v] = zero ? splat(0.0) : odd_re[g][v];
        odd_im[g][v] = zero ? splat(0.0) : odd_im[g][v];
      }
    }
  }
  // Steps r from degree index r.i to end − 1, summing each degree.
  void run(const LegendreOrder& o, int end, BlockRecurrence& r) {
    if (r.i + 1 < end && !(r.i & 1)) {  // line up so that pairs start at odd i
      step(o, r);
      accumulate<1>(r.i, r.cur);
    }
    while (r.i + 2 < end) {
      step(o, r);
      accumulate<0>(r.i, r.cur);
      step(o, r);
      accumulate<1>(r.i, r.cur);
    }
    if (r.i + 1 < end) {
      step(o, r);
      accumulate<0>(r.i, r.cur);
    }
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
  void read(const HalfRingSums& out, int field0, int nhalf, int b) {
    for (int g = 0; g < G; ++g) {
      const long base = static_cast<long>(field0 + g) * nhalf + b;
      for (int v = 0; v < nvec; ++v) {
        even_re[g][v] = load(out.even_re + base + lanes * v);
        even_im[g][v] = load(out.even_im + base + lanes * v);
        odd_re[g][v] = load(out.odd_re + base + lanes * v);
        odd_im[g][v] = load(out.odd_im + base + lanes * v);
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
    if (o.start[b / ring_block].i >= nl) {  // negligible at every degree
      ib.write(out, field0, o.nhalf_padded, b);
      continue;
    }
    if (o.table) {
      for (int i = o.start[b / ring_block].i; i < nl; ++i) {
        vd p[nvec];
        for (int v = 0; v < nvec; ++v) p[v] = load(o.table + static_cast<long>(i) * o.nhalf_padded + b + lanes * v);
        ib.accumulate(i, p);
      }
      ib.write(out, field0, o.nhalf_padded, b);
      continue;
    }
    // Between the degrees where lanes are unscaled (BlockStart), the plain
    // recurrence: see forward_block.
    const BlockStart& s = o.start[b / ring_block];
    BlockRecurrence r;
    BlockScale bs;
    vd p[nvec];
    resume_block(o, b, r, bs, p);
    ib.accumulate(r.i, p);
    unsigned unscaled = unscaled_bits(bs);
    for (int e = 0; e < s.nevents; ++e) {
      ib.run(o, s.event_i[e], r);
      step(o, r);
      apply_event(s, e, r);
      ib.zero_lanes(s.event_unscaled[e] & ~unscaled);
      unscaled = s.event_unscaled[e];
      ib.template accumulate<0>(r.i, r.cur);
    }
    ib.run(o, nl, r);
    if (~unscaled) ib.zero_lanes(~unscaled);
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
  for (int f = 0; f < nfields; ++f) inverse_fields<1>(o, f, alm, alm_stride, out);  // see forward_field
}

}  // namespace

extern const LegendreKernels kernels{FF_SPHERE_ISA_NAME, forward, inverse, prepare};

}  // namespace ff::sphere::detail::FF_SPHERE_ISA
