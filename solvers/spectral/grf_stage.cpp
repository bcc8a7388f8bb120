#include "solvers/spectral/grf_stage.hpp"

#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/timer.hpp"
#include "io/sample_loop.hpp"
#include "solvers/spectral/plan_sharing.hpp"

#include <spdlog/spdlog.h>


namespace ff::spectral {

Schema covariance_schema(double alpha, double tau, double sigma) {
  Schema covariance;
  covariance.key("alpha", ValueKind::number, "smoothness exponent alpha").def(alpha).greater_than(0);
  covariance.key("tau", ValueKind::number, "inverse length scale tau").def(tau).at_least(0);
  covariance.key("sigma", ValueKind::number, "amplitude sigma (covariance scales with sigma^2)").def(sigma).greater_than(0);
  covariance.key("zero_mean", ValueKind::boolean, "drop the k = 0 mode (FNO protocol)").def(true);
  return covariance;
}

GrfOptions read_covariance(const StageConfig& config, const std::string& key, int dim, int n) {
  GrfOptions grf;
  grf.dim = dim;
  grf.n = n;
  grf.alpha = config.get<double>(key + ".alpha");
  grf.tau = config.get<double>(key + ".tau");
  grf.sigma = config.get<double>(key + ".sigma");
  grf.zero_mean = config.get<bool>(key + ".zero_mean");
  check_covariance(grf);
  return grf;
}

Schema GrfStage::schema() {
  Schema grid;
  grid.key("dim", ValueKind::integer, "spatial dimension").def(2).at_least(1).at_most(3);
  grid.key("n", ValueKind::integer, "grid points per axis").def(64).at_least(4).at_most(4096).smoke(16);

  Schema s;
  s.key("field", ValueKind::string, "dataset name under /inputs").def("a");
  s.map("grid", grid, "periodic grid on [0,1)^dim");
  s.map("covariance", covariance_schema(2.0, 3.0, 1.0), "covariance operator sigma^2 (-Laplacian + tau^2 I)^(-alpha)");
  s.map("samples", sample_split_schema(100, 0, 4, 2), "number of samples per split");
  s.key("dtype", ValueKind::choice, "storage precision").def("float32").choices({"float32", "float64"});
  s.key("out", ValueKind::output_file, "dataset file").def("grf.h5");
  return s;
}

GrfStage::GrfStage(const StageConfig& config)
    : field_(config.get<std::string>("field")),
      train_(config.get<long>("samples.train")),
      test_(config.get<long>("samples.test")),
      dtype_(parse_dtype(config.get<std::string>("dtype"))),
      out_(config.output_path("out")),
      grf_(read_covariance(config, "covariance", config.get<int>("grid.dim"), config.get<int>("grid.n"))) {}

void GrfStage::run(const RunContext& context) {
  ScopedTimer timer("generate.grf");
  share_fft_plans([&] { GaussianRandomField planner(grf_); }, wisdom_file_for(context.stage_dir));
  GaussianRandomField grf(grf_);

  DatasetLayout layout;
  layout.grid.shape.assign(grf_.dim, grf_.n);
  layout.grid.extent.assign(grf_.dim, 1.0);
  FieldSpec field{"inputs/" + field_, std::vector<std::uint64_t>(grf_.dim, grf_.n), dtype_,
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
  spdlog::info("{}: wrote {} samples of {}^{} to {}", context.stage_name, layout.n_samples, grf_.n, grf_.dim, out_.string());
}

}  // namespace ff::spectral
