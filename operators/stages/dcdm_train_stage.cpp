#include "operators/stages/dcdm_train_stage.hpp"

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/progress.hpp"
#include "core/timer.hpp"
#include "io/options.hpp"
#include "operators/dcdm/dcdm_model.hpp"
#include "operators/dcdm/dcdm_training.hpp"
#include "operators/models/dcdm/family.hpp"
#include "operators/models/registry.hpp"
#include "operators/training/checkpoint.hpp"
#include "operators/training/device.hpp"
#include "solvers/obstacles/lanczos.hpp"
#include "solvers/obstacles/obstacle_problem.hpp"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <cmath>
#include <fstream>
#include <limits>

namespace ff::operators {

struct TrainDcdmStage::Settings {
  struct Optim {
    long epochs = 1;
    long batch = 10;
    double lr = 1e-4;
    long validation = 20;
  };
  obstacles::ObstacleProblem problem;
  long layout = 0;
  obstacles::LanczosOptions lanczos;
  RitzRhsOptions rhs;
  DcdmNetOptions model;
  Optim optim;
  long seed = 0;
  std::string device = "cpu";
  std::filesystem::path out = "model.pt", best = "best.pt", history = "history.csv";
};

namespace {

OptionsSchema<TrainDcdmStage::Settings> options() {
  using S = TrainDcdmStage::Settings;
  OptionsSchema<obstacles::LanczosOptions> lanczos;
  lanczos.key("steps", &obstacles::LanczosOptions::steps, "Lanczos steps (the paper: 10,000)").at_least(2).smoke(20);
  lanczos.key("reorthogonalize", &obstacles::LanczosOptions::reorthogonalize,
              "full reorthogonalization, so every step adds a distinct Ritz pair");
  OptionsSchema<RitzRhsOptions> rhs;
  rhs.key("count", &RitzRhsOptions::count, "training right-hand sides (the paper: 20,000)").at_least(2).smoke(8);
  rhs.key("low_fraction", &RitzRhsOptions::low_fraction,
          "fraction of the Ritz vectors, lowest first, whose coefficients are scaled (the paper: 5,500 of 10,000)")
      .at_least(0)
      .at_most(1);
  rhs.key("low_scale", &RitzRhsOptions::low_scale, "their scale (the paper: 9)").greater_than(0);
  OptionsSchema<S::Optim> optim;
  optim.key("epochs", &S::Optim::epochs, "passes over the training right-hand sides").at_least(1).smoke(1);
  optim.key("batch", &S::Optim::batch, "right-hand sides per step (the paper: 10)").at_least(1).smoke(2);
  optim.key("lr", &S::Optim::lr, "Adam learning rate (the paper: 1e-4)").greater_than(0);
  optim.key("validation", &S::Optim::validation, "right-hand sides held out to select best.pt").at_least(0).smoke(2);

  OptionsSchema<S> o;
  o.map("problem", &S::problem, obstacles::obstacle_problem_options(), "the training matrix");
  o.key("layout", &S::layout, "which random obstacle layout of the problem to train on").at_least(0);
  o.map("lanczos", &S::lanczos, lanczos, "the Lanczos run that gives the Ritz vectors");
  o.map("rhs", &S::rhs, rhs, "right-hand sides drawn from the Ritz vectors");
  o.map("model", &S::model, dcdm_net_options(), "the network (model.kind dcdm)");
  o.map("optim", &S::optim, optim, "Adam on the line-search loss");
  o.key("seed", &S::seed,
        "seed of the weights, the Lanczos start and the right-hand sides (0: the case's); the obstacle layout is "
        "always drawn with the case's seed, as solve.poisson_obstacles draws its layouts")
      .at_least(0);
  o.key("device", &S::device, "cpu, cuda or cuda:N");
  o.file("out", &S::out, ValueKind::output_file, "final checkpoint (with optimizer state for --resume)");
  o.file("best", &S::best, ValueKind::output_file, "checkpoint with the lowest held-out loss");
  o.file("history", &S::history, ValueKind::output_file, "per-epoch training and held-out loss");
  return o;
}

}  // namespace

Schema TrainDcdmStage::schema() { return options().schema(); }

TrainDcdmStage::TrainDcdmStage(const StageConfig& config)
    : settings_(std::make_unique<Settings>(options().read(config))) {
  const Settings& s = *settings_;
  FF_REQUIRE(s.problem.obstacles.min_size <= s.problem.obstacles.max_size, InputError,
             "problem.obstacles: min_size {} exceeds max_size {}", s.problem.obstacles.min_size,
             s.problem.obstacles.max_size);
  FF_REQUIRE(s.optim.validation < s.rhs.count, InputError,
             "optim.validation: {} right-hand sides held out, but rhs.count is {}", s.optim.validation, s.rhs.count);
  model_registry().from_description("kind: dcdm\n" + dcdm_net_options().write(s.model), "model");  // checks convs
  const long divisor = 1L << (s.model.convs.size() - 1);
  FF_REQUIRE(s.problem.n % divisor == 0, InputError,
             "problem.n: {} levels in model.convs need n divisible by {}, got {}", s.model.convs.size(), divisor,
             s.problem.n);
}

TrainDcdmStage::~TrainDcdmStage() = default;

void TrainDcdmStage::run(const RunContext& context) {
  if (mpi_rank() != 0) return;  // one matrix, one network: rank 0 trains
  ScopedTimer timer("train.dcdm");
  const Settings& s = *settings_;
  require_device(s.device);
  prepare_torch_process();
  const std::uint64_t seed = s.seed > 0 ? static_cast<std::uint64_t>(s.seed) : context.seed;
  const torch::Device device(s.device);

  const obstacles::PressureLaplacian matrix(obstacles::obstacle_cells(s.problem, context.seed, s.layout),
                                            s.problem.boundary);
  spdlog::info("{}: {}^{} cells, {} fluid ({:.1f}% solid), layout {}", context.stage_name, s.problem.n, s.problem.dim,
               matrix.size(), 100.0 * matrix.grid().solid_count() / matrix.grid().cells(), s.layout);
  obstacles::RitzPairs pairs;
  {
    ScopedTimer lanczos_timer("train.dcdm.lanczos");
    pairs = obstacles::lanczos_ritz_pairs(matrix, s.lanczos, seed);
  }
  const GridLaplacian A(matrix, torch::kFloat32, device);
  const RitzRightHandSides rhs(std::move(pairs), A, s.rhs, seed);

  const std::string description = "kind: dcdm\n" + dcdm_net_options().write(s.model);
  const auto config = model_registry().from_description(description, context.stage_name + ".model");
  const DataShape data{1, 1, static_cast<int>(s.problem.dim)};
  torch::manual_seed(seed);
  BuiltModel built = config->build(data);
  built.module.ptr()->to(device);
  spdlog::info("{}: DCDM network with {} parameters", context.stage_name, built.counts.total);
  DcdmTrainerOptions trainer_options;
  trainer_options.batch = s.optim.batch;
  trainer_options.learning_rate = s.optim.lr;
  trainer_options.validation = s.optim.validation;
  DcdmTrainer trainer(built.module, A, rhs, trainer_options);

  CheckpointHeader header;
  header.model = description;
  header.data = data;
  header.input = kDcdmInput;
  header.target = kDcdmTarget;
  header.validation = s.optim.validation;
  header.seed = seed;
  header.stamp(context.case_yaml);
  auto save = [&](const std::filesystem::path& path, long epoch) {
    CheckpointWriter(header).model(*trainer.network().ptr()).optimizer(trainer.optimizer()).epoch(epoch).save(path);
  };

  long first_epoch = 0;
  double best = std::numeric_limits<double>::infinity();
  std::vector<std::string> rows;
  if (context.resume && std::filesystem::exists(s.out)) {
    CheckpointReader reader(s.out, s.device);
    FF_REQUIRE(reader.header().identity() == header.identity(), InputError,
               "{}: {} was written by a different configuration; rerun without --resume", context.stage_name,
               s.out.string());
    reader.load_model(*trainer.network().ptr());
    reader.load_optimizer(trainer.optimizer());
    first_epoch = reader.epoch();
    reader.restore_rng();
    std::ifstream previous(s.history);
    std::string line;
    std::getline(previous, line);  // header
    while (std::getline(previous, line) && static_cast<long>(rows.size()) < first_epoch) {
      rows.push_back(line);
      const double held_out = std::stod(line.substr(line.rfind(',') + 1));
      if (held_out < best) best = held_out;
    }
    spdlog::info("{}: resuming at epoch {} from {}", context.stage_name, first_epoch, s.out.string());
  }

  for (long epoch = first_epoch; epoch < s.optim.epochs; ++epoch) {
    Progress progress(fmt::format("{} epoch {}/{}", context.stage_name, epoch + 1, s.optim.epochs),
                      rhs.size() - s.optim.validation);
    long reported = 0;
    const double loss = trainer.train_epoch(epoch, seed, [&](long done, long) {
      progress.advance(done - reported);
      reported = done;
    });
    progress.finish();
    const double held_out = trainer.validate();
    spdlog::info("{}: epoch {} line-search loss {:.4e}, held out {:.4e}", context.stage_name, epoch + 1, loss,
                 held_out);
    rows.push_back(fmt::format("{},{:.8e},{:.8e}", epoch + 1, loss, held_out));
    std::ofstream history(s.history, std::ios::trunc);
    history << "epoch,train_loss,validation_loss\n";
    for (const std::string& row : rows) history << row << '\n';
    save(s.out, epoch + 1);
    if (!(held_out >= best)) {  // also when validation is off (NaN)
      best = held_out;
      save(s.best, epoch + 1);
    }
  }
}

}  // namespace ff::operators
