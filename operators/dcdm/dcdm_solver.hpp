// The deep conjugate-direction method as a LibTorch solver (CPU or GPU):
// each iteration asks a direction model for d = f(r/‖r‖), makes it
// A-orthogonal to the previous `directions` search directions, and takes
// the exact line search along it. A model direction that is (nearly)
// dependent on the kept ones is replaced by the residual for that step, and
// counted. With f = identity this is conjugate
// gradients; with a network it is flexible CG with a nonlinear
// preconditioner. Vectors stay in float64 whatever the model computes in.
//
// Also here: plain CG with the same matrix-free operator, the reference a
// learned direction has to beat.
#pragma once

#include "operators/dcdm/grid_laplacian.hpp"

#include <torch/types.h>

#include <functional>
#include <vector>

namespace torch::nn {
class AnyModule;
}

namespace ff::operators {

// Residual grid [1, 1, n...] (unit norm, float64) -> search direction grid.
using DirectionModel = std::function<torch::Tensor(const torch::Tensor&)>;

struct DcdmOptions {
  double rtol = 1e-6;  // stop at ‖r‖ ≤ rtol ‖b‖
  long max_iterations = 1000;
  int directions = 2;  // previous directions each new one is made A-orthogonal to
  // Search each step over span{f(r), r} instead of f(r) alone (one more
  // operator application a step): the iteration then never does worse than
  // steepest descent where the network's direction is poor. Not in the paper.
  bool with_residual = false;
  bool keep_directions = false;  // return the search directions (tests)
};

struct DcdmResult {
  long iterations = 0;
  bool converged = false;
  std::vector<double> relative_residuals;  // ‖r_k‖/‖b‖, k = 0..iterations
  double seconds = 0;                      // the whole solve
  double model_seconds = 0;                // inside the direction model
  long fallbacks = 0;                      // iterations whose model direction was degenerate and the residual was used
  std::vector<torch::Tensor> directions;   // with keep_directions: d_1, d_2, ...
};

// Solves A x = b (grids [1, 1, n...], float64, on A's device) from the given x.
DcdmResult dcdm_solve(const GridLaplacian& A, const torch::Tensor& b, torch::Tensor& x, const DirectionModel& model,
                      const DcdmOptions& options);

// Conjugate gradients, no preconditioner, same stopping rule.
DcdmResult conjugate_gradient(const GridLaplacian& A, const torch::Tensor& b, torch::Tensor& x,
                              const DcdmOptions& options);

// A trained network as a direction model: the residual in float32 through
// the network without autograd, masked to fluid cells, back to float64.
DirectionModel network_directions(torch::nn::AnyModule network, torch::Tensor fluid);

}  // namespace ff::operators
