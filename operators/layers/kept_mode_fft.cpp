#include "operators/layers/kept_mode_fft.hpp"

#include "core/error.hpp"

#include <ATen/Parallel.h>
#include <fftw3.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <tuple>

namespace ff::operators {
namespace {

using Complex = std::complex<float>;

// FFTW's planner is not thread-safe; executing plans is.
std::mutex& planner_mutex() {
  static std::mutex m;
  return m;
}

struct FftwBuffer {
  explicit FftwBuffer(int64_t complex_values)
      : data(static_cast<Complex*>(fftwf_malloc(sizeof(Complex) * std::max<int64_t>(complex_values, 1)))) {
    if (!data) throw std::bad_alloc();
  }
  ~FftwBuffer() { fftwf_free(data); }
  FftwBuffer(const FftwBuffer&) = delete;
  FftwBuffer& operator=(const FftwBuffer&) = delete;
  Complex* data;
};

fftwf_complex* as_fftw(Complex* p) { return reinterpret_cast<fftwf_complex*>(p); }

// In-place c2c transforms of axis `n` of a [outer, n, inner] array.
fftwf_plan plan_axis(int64_t outer, int64_t n, int64_t inner, int sign, Complex* buffer) {
  const fftwf_iodim dim{static_cast<int>(n), static_cast<int>(inner), static_cast<int>(inner)};
  const fftwf_iodim loops[2] = {{static_cast<int>(outer), static_cast<int>(n * inner), static_cast<int>(n * inner)},
                                {static_cast<int>(inner), 1, 1}};
  return fftwf_plan_guru_dft(1, &dim, 2, loops, as_fftw(buffer), as_fftw(buffer), sign, FFTW_ESTIMATE);
}

}  // namespace

// The plans for one block size: R2C and C2R of the last axis, and forward and
// backward c2c of each full axis on the columns kept after it.
struct KeptModeFft::PlanBlock {
  fftwf_plan pairs_forward = nullptr, pairs_backward = nullptr;  // last axis, two real lines per transform
  std::vector<fftwf_plan> forward_axis, backward_axis;           // per full axis
};

struct KeptModeFft::Plans {
  std::mutex mutex;
  std::map<int64_t, PlanBlock> by_rows;

  ~Plans() {
    std::lock_guard<std::mutex> lock(planner_mutex());
    for (auto& [rows, block] : by_rows) {
      fftwf_destroy_plan(block.pairs_forward);
      fftwf_destroy_plan(block.pairs_backward);
      for (auto p : block.forward_axis) fftwf_destroy_plan(p);
      for (auto p : block.backward_axis) fftwf_destroy_plan(p);
    }
  }
};

namespace {

// Extents of the working array before axis a's transform: full extents on
// the axes before a (and a itself), kept extents after it.
struct Geometry {
  std::vector<int64_t> n;  // grid
  std::vector<int> m;      // modes per axis
  int d() const { return static_cast<int>(n.size()); }
  int64_t half() const { return n.back() / 2 + 1; }
  int64_t kept(int a) const { return a + 1 < d() ? 2 * m[a] : m[a]; }
  int64_t full_before(int a) const {  // Π n over axes < a
    int64_t p = 1;
    for (int b = 0; b < a; ++b) p *= n[b];
    return p;
  }
  int64_t kept_after(int a) const {  // Π M over axes > a
    int64_t p = 1;
    for (int b = a + 1; b < d(); ++b) p *= kept(b);
    return p;
  }
  bool nyquist_kept() const { return n.back() % 2 == 0 && m.back() == half(); }
};

float column_weight(ColumnWeights weights, int64_t column, const Geometry& g) {
  if (weights == ColumnWeights::one || column == 0 || (g.nyquist_kept() && column == g.half() - 1)) return 1.0f;
  return weights == ColumnWeights::hermitian ? 2.0f : 0.5f;
}

// Gathers the kept rows of axis `a` of a [outer, n_a, inner] array into
// [outer, M_a, inner]; scatter_rows is the reverse into a zero-filled array.
void gather_rows(const Complex* from, Complex* to, int64_t outer, int64_t n, int m, int64_t inner) {
  for (int64_t o = 0; o < outer; ++o) {
    const Complex* src = from + o * n * inner;
    Complex* dst = to + o * 2 * m * inner;
    std::memcpy(dst, src, sizeof(Complex) * m * inner);
    std::memcpy(dst + m * inner, src + (n - m) * inner, sizeof(Complex) * m * inner);
  }
}

void scatter_rows(const Complex* from, Complex* to, int64_t outer, int64_t n, int m, int64_t inner) {
  for (int64_t o = 0; o < outer; ++o) {
    const Complex* src = from + o * 2 * m * inner;
    Complex* dst = to + o * n * inner;
    std::memcpy(dst, src, sizeof(Complex) * m * inner);
    std::memset(static_cast<void*>(dst + m * inner), 0, sizeof(Complex) * (n - 2 * m) * inner);
    std::memcpy(dst + (n - m) * inner, src + m * inner, sizeof(Complex) * m * inner);
  }
}

int64_t line_pairs(int64_t lines) { return (lines + 1) / 2; }

// The lowest `kept` columns of the real DFT of each of `lines` real lines of
// length n, two lines per complex transform: z = a + i·b gives
// A_k = (Z_k + conj Z_{n−k}) / 2 and B_k = (Z_k − conj Z_{n−k}) / 2i. FFTW's
// complex codelets are vectorized where its real ones (as FFTW_ESTIMATE picks
// them) are not, so this takes about half the time of a plain R2C.
void real_lines_forward(fftwf_plan plan, const float* lines_in, int64_t lines, int64_t n, int64_t kept, Complex* pairs,
                        Complex* out) {
  for (int64_t q = 0; q < line_pairs(lines); ++q) {
    const float* a = lines_in + 2 * q * n;
    Complex* z = pairs + q * n;
    if (2 * q + 1 < lines) {
      const float* b = a + n;
      for (int64_t j = 0; j < n; ++j) z[j] = Complex(a[j], b[j]);
    } else {
      for (int64_t j = 0; j < n; ++j) z[j] = Complex(a[j], 0.0f);
    }
  }
  fftwf_execute_dft(plan, as_fftw(pairs), as_fftw(pairs));
  for (int64_t q = 0; q < line_pairs(lines); ++q) {
    const Complex* z = pairs + q * n;
    Complex* a = out + 2 * q * kept;
    Complex* b = a + kept;
    const bool has_b = 2 * q + 1 < lines;
    for (int64_t k = 0; k < kept; ++k) {
      const Complex zk = z[k], mirror = std::conj(z[k == 0 ? 0 : n - k]);
      a[k] = 0.5f * (zk + mirror);
      if (has_b) b[k] = Complex(0.5f * (zk.imag() - mirror.imag()), -0.5f * (zk.real() - mirror.real()));
    }
  }
}

// The inverse: real lines from the lowest `kept` columns of their half
// spectra (the rest zero; imaginary parts of column 0 and of the Nyquist
// column dropped, as C2R does), two lines per complex transform of
// Z = A + i·B over the Hermitian extensions of A and B.
void real_lines_inverse(fftwf_plan plan, const Complex* in, int64_t lines, int64_t n, int64_t kept, Complex* pairs,
                        float* lines_out) {
  for (int64_t q = 0; q < line_pairs(lines); ++q) {
    Complex* z = pairs + q * n;
    std::fill(z, z + n, Complex(0.0f, 0.0f));
    const Complex* a = in + 2 * q * kept;
    const bool has_b = 2 * q + 1 < lines;
    for (int64_t k = 0; k < kept; ++k) {
      const bool self_mirrored = k == 0 || 2 * k == n;
      Complex ak = a[k], bk = has_b ? a[kept + k] : Complex(0.0f, 0.0f);
      if (self_mirrored) {
        ak.imag(0.0f);
        bk.imag(0.0f);
      }
      z[k] += Complex(ak.real() - bk.imag(), ak.imag() + bk.real());                          // A_k + i B_k
      if (!self_mirrored) z[n - k] += Complex(ak.real() + bk.imag(), bk.real() - ak.imag());  // conj A_k + i conj B_k
    }
  }
  fftwf_execute_dft(plan, as_fftw(pairs), as_fftw(pairs));
  for (int64_t q = 0; q < line_pairs(lines); ++q) {
    const Complex* z = pairs + q * n;
    float* a = lines_out + 2 * q * n;
    for (int64_t j = 0; j < n; ++j) a[j] = z[j].real();
    if (2 * q + 1 < lines)
      for (int64_t j = 0; j < n; ++j) a[n + j] = z[j].imag();
  }
}

}  // namespace

KeptModeFft::KeptModeFft(std::vector<int64_t> grid, std::vector<int> modes)
    : grid_(std::move(grid)), modes_(std::move(modes)), plans_(std::make_unique<Plans>()) {
  const int d = static_cast<int>(grid_.size());
  FF_REQUIRE(d >= 1 && d <= 3 && static_cast<int>(modes_.size()) == d, InputError,
             "kept-mode FFT: 1 to 3 axes with one mode count each, got {} axes and {} mode counts", d, modes_.size());
  grid_points_ = 1;
  kept_modes_ = 1;
  for (int a = 0; a < d; ++a) {
    const bool last = a + 1 == d;
    FF_REQUIRE(modes_[a] >= 1 && (last ? modes_[a] <= grid_[a] / 2 + 1 : 2 * modes_[a] <= grid_[a]), InputError,
               "kept-mode FFT: {} modes do not fit axis {} of {} points", modes_[a], a, grid_[a]);
    grid_points_ *= grid_[a];
    kept_modes_ *= last ? modes_[a] : 2 * modes_[a];
  }
  block_fields_ = std::clamp<int64_t>(kBlockPoints / grid_points_, 1, kMaxBlockFields);
}

KeptModeFft::~KeptModeFft() = default;

const KeptModeFft::PlanBlock& KeptModeFft::plans_for(int64_t rows) const {
  std::lock_guard<std::mutex> lock(plans_->mutex);
  auto found = plans_->by_rows.find(rows);
  if (found != plans_->by_rows.end()) return found->second;

  const Geometry g{grid_, modes_};
  const int d = g.d();
  const int64_t n_last = g.n.back(), lines = rows * g.full_before(d - 1);
  std::lock_guard<std::mutex> planning(planner_mutex());
  PlanBlock block;
  {
    FftwBuffer pairs(line_pairs(lines) * n_last);
    const int n = static_cast<int>(n_last), count = static_cast<int>(line_pairs(lines));
    block.pairs_forward = fftwf_plan_many_dft(1, &n, count, as_fftw(pairs.data), nullptr, 1, n, as_fftw(pairs.data),
                                              nullptr, 1, n, FFTW_FORWARD, FFTW_ESTIMATE);
    block.pairs_backward = fftwf_plan_many_dft(1, &n, count, as_fftw(pairs.data), nullptr, 1, n, as_fftw(pairs.data),
                                               nullptr, 1, n, FFTW_BACKWARD, FFTW_ESTIMATE);
  }
  block.forward_axis.resize(d - 1);
  block.backward_axis.resize(d - 1);
  for (int a = 0; a + 1 < d; ++a) {
    const int64_t outer = rows * g.full_before(a), inner = g.kept_after(a);
    FftwBuffer work(outer * g.n[a] * inner);
    block.forward_axis[a] = plan_axis(outer, g.n[a], inner, FFTW_FORWARD, work.data);
    block.backward_axis[a] = plan_axis(outer, g.n[a], inner, FFTW_BACKWARD, work.data);
  }
  FF_REQUIRE(block.pairs_forward && block.pairs_backward, RunError, "FFTW could not plan the kept-mode transforms");
  return plans_->by_rows.emplace(rows, std::move(block)).first->second;
}

std::vector<float> KeptModeFft::column_scales(float scale, ColumnWeights weights) const {
  const Geometry g{grid_, modes_};
  std::vector<float> scales(modes_.back());
  for (std::size_t c = 0; c < scales.size(); ++c) scales[c] = scale * column_weight(weights, c, g);
  return scales;
}

void KeptModeFft::for_each_block(int64_t rows, const BlockBody& body) const {
  const int64_t lines_per_row = grid_points_ / grid_.back(), last_kept = modes_.back();
  const int64_t blocks = (rows + block_fields_ - 1) / block_fields_, tail = rows - (blocks - 1) * block_fields_;
  plans_for(block_fields_);
  plans_for(tail);
  at::parallel_for(0, blocks, 1, [&](int64_t begin, int64_t end) {
    FftwBuffer pairs(line_pairs(block_fields_ * lines_per_row) * grid_.back()),
        work(block_fields_ * lines_per_row * last_kept), other(block_fields_ * lines_per_row * last_kept);
    for (int64_t block = begin; block < end; ++block) {
      const int64_t fields = block + 1 == blocks ? tail : block_fields_;
      body(block * block_fields_, fields, plans_for(fields), pairs.data, work.data, other.data);
    }
  });
}

void KeptModeFft::forward(const float* x, Complex* modes, int64_t rows, float scale, ColumnWeights weights) const {
  const Geometry g{grid_, modes_};
  const int d = g.d();
  const int64_t last_kept = g.m.back(), lines_per_row = g.full_before(d - 1);
  const std::vector<float> column_scale = column_scales(scale, weights);
  for_each_block(rows,
                 [&](int64_t r0, int64_t b, const PlanBlock& plans, Complex* pairs, Complex* a_buf, Complex* b_buf) {
                   // Last axis: the kept columns of every line's real DFT.
                   real_lines_forward(plans.pairs_forward, x + r0 * grid_points_, b * lines_per_row, g.n.back(),
                                      last_kept, pairs, a_buf);
                   // Full axes, last to first, each on the columns kept after it.
                   for (int a = d - 2; a >= 0; --a) {
                     const int64_t outer = b * g.full_before(a), inner = g.kept_after(a);
                     fftwf_execute_dft(plans.forward_axis[a], as_fftw(a_buf), as_fftw(a_buf));
                     gather_rows(a_buf, b_buf, outer, g.n[a], g.m[a], inner);
                     std::swap(a_buf, b_buf);
                   }
                   // a_buf is [b, K]; the caller's side is mode-major.
                   for (int64_t r = 0; r < b; ++r)
                     for (int64_t k = 0; k < kept_modes_; ++k)
                       modes[k * rows + r0 + r] = a_buf[r * kept_modes_ + k] * column_scale[k % last_kept];
                 });
}

void KeptModeFft::inverse(const Complex* modes, float* x, int64_t rows, float scale, ColumnWeights weights) const {
  const Geometry g{grid_, modes_};
  const int d = g.d();
  const int64_t last_kept = g.m.back(), lines_per_row = g.full_before(d - 1);
  const std::vector<float> column_scale = column_scales(scale, weights);
  for_each_block(rows,
                 [&](int64_t r0, int64_t b, const PlanBlock& plans, Complex* pairs, Complex* a_buf, Complex* b_buf) {
                   for (int64_t r = 0; r < b; ++r)
                     for (int64_t k = 0; k < kept_modes_; ++k)
                       a_buf[r * kept_modes_ + k] = modes[k * rows + r0 + r] * column_scale[k % last_kept];
                   // Full axes, first to last: zero-fill the dropped frequencies, transform.
                   for (int a = 0; a + 1 < d; ++a) {
                     const int64_t outer = b * g.full_before(a), inner = g.kept_after(a);
                     scatter_rows(a_buf, b_buf, outer, g.n[a], g.m[a], inner);
                     std::swap(a_buf, b_buf);
                     fftwf_execute_dft(plans.backward_axis[a], as_fftw(a_buf), as_fftw(a_buf));
                   }
                   // Last axis: the real lines whose half spectra hold these columns.
                   real_lines_inverse(plans.pairs_backward, a_buf, b * lines_per_row, g.n.back(), last_kept, pairs,
                                      x + r0 * grid_points_);
                 });
}

const KeptModeFft& kept_mode_fft(const std::vector<int64_t>& grid, const std::vector<int>& modes) {
  // The planner's mutex must outlive the cache, whose plans lock it when
  // destroyed at exit: construct it first.
  planner_mutex();
  static std::mutex mutex;
  static std::map<std::pair<std::vector<int64_t>, std::vector<int>>, std::unique_ptr<KeptModeFft>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto& entry = cache[{grid, modes}];
  if (!entry) entry = std::make_unique<KeptModeFft>(grid, modes);
  return *entry;
}

}  // namespace ff::operators
