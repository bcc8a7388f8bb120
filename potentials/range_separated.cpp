#include "potentials/range_separated.hpp"

#include "core/error.hpp"
#include "core/rng.hpp"
#include "core/timer.hpp"
#include "potentials/direct_sum.hpp"
#include "tensor/tucker.hpp"

#include <algorithm>
#include <cmath>

namespace ff::potentials {

namespace {

// Doubles per (n + 1) × charges factor matrix of one RHOSVD; more charges
// are split into blocks, summed like the widths. 3e6 doubles (24 MB) stay below
// glibc's largest mmap threshold (32 MB), so the many same-sized matrices of
// the per-width loop reuse heap memory: above it every one is a fresh mmap
// whose page faults cost more than the arithmetic (measured: ~0.2 s per
// 68 MB matrix on the development machine).
constexpr long kMaxBlockDoubles = 3000000;
// Rank at which a stack of per-width Tucker tensors is recompressed.
constexpr int kStackRank = 24;
// Largest coefficient tensor (doubles) summed densely (64 MB).
constexpr long kMaxDenseCoefficients = 8000000;

// The rank-one terms q_i w Π_d exp(−p (x_d − x_{i,d})²) of charges [begin, end)
// as a CP tensor of Chebyshev coefficients on `axes`.
tensor::CpTensor gaussian_terms(const Charges& charges, long begin, long end, const GaussianTerm& term,
                                const std::vector<tensor::ChebyshevAxis>& axes) {
  tensor::CpTensor cp;
  cp.weights = term.weight * charges.q.segment(begin, end - begin);
  for (int d = 0; d < 3; ++d) {
    const Eigen::VectorXd& nodes = axes[d].nodes();
    Eigen::MatrixXd values(nodes.size(), end - begin);
#pragma omp parallel for schedule(static)
    for (long i = begin; i < end; ++i) {
      const double c = charges.positions(i, d);
      double* column = values.col(i - begin).data();
      for (long j = 0; j < nodes.size(); ++j) column[j] = std::exp(-term.exponent * (nodes(j) - c) * (nodes(j) - c));
    }
    cp.factors.push_back(axes[d].coefficients(values));
  }
  return cp;
}

// Chebyshev coefficients of degree d_k < n are those of degree n with zero
// rows appended; the columns stay orthonormal.
tensor::TuckerTensor pad_to(tensor::TuckerTensor t, const std::vector<tensor::ChebyshevAxis>& axes) {
  for (int d = 0; d < 3; ++d) {
    Eigen::MatrixXd padded = Eigen::MatrixXd::Zero(axes[d].size(), t.factors[d].cols());
    padded.topRows(t.factors[d].rows()) = t.factors[d];
    t.factors[d] = std::move(padded);
  }
  return t;
}

// a ⊕ b without recompression: factors side by side, block-diagonal core.
// The factors are no longer orthonormal; tensor::add re-orthonormalises them.
tensor::TuckerTensor stack(const tensor::TuckerTensor& a, const tensor::TuckerTensor& b) {
  const auto ra = a.ranks(), rb = b.ranks();
  tensor::TuckerTensor s;
  std::vector<int> r(3);
  for (int d = 0; d < 3; ++d) {
    r[d] = ra[d] + rb[d];
    s.factors.emplace_back(a.factors[d].rows(), r[d]);
    s.factors[d] << a.factors[d], b.factors[d];
  }
  s.core = Eigen::VectorXd::Zero(long(r[0]) * r[1] * r[2]);
  for (int k = 0; k < ra[2]; ++k)
    for (int j = 0; j < ra[1]; ++j)
      s.core.segment(long(r[0]) * (j + long(r[1]) * k), ra[0]) =
          a.core.segment(long(ra[0]) * (j + long(ra[1]) * k), ra[0]);
  for (int k = 0; k < rb[2]; ++k)
    for (int j = 0; j < rb[1]; ++j)
      s.core.segment(ra[0] + long(r[0]) * (ra[1] + j + long(r[1]) * (ra[2] + k)), rb[0]) =
          b.core.segment(long(rb[0]) * (j + long(rb[1]) * k), rb[0]);
  return s;
}

// Norm of the CP weights once every factor column has unit norm: what
// rhosvd's tolerance is relative to.
double normalised_weight_norm(const tensor::CpTensor& cp) {
  Eigen::ArrayXd w = cp.weights.array().abs();
  for (const auto& f : cp.factors) w *= f.colwise().norm().transpose().array();
  return std::sqrt(w.square().sum());
}

// RMS of the Newton potential over the box, from the direct sum at a few
// hundred random points (N · 256 pairs, negligible next to the build).
double potential_rms(const Charges& charges, const Box& box) {
  constexpr long kSamples = 256;
  SampleRng rng(27, 27003, 0);
  Eigen::MatrixXd points(kSamples, 3);
  for (long i = 0; i < kSamples; ++i)
    for (int d = 0; d < 3; ++d) points(i, d) = box[d].lo + box[d].length() * rng.uniform();
  return std::sqrt(direct_potential(charges, points).squaredNorm() / kSamples);
}

// Sums the per-width Tucker tensors. While the full coefficient tensor is
// small ((n+1)³ ≤ kMaxDenseCoefficients, i.e. degree ≤ 199), each one is
// expanded into it (2 r (n+1)³ flops) and a single HOSVD compresses the sum at
// the end: a Tucker add recompresses a core of the summed ranks, ~r⁴ flops
// for each of the ~10 widths of nearly full rank, and at degree 88 those
// adds took as long as all the RHOSVDs. Larger degrees sum in Tucker form,
// stacking the low-rank wide widths until kStackRank before each add.
class TuckerSum {
 public:
  TuckerSum(const std::vector<tensor::ChebyshevAxis>& axes, double tolerance) : tolerance_(tolerance) {
    std::vector<int> shape;
    long size = 1;
    for (const auto& a : axes) {
      shape.push_back(a.size());
      size *= a.size();
    }
    if (size <= kMaxDenseCoefficients) dense_ = tensor::FullTensor(shape);
  }

  void add(tensor::TuckerTensor block) {
    if (dense()) {
      dense_.values += tensor::assemble(block).values;
      return;
    }
    pending_ = pending_.factors.empty() ? std::move(block) : stack(pending_, block);
    if (pending_.ranks()[0] >= kStackRank) flush();
  }

  tensor::TuckerTensor result() {
    if (dense()) return tensor::hosvd(dense_, relative(dense_.norm()));
    if (!pending_.factors.empty()) flush();
    return std::move(total_);
  }

 private:
  bool dense() const { return dense_.order() > 0; }
  double relative(double norm) const { return norm > 0 ? std::clamp(tolerance_ / norm, 0.0, 0.5) : 0.0; }
  void flush() {
    total_ = total_.factors.empty() ? tensor::recompress(pending_, relative(pending_.norm()))
                                    : tensor::add(total_, pending_, relative(std::max(total_.norm(), pending_.norm())));
    pending_ = tensor::TuckerTensor();
  }

  double tolerance_;
  tensor::FullTensor dense_;
  tensor::TuckerTensor total_, pending_;
};

}  // namespace

void check_box_and_charges(const Charges& charges, const Box& box) {
  for (int d = 0; d < 3; ++d)
    FF_REQUIRE(std::isfinite(box[d].lo) && std::isfinite(box[d].hi) && box[d].hi > box[d].lo, InputError,
               "range-separated potential: box axis {} must have lo < hi, got [{:g}, {:g}]", d, box[d].lo, box[d].hi);
  FF_REQUIRE(charges.size() >= 1 && charges.positions.rows() == charges.size() && charges.positions.cols() == 3,
             InputError, "range-separated potential: need N x 3 positions and N charges");
  for (long i = 0; i < charges.size(); ++i)
    for (int d = 0; d < 3; ++d)
      FF_REQUIRE(charges.positions(i, d) >= box[d].lo && charges.positions(i, d) <= box[d].hi, InputError,
                 "range-separated potential: charge {} lies outside the box (axis {}: {:g} not in [{:g}, {:g}])", i, d,
                 charges.positions(i, d), box[d].lo, box[d].hi);
}

// One RHOSVD per Gaussian width rather than one over all N·K terms: the N
// terms of width 1/√p_k live on Chebyshev degree d_k ~ √p_k (so their factor
// matrices are (d_k + 1) × N) and compress to ranks r_k ≲ d_k. The core of a
// RHOSVD costs 2 r³ per term; with r_k shrinking geometrically from the
// narrowest term, Σ_k r_k³ is a few r_max³ instead of K r_max³.
// The per-width Tucker tensors are summed (TuckerSum) from the narrowest (the
// largest matrices are allocated first and their memory reused by the later
// ones). Every truncation gets an absolute share of the budget
// (1/√(2K) each, errors of independent truncations adding in squares): the
// narrow terms are small next to the total, and a tolerance relative to each
// term alone would keep them at nearly full rank.
tensor::ChebyshevTucker long_range_potential(const Charges& charges, const Box& box, const GaussianSum& sum,
                                             const RangeParameters& parameters, double coefficient_tolerance) {
  check_box_and_charges(charges, box);
  FF_REQUIRE(coefficient_tolerance >= 0, InputError, "long-range potential: tolerance must be >= 0, got {:g}",
             coefficient_tolerance);
  std::vector<tensor::ChebyshevAxis> axes;
  for (int d = 0; d < 3; ++d) axes.emplace_back(box[d], parameters.degree);
  // The narrowest Gaussian sets the degree; wider ones get what they need.
  for (int d = 0; d < 3; ++d) {
    const int needed = chebyshev_degree_for(sum.terms().back().exponent, box[d], parameters.degree_tolerance,
                                            tensor::ChebyshevAxis::kMaxDegree);
    FF_REQUIRE(needed <= parameters.degree, InputError,
               "long-range potential: Chebyshev degree {} cannot reach accuracy {:g} for r_c = {:g} on axis {}; "
               "degree {} would (or raise r_c)",
               parameters.degree, parameters.degree_tolerance, parameters.r_c, d, needed);
  }
  const long per_block = std::max(1024L, kMaxBlockDoubles / (parameters.degree + 1));
  const long blocks = (charges.size() + per_block - 1) / per_block;
  // Truncations: one RHOSVD per width and block, and the sums.
  const double share = coefficient_tolerance / std::sqrt(2.0 * sum.size() * blocks);
  TuckerSum total(axes, share);
  for (int k = sum.size() - 1; k >= 0; --k) {
    const GaussianTerm& term = sum.terms()[k];
    std::vector<tensor::ChebyshevAxis> term_axes;
    for (int d = 0; d < 3; ++d)
      term_axes.emplace_back(
          box[d], std::min(parameters.degree, chebyshev_degree_for(term.exponent, box[d], parameters.degree_tolerance,
                                                                   tensor::ChebyshevAxis::kMaxDegree)));
    for (long begin = 0; begin < charges.size(); begin += per_block) {
      const long end = std::min(charges.size(), begin + per_block);
      tensor::CpTensor cp;
      {
        ScopedTimer timer("potentials.long_range.sample");
        cp = gaussian_terms(charges, begin, end, term, term_axes);
      }
      tensor::TuckerTensor block;
      {
        ScopedTimer timer("potentials.long_range.rhosvd");
        // rhosvd resolves no further than 1e-8 (Gram-matrix SVDs).
        const double rel_tol = std::clamp(share / normalised_weight_norm(cp), 1e-8, 0.5);
        block = pad_to(tensor::rhosvd(cp, rel_tol), axes);
      }
      ScopedTimer timer("potentials.long_range.add");
      total.add(std::move(block));
    }
  }
  ScopedTimer timer("potentials.long_range.compress");
  return tensor::ChebyshevTucker(std::move(axes), total.result());
}

RangeSeparatedPotential::RangeSeparatedPotential(const Charges& charges, const Box& box,
                                                 const RangeParameters& parameters)
    : parameters_(parameters) {
  check_box_and_charges(charges, box);
  double diagonal = 0;
  for (const auto& axis : box) diagonal += axis.length() * axis.length();
  GaussianSumOptions options;
  options.accuracy = parameters.gaussian_accuracy;
  options.r_max = std::sqrt(diagonal);
  {
    ScopedTimer timer("potentials.build_long_range");
    const GaussianSum sum = newton_long_range_sum(parameters.r_c, options);
    long_range_terms_ = sum.size();
    // The Tucker truncations may add an RMS error of tucker_tolerance times
    // the potential's RMS; the RMS of a Chebyshev series on the box is at most
    // the Frobenius norm of its coefficients, so that bounds the truncations.
    long_range_ = std::make_unique<tensor::ChebyshevTucker>(
        long_range_potential(charges, box, sum, parameters, parameters.tucker_tolerance * potential_rms(charges, box)));
    timings_.build_long_range = timer.elapsed();
  }
  ScopedTimer timer("potentials.build_short_range");
  short_range_ = std::make_unique<ShortRangeSum>(charges, ShortRangeKernel(parameters.r_c, parameters.cutoff));
  timings_.build_short_range = timer.elapsed();
}

Eigen::VectorXd RangeSeparatedPotential::at_points(const Eigen::MatrixXd& targets) {
  Eigen::VectorXd phi;
  {
    ScopedTimer timer("potentials.near_points");
    phi = short_range_->at_points(targets);
    timings_.near = timer.elapsed();
  }
  ScopedTimer timer("potentials.far_points");
  phi += long_range_->evaluate(targets);
  timings_.far = timer.elapsed();
  return phi;
}

Eigen::VectorXd RangeSeparatedPotential::on_grid(const std::vector<Eigen::VectorXd>& axes) {
  Eigen::VectorXd phi;
  {
    ScopedTimer timer("potentials.near_grid");
    phi = short_range_->on_grid(axes);
    timings_.near = timer.elapsed();
  }
  ScopedTimer timer("potentials.far_grid");
  phi += long_range_->evaluate_grid(axes);
  timings_.far = timer.elapsed();
  return phi;
}

}  // namespace ff::potentials
