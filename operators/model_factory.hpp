// Operator models by kind from plain options: what the training and
// evaluation stages build, type-erased so they drive any of them alike.
#pragma once

#include "operators/fno.hpp"

#include <torch/nn/modules/container/any.h>

#include <string>

namespace ff::operators {

struct ModelSpec {
  std::string kind = "fno";  // fno | tfno | mgtfno
  FnoOptions network;        // for tfno/mgtfno its factorization is used (dense means tucker)
  int levels = 1;            // mgtfno
  int overlap = 0;           // mgtfno
  bool periodic_context = true;  // mgtfno: coarse views wrap around (else zeros past the edge)
};

torch::nn::AnyModule make_model(const ModelSpec& spec);

// Real parameter counts of a model built by make_model, with its spectral
// weights apart: what a factorization saves against dense ones.
struct ParameterCounts {
  int64_t total = 0;
  int64_t spectral = 0;
  int64_t dense_spectral = 0;  // the same spectral weights unfactorized
};
ParameterCounts count_parameters(const torch::nn::AnyModule& model);

// A spec as `key=value` lines, the form checkpoints carry so that a model
// is rebuilt from its checkpoint alone; parse_model_spec inverts it and
// names `origin` (the checkpoint) in its errors.
std::string describe(const ModelSpec& spec);
ModelSpec parse_model_spec(const std::string& text, const std::string& origin);

}  // namespace ff::operators
