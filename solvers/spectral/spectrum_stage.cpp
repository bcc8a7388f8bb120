#include "solvers/spectral/spectrum_stage.hpp"

#include "core/error.hpp"
#include "core/timer.hpp"
#include "io/dataset_reader.hpp"
#include "io/options.hpp"
#include "solvers/fourier/grf.hpp"
#include "solvers/spectral/power_spectrum.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <numeric>

namespace ff::spectral {

namespace {

struct Settings {
  std::filesystem::path data;
  std::string field = "inputs/a";
  long batch = 16;
  std::filesystem::path out = "spectrum.h5";
};

OptionsSchema<Settings> options() {
  using S = Settings;
  OptionsSchema<S> o;
  o.file("data", &S::data, ValueKind::dataset_file, "fieldforge dataset to analyse").required();
  o.key("field", &S::field, "field path inside the dataset");
  o.key("batch", &S::batch, "samples read from disk at a time").at_least(1);
  o.file("out", &S::out, ValueKind::output_file, "result file");
  return o;
}

}  // namespace

Schema SpectrumStage::schema() { return options().schema(); }

SpectrumStage::SpectrumStage(const StageConfig& config) {
  const Settings s = options().read(config);
  data_ = s.data;
  out_ = s.out;
  field_ = s.field;
  batch_ = s.batch;
}

void SpectrumStage::run(const RunContext& context) {
  ScopedTimer timer("analyze.spectrum");
  DatasetReader reader(data_);
  FF_REQUIRE(reader.has_field(field_), InputError, "{}: no field '{}' (it has: {})", data_.string(), field_,
             fmt::join(reader.fields(), ", "));
  const GridInfo grid = reader.grid();
  const auto sample_shape = reader.sample_shape(field_);
  FF_REQUIRE(grid.kind == "periodic", InputError, "{}: analyze.spectrum needs a periodic grid, the file's is '{}'",
             data_.string(), grid.kind);
  std::vector<int> shape(sample_shape.begin(), sample_shape.end());
  FF_REQUIRE(!shape.empty() && shape.size() <= 3 && sample_shape.size() == grid.shape.size(), InputError,
             "{}: /{} has a sample shape that is not the {}D grid", data_.string(), field_, grid.shape.size());

  ShellSpectrum spectrum(shape);
  std::vector<long> order(reader.n_samples());
  std::iota(order.begin(), order.end(), 0L);
  BatchStream batches(reader, field_, order, batch_);
  std::vector<double> values;
  std::vector<long> indices;
  const std::uint64_t per_sample = reader.sample_size(field_);
  while (batches.next(values, indices))
    for (std::size_t b = 0; b < indices.size(); ++b) spectrum.add_sample(values.data() + b * per_sample);

  const std::vector<double> measured = spectrum.energy();
  const int shells = spectrum.shells();
  DatasetLayout layout;
  layout.n_samples = 1;
  layout.grid = grid;
  const std::vector<std::uint64_t> shell_shape{static_cast<std::uint64_t>(shells)};
  layout.fields.push_back(
      {"outputs/shell_energy", shell_shape, DType::float64, {{"samples", double(spectrum.samples())}}});
  layout.fields.push_back({"outputs/shell_modes", shell_shape, DType::float64, {}});
  std::vector<double> prescribed;
  const bool is_grf = reader.has_field_attribute(field_, "alpha");
  if (is_grf) {
    GrfOptions options;
    options.dim = static_cast<int>(shape.size());
    options.n = shape[0];
    options.alpha = reader.field_attribute(field_, "alpha");
    options.tau = reader.field_attribute(field_, "tau");
    options.sigma = reader.field_attribute(field_, "sigma");
    options.zero_mean = reader.field_attribute(field_, "zero_mean") != 0.0;
    GaussianRandomField grf(options);
    prescribed = spectrum.expected([&](const std::array<int, 3>& k) { return grf.mode_variance(k); });
    layout.fields.push_back({"outputs/prescribed_energy", shell_shape, DType::float64, {}});

    // |k| up to n/2 - 1 are whole shells; beyond, the square grid cuts them.
    const auto variance = spectrum.energy_variance([&](const std::array<int, 3>& k) { return grf.mode_variance(k); });
    double worst = 0.0;
    int worst_shell = 0;
    for (int s = 1; s < shape[0] / 2; ++s) {
      const double z = std::abs(measured[s] - prescribed[s]) / std::sqrt(variance[s] / spectrum.samples());
      if (z > worst) worst = z, worst_shell = s;
    }
    spdlog::info(
        "{}: {} samples; measured shell energies match the prescribed GRF spectrum within {:.2f} standard "
        "errors (worst: shell {}, measured/prescribed = {:.4f})",
        context.stage_name, spectrum.samples(), worst, worst_shell, measured[worst_shell] / prescribed[worst_shell]);
  }

  DatasetWriter writer(out_, layout, context.provenance());
  if (writer.local_samples().size() > 0) {
    std::vector<double> counts(spectrum.modes_per_shell().begin(), spectrum.modes_per_shell().end());
    writer.write_sample("outputs/shell_energy", 0, measured.data());
    writer.write_sample("outputs/shell_modes", 0, counts.data());
    if (is_grf) writer.write_sample("outputs/prescribed_energy", 0, prescribed.data());
  }
  writer.commit();
}

}  // namespace ff::spectral
