#include "io/schema.hpp"

#include <gtest/gtest.h>

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

}  // namespace
