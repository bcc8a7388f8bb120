#include "../unit/temp_dir.hpp"
#include "io/dataset_reader.hpp"
#include "subprocess.hpp"

#include <fieldforge/build_config.hpp>

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

namespace {

namespace fs = std::filesystem;
using namespace ff::test;

const std::string kQuickstart = "configs/grf_spectrum.yaml";  // a fast two-stage case

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

CommandResult fieldforge(const std::string& args) {
  return run_command(fieldforge_binary() + " " + args, source_dir());
}

TEST(Cli, VersionNamesGitShaAndLibraries) {
  const auto r = fieldforge("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("fieldforge "), std::string::npos);
  EXPECT_NE(r.output.find("(git "), std::string::npos);
  EXPECT_NE(r.output.find("HDF5 "), std::string::npos);
}

TEST(Cli, StagesListsEveryStageWithItsKeys) {
  const auto r = fieldforge("stages");
  EXPECT_EQ(r.exit_code, 0);
  for (const char* text : {"generate.grf", "analyze.spectrum", "alpha (number) = 2", "data (dataset file) required"})
    EXPECT_NE(r.output.find(text), std::string::npos) << text;
}

// One stage's manual, and a JSON Schema of case files that a JSON parser
// reads, with one entry per stage type selected by `type`.
TEST(Cli, StagesDescribesOneTypeAndExportsAJsonSchema) {
  const auto one = fieldforge("stages --describe train.operator");
  ASSERT_EQ(one.exit_code, 0) << one.output;
  EXPECT_NE(one.output.find("kind (choice) = fno"), std::string::npos) << one.output;
  EXPECT_EQ(one.output.find("generate.grf"), std::string::npos);
  EXPECT_EQ(fieldforge("stages --describe train.operatr").exit_code, 2);
  const auto json = run_command(fieldforge_binary() +
                                    " stages --json-schema | /usr/bin/python3 -c \"import json, sys; "
                                    "d = json.load(sys.stdin); items = d['properties']['stages']['items']['oneOf']; "
                                    "print(len(items), sorted(d['required']), "
                                    "[i['properties']['type']['enum'][0] for i in items "
                                    "if i['properties'].get('model', {}).get('type') == 'object'])\"",
                                source_dir());
  ASSERT_EQ(json.exit_code, 0) << json.output;
  EXPECT_NE(json.output.find("['case', 'stages'] ['train.operator', 'train.dcdm']"), std::string::npos) << json.output;
}

TEST(Cli, ValidatePrintsTheResolvedCaseAndWritesNothing) {
  TempDir dir;
  const auto r = fieldforge("validate " + kQuickstart + " output=" + (dir / "out").string());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("zero_mean: true"), std::string::npos);  // a filled-in default
  EXPECT_NE(r.output.find("valid, 2 stage(s)"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "out"));
}

TEST(Cli, BadCommandLinesExitTwo) {
  EXPECT_EQ(fieldforge("run").exit_code, 2);
  EXPECT_EQ(fieldforge("frobnicate").exit_code, 2);
  EXPECT_EQ(fieldforge("run no_such_case.yaml").exit_code, 2);
  EXPECT_EQ(fieldforge("info no_such_file.h5").exit_code, 2);
  const auto r = fieldforge("run " + kQuickstart + " stages.data.grid.n=abc");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("command line override 'stages.data.grid.n=abc'"), std::string::npos) << r.output;
}

TEST(Cli, RunSkipsUpToDateStagesAndInfoDescribesTheOutput) {
  TempDir dir;
  const std::string args =
      "run " + kQuickstart + " stages.data.samples.train=8 stages.data.samples.test=2 output=" + (dir / "q").string();
  const auto first = fieldforge(args);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_TRUE(fs::exists(dir / "q/data/grf.h5"));
  EXPECT_TRUE(fs::exists(dir / "q/data/grf.xdmf"));
  EXPECT_TRUE(fs::exists(dir / "q/spectrum/spectrum.h5"));
  EXPECT_FALSE(fs::is_empty(dir / "q/logs"));
  EXPECT_TRUE(fs::exists(dir / "q/resolved_case.yaml"));

  const auto second = fieldforge(args);
  EXPECT_EQ(second.exit_code, 0);
  EXPECT_NE(second.output.find("data (generate.grf): up to date"), std::string::npos) << second.output;
  EXPECT_NE(fieldforge(args + " --force").output.find("data (generate.grf): running"), std::string::npos);

  const auto info = fieldforge("info " + (dir / "q/data/grf.h5").string());
  EXPECT_EQ(info.exit_code, 0);
  EXPECT_NE(info.output.find("/inputs/a  [10, 64, 64] float32"), std::string::npos) << info.output;
  EXPECT_NE(info.output.find("produced by this case:"), std::string::npos);

  // Sidecars for chosen samples of the finished file; the file itself is untouched.
  const fs::path data = dir / "q/data/grf.h5";
  const auto before = fs::last_write_time(data);
  const auto xdmf = fieldforge("xdmf " + data.string() + " --samples 9,3");
  EXPECT_EQ(xdmf.exit_code, 0) << xdmf.output;
  EXPECT_NE(xdmf.output.find("grf_samples.xdmf"), std::string::npos) << xdmf.output;
  const std::string text = read_file(dir / "q/data/grf_samples.xdmf");
  EXPECT_LT(text.find("sample_9"), text.find("sample_3"));
  EXPECT_TRUE(fs::exists(dir / "q/data/grf_samples.xdmf.h5"));
  EXPECT_EQ(fs::last_write_time(data), before);
  const auto out_of_range = fieldforge("xdmf " + data.string() + " --samples 10");
  EXPECT_EQ(out_of_range.exit_code, 2);
  EXPECT_NE(out_of_range.output.find("grf.h5: sample 10 out of range (the file holds 10)"), std::string::npos)
      << out_of_range.output;
  const auto spectrum = fieldforge("xdmf " + (dir / "q/spectrum/spectrum.h5").string());
  EXPECT_EQ(spectrum.exit_code, 2);
  EXPECT_NE(spectrum.output.find("nothing for ParaView"), std::string::npos) << spectrum.output;
  EXPECT_EQ(fieldforge("xdmf no_such_file.h5").exit_code, 2);
}

TEST(Cli, OverflowingCovarianceIsBadInputAndWritesNoDataset) {
  TempDir dir;
  const auto r =
      fieldforge("run " + kQuickstart + " stages.data.covariance.sigma=1e300 output=" + (dir / "o").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("is not finite in double precision"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "o/data/grf.h5"));
  EXPECT_FALSE(fs::exists(dir / "o/data/grf.h5.partial"));
}

TEST(Cli, UnstableSolverStopsTheSampleAndWritesNoDataset) {
  TempDir dir;
  // A CFL limit every flow exceeds makes the first sample fail at its first step.
  const auto r = fieldforge(
      "run configs/ns2d_data.yaml stages.nu1e-3.scheme=fno stages.nu1e-3.grid.n=32 stages.nu1e-3.store_n=16 "
      "stages.nu1e-3.max_cfl=1e-9 stages.nu1e-3.samples.train=2 output=" +
      (dir / "o").string());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("nu1e-3: sample 0: CFL number"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("at t = 0 (step 0)"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "o/nu1e-3/ns2d.h5"));
  EXPECT_FALSE(fs::exists(dir / "o/nu1e-3/stage.yaml"));
}

#if FIELDFORGE_WITH_TORCH
// configs/burgers_fno.yaml shrunk to seconds without --smoke (which would cap
// the epochs a test asks for).
std::string tiny_burgers_fno(const fs::path& output) {
  return "run configs/burgers_fno.yaml output=" + output.string() +
         " stages.data.grid.n=256 stages.data.store_n=64 stages.data.samples.train=8 stages.data.samples.test=2"
         " stages.model.model.width=8 stages.model.model.layers=2";
}

// A training stage resumed with more epochs continues from its last
// checkpoint and appends to its history.
TEST(Cli, TrainingResumesFromItsLastCheckpoint) {
  TempDir dir;
  const std::string base = tiny_burgers_fno(dir / "t") + " stages.model.checkpoint_every=1 stages.model.optim.epochs=";
  const auto first = fieldforge(base + "2");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const fs::path stage = dir / "t/model";
  EXPECT_TRUE(fs::exists(stage / "model.pt"));
  EXPECT_TRUE(fs::exists(stage / "best.pt"));
  const auto resumed = fieldforge(base + "4 --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("resuming at epoch 2"), std::string::npos) << resumed.output;
  std::ifstream history(stage / "history.csv");
  std::string line;
  int lines = 0;
  while (std::getline(history, line)) ++lines;
  EXPECT_EQ(lines, 1 + 4);  // header and epochs 0..3
}

// The quickstart pipeline in small: data at two resolutions, training,
// evaluation at both, and exported weights that a plain PyTorch module loads
// and applies to the same samples with the same result
// (scripts/load_weights.py), for a dense FNO and for TFNOs (Tucker joint over
// the layers, CP per layer, whose factors the script contracts into dense
// weights).
TEST(Cli, PipelineEvaluatesAtTwoResolutionsAndExportsWeightsPyTorchLoads) {
  TempDir dir;
  const fs::path out = dir / "q";
  const std::string base = "run configs/quickstart.yaml output=" + out.string() +
                           " stages.data.samples.train=30 stages.data.samples.test=6 stages.data_512.samples.test=4"
                           " stages.model.model.width=8 stages.model.model.modes=[8] stages.model.optim.epochs=2";
  const auto r = fieldforge(base);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("report: test split of"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("at 512: relative L2"), std::string::npos) << r.output;
  for (const char* file : {"model/weights.h5", "report/predictions.h5", "report_512/predictions.h5"})
    EXPECT_TRUE(fs::exists(out / file)) << file;
  const auto info = fieldforge("info " + (out / "report_512/predictions.h5").string());
  EXPECT_NE(info.output.find("/outputs/u  [4, 1, 512] float32"), std::string::npos) << info.output;
  EXPECT_NE(info.output.find("/params/relative_h1  [4] float64"), std::string::npos) << info.output;

  // The same data (up to date) for each model; the reports evaluate model.pt,
  // the checkpoint weights.h5 is exported from. After two epochs the Fourier
  // layers move the predictions by only ~1e-3 of their size (wrong spectral
  // conventions, e.g. conjugated weights, show as ~4e-4), so the tolerance is
  // 1e-5; float64 PyTorch against float32 fieldforge differs by ~5e-7.
  struct Model {
    const char* overrides;
    const char* printed;  // what load_weights.py names it
  };
  const Model models[] = {
      {"", "fno (dense)"},
      {" stages.model.model.kind=tfno", "tfno (tucker joint)"},
      {" stages.model.model.kind=tfno stages.model.model.factorization=cp stages.model.model.joint=false",
       "tfno (cp per-layer)"}};
  for (const auto& [overrides, printed] : models) {
    if (*overrides) {
      const auto trained = fieldforge(base + overrides);
      ASSERT_EQ(trained.exit_code, 0) << trained.output;
      EXPECT_NE(trained.output.find("data (generate.burgers): up to date"), std::string::npos) << trained.output;
    }
    for (const char* level : {"", "_512"}) {
      const auto loaded =
          run_command("/usr/bin/python3 scripts/load_weights.py " + (out / "model/weights.h5").string() + " " +
                          (out / (std::string("data") + level) / "burgers.h5").string() + " " +
                          (out / (std::string("report") + level) / "predictions.h5").string() + " --tolerance 1e-5",
                      source_dir());
      EXPECT_EQ(loaded.exit_code, 0) << printed << level << ": " << loaded.output;
      EXPECT_NE(loaded.output.find(printed), std::string::npos) << loaded.output;
    }
  }
}

TEST(Cli, EvaluationRejectsDataOfAnotherShapeAndFilesThatAreNoCheckpoint) {
  TempDir dir;
  const fs::path out = dir / "e";
  const std::string small =
      " stages.data.samples.train=8 stages.data.samples.test=2 stages.data_512.samples.test=2"
      " stages.model.model.width=4 stages.model.model.modes=[4] stages.model.optim.epochs=1";
  ASSERT_EQ(fieldforge("run configs/quickstart.yaml output=" + out.string() + small).exit_code, 0);
  // A 2D dataset for a 1D model (and without its target field).
  ASSERT_EQ(fieldforge("run " + kQuickstart +
                       " stages.data.field=u0 stages.data.samples.train=2 output=" + (dir / "grf").string())
                .exit_code,
            0);
  const auto wrong = fieldforge("run configs/quickstart.yaml output=" + out.string() + small +
                                " stages.report.data=" + (dir / "grf/data/grf.h5").string());
  EXPECT_EQ(wrong.exit_code, 2) << wrong.output;
  EXPECT_NE(wrong.output.find("grf.h5 holds fields on a 2D grid, but the model"), std::string::npos) << wrong.output;
  EXPECT_NE(wrong.output.find("was trained on 1D data"), std::string::npos) << wrong.output;
  const auto not_checkpoint = fieldforge("run configs/quickstart.yaml output=" + out.string() + small +
                                         " stages.report.model=" + (out / "data/burgers.h5").string());
  EXPECT_EQ(not_checkpoint.exit_code, 2) << not_checkpoint.output;
  EXPECT_NE(not_checkpoint.output.find("burgers.h5: not a readable LibTorch archive"), std::string::npos)
      << not_checkpoint.output;
  EXPECT_FALSE(fs::exists(out / "report/predictions.h5.partial"));
}

// Explicit Tucker ranks from the case file shape the factors; a rank list of
// the wrong length is refused before anything runs.
TEST(Cli, TfnoTakesExplicitRanksFromTheCaseFile) {
  TempDir dir;
  const std::string base = tiny_burgers_fno(dir / "t") + " stages.model.model.kind=tfno stages.model.optim.epochs=1";
  const auto r = fieldforge(base + " stages.model.model.ranks=[2,3,5,4]");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Core 2·3·5·4 and factors [2,2], [8,3], [8,5], [16,4], complex: 504 real
  // numbers against 2·2·8·8·16 dense.
  EXPECT_NE(r.output.find("504 of them spectral (8.13x fewer than the 4096 of dense weights)"), std::string::npos)
      << r.output;
  const auto info = fieldforge("info " + (dir / "t/model/weights.h5").string());
  EXPECT_NE(info.output.find("spectral_weights.core  [2, 3, 5, 4, 2]"), std::string::npos) << info.output;
  EXPECT_NE(info.output.find("spectral_weights.factor3  [16, 4, 2]"), std::string::npos) << info.output;

  const auto short_list = fieldforge(base + " stages.model.model.ranks=[2,3] output=" + (dir / "u").string());
  EXPECT_EQ(short_list.exit_code, 2) << short_list.output;
  EXPECT_NE(short_list.output.find("model.ranks: 2 given, tucker takes 4"), std::string::npos) << short_list.output;
  EXPECT_FALSE(fs::exists(dir / "u/data"));
}

TEST(Cli, PerLayerTfnoFactorizesEachLayerApart) {
  TempDir dir;
  const std::string base = tiny_burgers_fno(dir / "t") +
                           " stages.model.model.kind=tfno stages.model.model.joint=false stages.model.optim.epochs=1";
  const auto r = fieldforge(base + " stages.model.model.ranks=[3,5,4]");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // Per layer: core 1·3·5·4 and factors [1,1], [8,3], [8,5], [16,4],
  // complex: 378 real numbers, two layers.
  EXPECT_NE(r.output.find("756 of them spectral (5.42x fewer than the 4096 of dense weights)"), std::string::npos)
      << r.output;
  const auto info = fieldforge("info " + (dir / "t/model/weights.h5").string());
  EXPECT_NE(info.output.find("spectral_weights.layer1.core  [1, 3, 5, 4, 2]"), std::string::npos) << info.output;

  const auto joint_ranks = fieldforge(base + " stages.model.model.ranks=[2,3,5,4] output=" + (dir / "u").string());
  EXPECT_EQ(joint_ranks.exit_code, 2) << joint_ranks.output;
  EXPECT_NE(joint_ranks.output.find("model.ranks: 4 given, tucker takes 3 (one per axis of a layer's"),
            std::string::npos)
      << joint_ranks.output;
}

// `seed` changes the initial weights and batch order, not the data;
// `validation` holds the end of the train split back for the per-epoch
// validation.
TEST(Cli, TrainingTakesItsOwnSeedAndHoldsOutValidationSamples) {
  TempDir dir;
  const std::string base = tiny_burgers_fno(dir / "t") + " stages.model.optim.epochs=2";
  const auto case_seed = fieldforge(base);
  ASSERT_EQ(case_seed.exit_code, 0) << case_seed.output;
  const std::string case_seed_history = read_file(dir / "t/model/history.csv");
  const auto own_seed = fieldforge(base + " stages.model.seed=5");
  ASSERT_EQ(own_seed.exit_code, 0) << own_seed.output;
  EXPECT_NE(own_seed.output.find("data (generate.burgers): up to date"), std::string::npos) << own_seed.output;
  EXPECT_NE(read_file(dir / "t/model/history.csv"), case_seed_history);

  const auto held_out = fieldforge(base + " stages.model.validation=3");
  ASSERT_EQ(held_out.exit_code, 0) << held_out.output;
  EXPECT_NE(held_out.output.find("model: training on 5 samples, validating on the 3 held out after them"),
            std::string::npos)
      << held_out.output;
  EXPECT_NE(held_out.output.find("model: validation relative L2"), std::string::npos) << held_out.output;
  // Resuming that training without the held-out samples would fit on others.
  const auto resumed = fieldforge(base + " --resume");
  EXPECT_EQ(resumed.exit_code, 2) << resumed.output;
  EXPECT_NE(resumed.output.find("last.pt: written with validation '3', but this run has '0'"), std::string::npos)
      << resumed.output;
  const auto all = fieldforge(base + " stages.model.validation=8");
  EXPECT_EQ(all.exit_code, 2) << all.output;
  EXPECT_NE(all.output.find("validation: 8 samples to hold out, but the train split of"), std::string::npos)
      << all.output;
}
#endif

TEST(Cli, ResumeNeedsAnEarlierRun) {
  TempDir dir;
  const auto r = fieldforge("run " + kQuickstart + " --resume output=" + (dir / "never").string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("nothing to resume"), std::string::npos);
}

TEST(Cli, PetscOptionsPassThroughAfterDoubleDash) {
  TempDir dir;
  const auto r = fieldforge("run " + kQuickstart + " stages.data.samples.train=2 output=" + (dir / "p").string() +
                            " -- -ksp_type cg");
  if (FIELDFORGE_WITH_PETSC) {
    EXPECT_EQ(r.exit_code, 0) << r.output;
  } else {
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("this build has no PETSc"), std::string::npos) << r.output;
  }
  EXPECT_EQ(fieldforge("validate " + kQuickstart + " -- -ksp_type cg").exit_code, 2);
}

TEST(Cli, DryRunSaysWhatWouldRunAndHowAndWritesNothing) {
  TempDir dir;
  const std::string args = "run " + kQuickstart + " stages.data.samples.train=4 output=" + (dir / "d").string();
  const auto dry = fieldforge(args + " --dry-run");
  ASSERT_EQ(dry.exit_code, 0) << dry.output;
  EXPECT_NE(dry.output.find("[1/2] data (generate.grf): would run"), std::string::npos) << dry.output;
  EXPECT_NE(dry.output.find("on 1 rank(s), sample-parallel"), std::string::npos) << dry.output;
  EXPECT_FALSE(fs::exists(dir / "d"));

  ASSERT_EQ(fieldforge(args).exit_code, 0);
  const auto again = fieldforge(args + " --dry-run");
  EXPECT_NE(again.output.find("[1/2] data (generate.grf): up to date, would be skipped"), std::string::npos)
      << again.output;
}

// SIGKILL while the dataset is being written leaves only `grf.h5.partial`,
// never a file under the final name, and no stage manifest; the next run
// starts that stage over and finishes it.
TEST(Cli, KilledRunLeavesNoFinishedLookingFile) {
  TempDir dir;
  const fs::path out = dir / "crash";
  const fs::path partial = out / "data/grf.h5.partial";
  const std::string case_file = source_dir() + "/" + kQuickstart;
  const std::string output_arg = "output=" + out.string();
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    freopen("/dev/null", "w", stderr);
    execl(fieldforge_binary().c_str(), "fieldforge", "run", case_file.c_str(), "stages.data.grid.n=256",
          "stages.data.samples.train=5000", output_arg.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!fs::exists(partial) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // mid-write
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run finished before it could be killed";

  EXPECT_TRUE(fs::exists(partial));
  EXPECT_FALSE(fs::exists(out / "data/grf.h5"));
  EXPECT_FALSE(fs::exists(out / "data/stage.yaml"));

  const auto rerun = fieldforge("run " + kQuickstart + " stages.data.samples.train=3 " + output_arg);
  EXPECT_EQ(rerun.exit_code, 0) << rerun.output;
  EXPECT_TRUE(fs::exists(out / "data/grf.h5"));
  EXPECT_FALSE(fs::exists(partial));
  EXPECT_EQ(ff::DatasetReader(out / "data/grf.h5").n_samples(), 3 + 50);
}

}  // namespace
