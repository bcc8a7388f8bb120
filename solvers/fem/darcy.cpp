#include "solvers/fem/darcy.hpp"

#include "core/error.hpp"
#include "solvers/fem/poisson.hpp"

#include <cmath>

namespace ff::fem {

namespace {

Mesh grid_mesh(const DarcyOptions& options) {
  FF_REQUIRE(options.n >= 3, InputError, "Darcy grid needs at least 3 nodes per axis, got {}", options.n);
  BoxMeshOptions mesh;
  mesh.dim = 2;
  mesh.cells = {options.n - 1, options.n - 1, 1};
  mesh.simplex = options.simplex;
  return Mesh::box(PETSC_COMM_SELF, mesh);
}

PoissonOptions poisson_options(const DarcyOptions& options) {
  PoissonOptions poisson;
  poisson.degree = 1;
  // Exact rules for a ∇φ_i·∇φ_j with a P1/Q1 coefficient: total degree 1 on
  // triangles; on squares ∂_xφ_i ∂_xφ_j is quadratic in y and a adds one more.
  poisson.quadrature_degree = options.simplex ? 1 : 3;
  poisson.solver = options.solver;
  return poisson;
}

}  // namespace

struct DarcySolver::Impl {
  explicit Impl(const DarcyOptions& options) : mesh(grid_mesh(options)), poisson(mesh, poisson_options(options)) {
    // Each local dof is a mesh vertex, i.e. a grid node: find its (i, j).
    const FeSpace& space = poisson.space();
    const int last = options.n - 1;
    node_of_dof.resize(space.local_size());
    for (long dof = 0; dof < space.local_size(); ++dof) {
      const double* x = space.dof_coordinates(dof);
      node_of_dof[dof] = std::lround(x[0] * last) * options.n + std::lround(x[1] * last);
    }
    coefficient.resize(space.local_size());
    cell_coefficient.resize(space.element().size());
  }

  Mesh mesh;
  PoissonSolver poisson;
  std::vector<long> node_of_dof;
  std::vector<double> coefficient;       // a at local dofs
  std::vector<double> cell_coefficient;  // a at one cell's dofs
};

DarcySolver::DarcySolver(const DarcyOptions& options) : options_(options), impl_(std::make_unique<Impl>(options)) {}

DarcySolver::~DarcySolver() = default;

linear::KrylovResult DarcySolver::solve(const double* a, double* u) {
  Impl& m = *impl_;
  const long nodes = static_cast<long>(options_.n) * options_.n;
  for (long k = 0; k < nodes; ++k)
    FF_REQUIRE(a[k] > 0 && std::isfinite(a[k]), RunError,
               "Darcy coefficient must be positive and finite, got {} at node {}", a[k], k);
  for (std::size_t dof = 0; dof < m.node_of_dof.size(); ++dof) m.coefficient[dof] = a[m.node_of_dof[dof]];

  const FeSpace& space = m.poisson.space();
  PoissonData data;
  data.conductivity = [&](const IntegrationPoint& p) {
    const PetscInt* dofs = space.local_dofs(p.cell);
    for (int i = 0; i < p.size; ++i) m.cell_coefficient[i] = m.coefficient[dofs[i]];
    return p.interpolate(m.cell_coefficient.data());
  };
  const double f = options_.source;
  data.source = [f](const IntegrationPoint&) { return f; };
  const linear::KrylovResult result = m.poisson.solve(data);

  const std::vector<double>& solution = m.poisson.solution();
  for (std::size_t dof = 0; dof < m.node_of_dof.size(); ++dof) u[m.node_of_dof[dof]] = solution[dof];
  return result;
}

}  // namespace ff::fem
