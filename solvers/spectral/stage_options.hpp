// Options pieces the dataset stages of this module declare alike: the
// `samples` split and the storage `dtype` (see io/options.hpp).
#pragma once

#include "io/dataset_writer.hpp"
#include "io/options.hpp"

#include <string>
#include <utility>
#include <vector>

namespace ff::spectral {

struct SampleSplit {
  long train = 0;  // samples 0 .. train-1
  long test = 0;   // the samples after them
};

// The `samples` map: the keys of io's sample_split_schema(train, test,
// smoke_train, smoke_test), key for key, bound to a SampleSplit.
inline OptionsSchema<SampleSplit> sample_split_options(long train, long test, long smoke_train, long smoke_test) {
  OptionsSchema<SampleSplit> o;
  o.key("train", &SampleSplit::train, "training samples (indices 0 .. train-1)")
      .def(train)
      .at_least(1)
      .smoke(smoke_train);
  o.key("test", &SampleSplit::test, "test samples (the indices after the training ones)")
      .def(test)
      .at_least(0)
      .smoke(smoke_test);
  return o;
}

// The names of the storage precisions, for o.choice("dtype", ...).
inline std::vector<std::pair<std::string, DType>> dtype_names() {
  return {{"float32", DType::float32}, {"float64", DType::float64}};
}

}  // namespace ff::spectral
