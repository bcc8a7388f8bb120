#include "io/schema.hpp"

#include "core/error.hpp"
#include "io/options.hpp"
#include "io/sample_loop.hpp"
#include "solvers/spectral/burgers_stage.hpp"
#include "solvers/spectral/grf_stage.hpp"
#include "solvers/spectral/ns2d_stage.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

TEST(Schema, ExpectationTextNamesTypeAndRange) {
  ff::Schema s;
  s.key("lr", ff::ValueKind::number, "learning rate").greater_than(0);
  s.key("dim", ff::ValueKind::integer, "dimension").at_least(1).at_most(3);
  s.key("dtype", ff::ValueKind::choice, "precision").choices({"float32", "float64"});
  EXPECT_EQ(s.find("lr")->expectation(), "a number > 0");
  EXPECT_EQ(s.find("dim")->expectation(), "an integer in [1, 3]");
  EXPECT_EQ(s.find("dtype")->expectation(), "one of float32|float64");
  EXPECT_EQ(s.find("nope"), nullptr);
}

TEST(Schema, NearestNameSuggestsCloseKeysOnly) {
  const std::vector<std::string> keys{"samples", "grid", "covariance", "out"};
  EXPECT_EQ(ff::nearest_name("sampels", keys), "samples");
  EXPECT_EQ(ff::nearest_name("gird", keys), "grid");
  EXPECT_EQ(ff::nearest_name("output", keys), "out");
  EXPECT_EQ(ff::nearest_name("viscosity", keys), "");
}

TEST(Schema, DescribeListsNestedKeysWithDefaults) {
  ff::Schema inner;
  inner.key("n", ff::ValueKind::integer, "points").def(64).smoke(16);
  ff::Schema s;
  s.map("grid", inner, "the grid");
  const std::string text = s.describe();
  EXPECT_NE(text.find("grid (map)"), std::string::npos);
  EXPECT_NE(text.find("n (integer) = 64"), std::string::npos);
  EXPECT_NE(text.find("--smoke: at most 16"), std::string::npos);
}

// A string literal is YAML text, not a bool (its closer conversion).
TEST(Schema, LiteralDefaultsAreYamlText) {
  ff::Schema s;
  s.key("modes", ff::ValueKind::integer_list, "modes").def("[12, 12]");
  s.key("ranks", ff::ValueKind::integer_list, "ranks").def("[]");
  EXPECT_EQ(s.find("modes")->default_yaml, "[12, 12]");
  EXPECT_EQ(s.find("ranks")->default_yaml, "[]");
}

// The covariance map of every GRF-drawing stage, read and put on a grid.
TEST(SpectralOptions, CovarianceOptionsReadTheMapOnTheGrid) {
  ff::OptionsSchema<ff::spectral::GrfOptions> options = ff::spectral::covariance_options(2.0, 3.0, 1.0);
  ff::Schema s;
  s.map("coefficient", options.schema(), "GRF");
  const ff::StageConfig config = ff::config_from_text("coefficient: {alpha: 2.5, sigma: 4}\n", s, "test");
  const ff::spectral::GrfOptions grf = ff::spectral::on_grid(options.read(config, "coefficient."), 3, 32);
  EXPECT_EQ(grf.dim, 3);
  EXPECT_EQ(grf.n, 32);
  EXPECT_EQ(grf.alpha, 2.5);
  EXPECT_EQ(grf.tau, 3.0);  // the default given to covariance_options
  EXPECT_EQ(grf.sigma, 4.0);
  EXPECT_TRUE(grf.zero_mean);
}

// Defaults are written as "{:g}" text: ns2d's sigma = 7^0.75 has always
// resolved to 4.30352 (and the case hashes were taken of that text).
TEST(SpectralOptions, CovarianceDefaultsAreSixDigitText) {
  const auto options = ff::spectral::covariance_options(2.5, 7.0, std::pow(7.0, 0.75));
  EXPECT_EQ(options.schema().find("sigma")->default_yaml, "4.30352");
  EXPECT_EQ(options.read(ff::config_from_text("{}", options.schema(), "test")).sigma, 4.30352);
}

// The default NS 2D solve grid follows nu^(-1/2) on FFT-friendly sizes.
TEST(SpectralOptions, DefaultNavierStokesGridFromViscosity) {
  using ff::spectral::NavierStokes2DStage;
  EXPECT_EQ(NavierStokes2DStage::default_solve_grid(1e-3), 32);
  EXPECT_EQ(NavierStokes2DStage::default_solve_grid(1e-4), 96);
  EXPECT_EQ(NavierStokes2DStage::default_solve_grid(1e-5), 320);
  EXPECT_EQ(NavierStokes2DStage::default_solve_grid(1.0), 16);
}

// Constraints between keys stay InputErrors of the stage constructors, which
// `validate` reports. (The texts name every nested map: config_from_text
// does not yet fill in a map that is left out.)
TEST(SpectralOptions, ConstraintsBetweenKeysAreInputErrors) {
  using ff::spectral::BurgersStage;
  using ff::spectral::NavierStokes2DStage;
  auto burgers = [](const std::string& keys) {
    const std::string text = "{grid: {}, time: {}, initial: {}, samples: {}" + keys + "}";
    return BurgersStage(ff::config_from_text(text, BurgersStage::schema(), "test"));
  };
  auto ns2d = [](const std::string& keys, const std::string& forcing = "{}") {
    const std::string text = "{grid: {}, initial: {}, samples: {}, forcing: " + forcing + keys + "}";
    return NavierStokes2DStage(ff::config_from_text(text, NavierStokes2DStage::schema(), "test"));
  };
  EXPECT_NO_THROW(burgers(""));
  EXPECT_THROW(burgers(", store_n: 1000"), ff::InputError);  // does not divide grid.n = 8192
  EXPECT_THROW(burgers(", store_n: 5000000000"), ff::InputError);
  EXPECT_THROW(burgers(", final_time: 1.5, record_every: 1"), ff::InputError);
  EXPECT_NO_THROW(ns2d("", "{kind: kolmogorov, wavenumber: 2}"));
  EXPECT_THROW(ns2d(", record_every: 0.00015"), ff::InputError);  // 50 is not a multiple of it
  EXPECT_THROW(ns2d(", scheme: fno, final_time: 1.5e-4, record_every: 1.5e-4"),
               ff::InputError);  // not a multiple of dt
}

}  // namespace
