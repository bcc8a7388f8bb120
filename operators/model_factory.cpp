#include "operators/model_factory.hpp"

#include "core/error.hpp"
#include "operators/mg_fno.hpp"

namespace ff::operators {

torch::nn::AnyModule make_model(const ModelSpec& spec) {
  FnoOptions network = spec.network;
  if (spec.kind == "fno") {
    network.factorization = "dense";
    return torch::nn::AnyModule(Fno(network));
  }
  if (network.factorization == "dense") network.factorization = "tucker";
  if (spec.kind == "tfno") return torch::nn::AnyModule(Fno(network));
  if (spec.kind == "mgtfno") {
    MultiGridFnoOptions mg;
    mg.network = network;
    mg.levels = spec.levels;
    mg.padding = spec.overlap;
    return torch::nn::AnyModule(MultiGridFno(mg));
  }
  throw InputError("model kind must be fno, tfno or mgtfno, got '" + spec.kind + "'");
}

}  // namespace ff::operators
