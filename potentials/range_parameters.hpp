// Parameters of the range-separated potential and their choice: given the
// problem (N charges, box, grid or scattered targets, accuracy) pick the
// splitting radius r_c that minimises a predicted cost, and derive from it
// the short-range cutoff, the Chebyshev degree and the Tucker tolerance.
//
// Why r_c is the only free knob: the near field costs ~ N (cutoff)³ per
// target-volume and cutoff = X r_c with X fixed by the accuracy (erfc tail);
// the narrowest long-range Gaussian has width ~ r_c, so the degree, and with
// it the Tucker rank, grows like 1/r_c and the long-range build like N/r_c³
// (the RHOSVD core), its grid evaluation like n_grid³/r_c.
#pragma once

#include "tensor/chebyshev.hpp"

#include <array>
#include <string>

namespace ff::potentials {

using Box = std::array<tensor::Interval, 3>;

struct RangeParameters {
  double r_c = 0;                // splitting radius: erfc(r/r_c)/r + erf(r/r_c)/r
  double cutoff = 0;             // the short range is summed for r < cutoff
  int degree = 0;                // Chebyshev degree per axis of the long range
  double tucker_tolerance = 0;   // RMS error the Tucker truncations may add, relative to the potential's RMS
  double gaussian_accuracy = 0;  // relative accuracy of the erf(r/r_c)/r Gaussian sum
  double degree_tolerance = 0;   // max interpolation error of each Gaussian (relative to its peak)
};

// cutoff, degree and tolerances for r_c and a target relative l2 accuracy of the
// total potential. The split of the error budget between the four sources
// was calibrated on random mixed-sign charges (see range_parameters.cpp).
RangeParameters parameters_for(double r_c, const Box& box, double accuracy);

// Smallest Chebyshev degree whose interpolant of the Gaussian exp(−p (x − c)²)
// has max error ≤ tolerance (relative to its peak) for every centre c in the
// interval. InputError naming the degree needed when it exceeds max_degree.
int chebyshev_degree_for(double exponent, const tensor::Interval& interval, double tolerance, int max_degree);

enum class TargetKind { kGrid, kPoints };

struct Problem {
  long charges = 0;
  Box box;
  TargetKind targets = TargetKind::kGrid;
  long target_count = 0;  // grid points in total, or scattered points
  double accuracy = 1e-6;
};

struct ParameterChoice {
  RangeParameters parameters;
  int predicted_rank = 0;
  int long_range_terms = 0;
  double predicted_near_seconds = 0;
  double predicted_far_seconds = 0;  // build and evaluation
  std::string describe() const;
};

// The parameters for r_c and their predicted cost.
ParameterChoice predict(const Problem& problem, double r_c);
// Tries r_c on a geometric ladder and keeps the cheapest prediction.
ParameterChoice choose_parameters(const Problem& problem);

}  // namespace ff::potentials
