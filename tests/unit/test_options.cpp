// Typed options (io/options.hpp): one declaration per key gives the schema,
// the defaults, the reading of a validated config into a struct and the
// YAML text a checkpoint carries.
#include "core/error.hpp"
#include "io/options.hpp"

#include <gtest/gtest.h>

#include <climits>

namespace {

enum class Scheme { explicit_euler, crank_nicolson };

struct Time {
  double dt = 1e-3;
  long steps = 10;
};

struct Physics {
  int n = 64;
  bool adaptive = true;
  std::string label;  // empty: an optional key without a default
  std::vector<int> modes{12, 12};
  Scheme scheme = Scheme::crank_nicolson;
  std::filesystem::path out = "result.h5";
  Time time;
};

ff::OptionsSchema<Physics> physics_options() {
  ff::OptionsSchema<Time> time;
  time.key("dt", &Time::dt, "time step").greater_than(0);
  time.key("steps", &Time::steps, "time steps").at_least(1).smoke(2);
  ff::OptionsSchema<Physics> o;
  o.key("n", &Physics::n, "grid points").at_least(2);
  o.key("adaptive", &Physics::adaptive, "adapt the step");
  o.key("label", &Physics::label, "a name for the run");
  o.key("modes", &Physics::modes, "modes per axis").at_least(1);
  o.choice("scheme", &Physics::scheme, {{"euler", Scheme::explicit_euler}, {"crank-nicolson", Scheme::crank_nicolson}},
           "time scheme");
  o.file("out", &Physics::out, ff::ValueKind::output_file, "result file");
  o.map("time", &Physics::time, time, "time stepping");
  return o;
}

TEST(Options, TheDeclarationIsTheSchemaWithTheStructsDefaults) {
  const ff::Schema schema = physics_options().schema();
  ASSERT_EQ(schema.key_names(), (std::vector<std::string>{"n", "adaptive", "label", "modes", "scheme", "out", "time"}));
  EXPECT_EQ(*schema.find("n")->default_yaml, "64");
  EXPECT_EQ(schema.find("n")->kind, ff::ValueKind::integer);
  EXPECT_EQ(*schema.find("adaptive")->default_yaml, "true");
  EXPECT_FALSE(schema.find("label")->default_yaml.has_value());
  EXPECT_EQ(*schema.find("modes")->default_yaml, "[12, 12]");
  EXPECT_EQ(*schema.find("scheme")->default_yaml, "crank-nicolson");
  EXPECT_EQ(schema.find("scheme")->choices, (std::vector<std::string>{"euler", "crank-nicolson"}));
  EXPECT_EQ(*schema.find("out")->default_yaml, "result.h5");
  const ff::KeySpec& time = *schema.find("time");
  ASSERT_EQ(time.kind, ff::ValueKind::map);
  EXPECT_EQ(*time.nested->find("dt")->default_yaml, "0.001");
  EXPECT_EQ(*time.nested->find("steps")->smoke_cap, 2);
}

TEST(Options, ReadFillsTheStructAndWriteParsesBack) {
  const auto options = physics_options();
  const Physics p =
      options.parse("n: 128\nadaptive: false\nlabel: \"a: b\"\nmodes: [4]\nscheme: euler\ntime: {steps: 7}\n", "test");
  EXPECT_EQ(p.n, 128);
  EXPECT_FALSE(p.adaptive);
  EXPECT_EQ(p.label, "a: b");
  EXPECT_EQ(p.modes, std::vector<int>{4});
  EXPECT_EQ(p.scheme, Scheme::explicit_euler);
  EXPECT_EQ(p.time.steps, 7);
  EXPECT_DOUBLE_EQ(p.time.dt, 1e-3);  // a default
  EXPECT_EQ(p.out, "result.h5");      // no stage folder: the name alone

  const std::string text = options.write(p);
  const Physics back = options.parse(text, "test");
  EXPECT_EQ(options.write(back), text);
  EXPECT_EQ(back.label, "a: b");
  EXPECT_EQ(back.scheme, Scheme::explicit_euler);
}

TEST(Options, DamagedTextIsAnInputErrorNamingItsOrigin) {
  const auto options = physics_options();
  auto message = [&](const std::string& text) {
    try {
      options.parse(text, "model.pt");
    } catch (const ff::InputError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message("n: 1\n").find("model.pt: n: expected an integer >= 2, got '1'"), std::string::npos);
  EXPECT_NE(message("scheme: rk4\n").find("scheme: expected one of euler|crank-nicolson, got 'rk4'"),
            std::string::npos);
  EXPECT_NE(message("nn: 3\n").find("unknown key 'nn'"), std::string::npos);
  EXPECT_NE(message("time: {dt: -1}\n").find("time.dt"), std::string::npos);
  EXPECT_NE(message("n: [1\n").find("model.pt: damaged options text"), std::string::npos);
  // An int member refuses what does not fit rather than wrapping around.
  EXPECT_NE(message("n: " + std::to_string(LONG_MAX) + "\n").find("too large"), std::string::npos);
}

// Keys that belong to some values of a selector key only (model kinds).
TEST(Options, AKeyOfAnotherSelectorValueIsRefused) {
  ff::Schema schema;
  schema.key("kind", ff::ValueKind::choice, "family").choices({"a", "b"}).def("a");
  ff::KeySpec only_b;
  only_b.name = "levels";
  only_b.kind = ff::ValueKind::integer;
  only_b.default_yaml = "1";
  only_b.applies_to = {"b"};
  schema.add(only_b);
  schema.select_by("kind");
  EXPECT_EQ(ff::config_from_text("kind: b\nlevels: 3\n", schema, "t").integer("levels"), 3);
  EXPECT_THROW(ff::config_from_text("kind: a\nlevels: 3\n", schema, "t"), ff::InputError);
  EXPECT_EQ(ff::config_from_text("kind: a\n", schema, "t").integer("levels"), 1);  // its default, unused
}

}  // namespace
