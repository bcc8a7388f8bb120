#include "solvers/fem/coefficient_source.hpp"

#include "core/error.hpp"
#include "core/hash.hpp"
#include "io/dataset_reader.hpp"
#include "io/h5.hpp"
#include "solvers/fem/fe_space.hpp"
#include "solvers/fem/mesh_export.hpp"
#include "solvers/fourier/plan_sharing.hpp"

#include <fmt/ranges.h>
#include <hdf5.h>

#include <cmath>
#include <map>

namespace ff::fem {

namespace {

namespace fs = std::filesystem;

// A periodic field on the n^dim grid of [0,1)^dim (axis 0 slowest), read at
// ξ in grid units by multilinear interpolation.
double periodic_interpolate(const std::vector<double>& field, int n, int dim, const double* xi) {
  int base[3] = {0, 0, 0};
  double t[3] = {0, 0, 0};
  for (int a = 0; a < dim; ++a) {
    const double floor = std::floor(xi[a]);
    base[a] = static_cast<int>(floor);
    t[a] = xi[a] - floor;
  }
  double sum = 0;
  for (int corner = 0; corner < (1 << dim); ++corner) {
    double weight = 1;
    long index = 0;
    for (int a = 0; a < dim; ++a) {
      const int bit = (corner >> a) & 1;
      weight *= bit ? t[a] : 1 - t[a];
      index = index * n + ((base[a] + bit) % n + n) % n;
    }
    sum += weight * field[index];
  }
  return sum;
}

// One GRF sample at the local dofs: the periodic unit grid stretched over the
// mesh's bounding box, so the box's opposite sides see the same values.
std::vector<double> grf_coefficient(const FeSpace& space, const CoefficientSource& source,
                                    const CoefficientDraw& draw) {
  spectral::GrfOptions options = source.grf;
  options.dim = space.dim();
  // Every rank evaluates the field at its own nodes: with rank 0's FFT plans
  // all ranks draw the same bits, so a node shared by ranks gets one value.
  spectral::share_fft_plans([&] { spectral::GaussianRandomField planner(options); }, draw.wisdom_file);
  spectral::GaussianRandomField grf(options);
  // The stream ties the draw to its name (a stage passes its own, as generate.grf and generate.darcy do).
  SampleRng rng(draw.seed, fnv1a64(draw.stream), 0);
  std::vector<double> field(grf.size());
  grf.sample(rng, field.data());

  double lower[3], upper[3];
  node_bounding_box(space, lower, upper);
  std::vector<double> a(space.local_size());
  for (long dof = 0; dof < space.local_size(); ++dof) {
    double xi[3];
    for (int axis = 0; axis < space.dim(); ++axis)
      xi[axis] = (space.dof_coordinates(dof)[axis] - lower[axis]) / (upper[axis] - lower[axis]) * options.n;
    const double g = periodic_interpolate(field, options.n, space.dim(), xi);
    a[dof] = source.exponentiate ? std::exp(g) : (g >= 0 ? source.high : source.low);
  }
  return a;
}

// /mesh/nodes [n_nodes, dim] of a fieldforge mesh dataset.
std::vector<double> read_mesh_nodes(const fs::path& file, int dim) {
  h5::silence_errors();
  h5::Handle h5file = h5::file_handle(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open " + file.string());
  FF_REQUIRE(h5::link_exists(h5file, "/mesh/nodes"), InputError,
             "{}: no /mesh/nodes: a coefficient file must be a mesh dataset (written by solve.poisson)", file.string());
  h5::Handle nodes = h5::dataset_handle(H5Dopen2(h5file, "/mesh/nodes", H5P_DEFAULT), "open /mesh/nodes");
  const std::vector<hsize_t> shape = h5::dataset_shape(nodes);
  FF_REQUIRE(shape.size() == 2 && shape[1] == static_cast<hsize_t>(dim), InputError,
             "{}: /mesh/nodes has shape [{}], expected [n_nodes, {}] for this {}D mesh", file.string(),
             fmt::join(shape, ", "), dim, dim);
  std::vector<double> values(shape[0] * shape[1]);
  h5::check_status(H5Dread(nodes, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), "read /mesh/nodes");
  return values;
}

// One sample of a nodal field of a mesh dataset at the local dofs.
std::vector<double> file_coefficient(const FeSpace& space, const CoefficientSource& source) {
  const std::string where = fmt::format("{}: {}", source.file.string(), source.field);
  DatasetReader reader(source.file);
  FF_REQUIRE(reader.has_field(source.field), InputError, "{}: no such field (the file has: {})", where,
             fmt::join(reader.fields(), ", "));
  const int dim = space.dim();
  const std::vector<double> nodes = read_mesh_nodes(source.file, dim);
  const std::uint64_t n_nodes = nodes.size() / dim;
  const std::vector<std::uint64_t> shape = reader.sample_shape(source.field);
  FF_REQUIRE(shape.size() == 1 && shape[0] == n_nodes, InputError,
             "{}: a sample has shape [{}], expected [{}]: one value per node of the file's /mesh/nodes", where,
             fmt::join(shape, ", "), n_nodes);
  FF_REQUIRE(source.sample < reader.n_samples(), InputError, "{}: sample {} requested, the file has {}", where,
             source.sample, reader.n_samples());
  const std::vector<double> values = reader.read(source.field, source.sample, 1);

  std::map<std::vector<double>, double> value_at;
  for (std::uint64_t k = 0; k < n_nodes; ++k) value_at[{&nodes[k * dim], &nodes[k * dim] + dim}] = values[k];
  std::vector<double> a(space.local_size(), 0.0);
  const ReferenceElement& element = space.element();
  for (long cell = 0; cell < space.cells(); ++cell) {
    const PetscInt* dofs = space.local_dofs(cell);
    for (int v = 0; v < element.vertices(); ++v) {
      const double* x = space.dof_coordinates(dofs[v]);
      const auto found = value_at.find({x, x + dim});
      FF_REQUIRE(found != value_at.end(), InputError,
                 "{}: no value at the mesh vertex ({:g}): the field must live on this mesh's nodes", where,
                 fmt::join(x, x + dim, ", "));
      a[dofs[v]] = found->second;
    }
    // P2 outputs store the edge midpoints as nodes: take their values; a file
    // with vertices only (P1) gets the mean of the edge's ends.
    for (std::size_t e = 0; e < element.edges().size(); ++e) {
      const PetscInt dof = dofs[element.vertices() + e];
      const double* x = space.dof_coordinates(dof);
      const auto found = value_at.find({x, x + dim});
      const auto [i, j] = element.edges()[e];
      a[dof] = found != value_at.end() ? found->second : 0.5 * (a[dofs[i]] + a[dofs[j]]);
    }
  }
  return a;
}

}  // namespace

std::vector<double> coefficient_at_dofs(const FeSpace& space, const CoefficientSource& source,
                                        const CoefficientDraw& draw) {
  switch (source.kind) {
    case CoefficientSource::Kind::grf:
      return grf_coefficient(space, source, draw);
    case CoefficientSource::Kind::file:
      return file_coefficient(space, source);
    case CoefficientSource::Kind::constant:
      break;
  }
  return std::vector<double>(space.local_size(), source.value);
}

}  // namespace ff::fem
