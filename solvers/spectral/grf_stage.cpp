#include "solvers/spectral/grf_stage.hpp"

#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/timer.hpp"
#include "io/sample_loop.hpp"
#include "solvers/fourier/plan_sharing.hpp"

#include <spdlog/spdlog.h>

namespace ff::spectral {

namespace {

struct Settings {
  struct Grid {
    int dim = 2;
    int n = 64;
  };
  std::string field = "a";
  Grid grid;
  GrfOptions covariance;
  SampleSplit samples;
  DType dtype = DType::float32;
  std::filesystem::path out = "grf.h5";
};

OptionsSchema<Settings> options() {
  using S = Settings;
  OptionsSchema<S::Grid> grid;
  grid.key("dim", &S::Grid::dim, "spatial dimension").at_least(1).at_most(3);
  grid.key("n", &S::Grid::n, "grid points per axis").at_least(4).at_most(4096).smoke(16);

  OptionsSchema<S> o;
  o.key("field", &S::field, "dataset name under /inputs");
  o.map("grid", &S::grid, grid, "periodic grid on [0,1)^dim");
  o.map("covariance", &S::covariance, covariance_options(2.0, 3.0, 1.0),
        "covariance operator sigma^2 (-Laplacian + tau^2 I)^(-alpha)");
  o.map("samples", &S::samples, sample_split_options(100, 0, 4, 2), "number of samples per split");
  o.choice("dtype", &S::dtype, dtype_choices(), "storage precision");
  o.file("out", &S::out, ValueKind::output_file, "dataset file");
  return o;
}

}  // namespace

Schema GrfStage::schema() { return options().schema(); }

GrfStage::GrfStage(const StageConfig& config) {
  const Settings s = options().read(config);
  field_ = s.field;
  train_ = s.samples.train;
  test_ = s.samples.test;
  dtype_ = s.dtype;
  out_ = s.out;
  grf_ = on_grid(s.covariance, s.grid.dim, s.grid.n);
}

void GrfStage::run(const RunContext& context) {
  ScopedTimer timer("generate.grf");
  share_fft_plans([&] { GaussianRandomField planner(grf_); }, wisdom_file_for(context.stage_dir));
  GaussianRandomField grf(grf_);

  DatasetLayout layout;
  layout.grid.shape.assign(grf_.dim, grf_.n);
  layout.grid.extent.assign(grf_.dim, 1.0);
  FieldSpec field{
      "inputs/" + field_,
      std::vector<std::uint64_t>(grf_.dim, grf_.n),
      dtype_,
      {{"alpha", grf_.alpha}, {"tau", grf_.tau}, {"sigma", grf_.sigma}, {"zero_mean", grf_.zero_mean ? 1.0 : 0.0}}};
  layout.fields.push_back(field);
  layout.split_contiguous(train_, test_);

  DatasetWriter writer(out_, layout, context.provenance());
  // The stream id ties the randomness to this stage, so two GRF stages of
  // one case draw different fields from the same case seed.
  const std::uint64_t stream = fnv1a64(context.stage_name);
  std::vector<double> values(grf.size());
  for_each_local_sample(writer, context, [&](long i) {
    SampleRng rng(context.seed, stream, static_cast<std::uint64_t>(i));
    {
      ScopedTimer sample_timer("grf.sample");
      grf.sample(rng, values.data());
    }
    ScopedTimer write_timer("hdf5.write_sample");
    writer.write_sample(field.path, i, values.data());
  });
  writer.commit();
  spdlog::info("{}: wrote {} samples of {}^{} to {}", context.stage_name, layout.n_samples, grf_.n, grf_.dim,
               out_.string());
}

}  // namespace ff::spectral
