#include "operators/model_factory.hpp"

#include "core/error.hpp"
#include "operators/mg_fno.hpp"

#include <fmt/format.h>

#include <map>
#include <sstream>

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
    mg.periodic = spec.periodic_context;
    return torch::nn::AnyModule(MultiGridFno(mg));
  }
  throw InputError("model kind must be fno, tfno or mgtfno, got '" + spec.kind + "'");
}

ParameterCounts count_parameters(const torch::nn::AnyModule& model) {
  const torch::nn::Module* module = model.ptr().get();
  const auto* fno = dynamic_cast<const FnoImpl*>(module);
  if (const auto* mg = dynamic_cast<const MultiGridFnoImpl*>(module)) fno = &mg->network();
  FF_REQUIRE(fno != nullptr, InputError, "count_parameters: not a model of make_model");
  ParameterCounts counts;
  for (const auto& p : module->parameters()) counts.total += p.numel();
  counts.spectral = fno->spectral_weights().parameter_count();
  counts.dense_spectral = fno->spectral_weights().dense_parameter_count();
  return counts;
}

namespace {

std::string join(const std::vector<int>& values) {
  std::string text;
  for (int v : values) text += (text.empty() ? "" : ",") + std::to_string(v);
  return text;
}

std::vector<int> split_integers(const std::string& text) {
  std::vector<int> values;
  std::istringstream in(text);
  for (std::string item; std::getline(in, item, ',');) values.push_back(std::stoi(item));
  return values;
}

const char* grid_channels_name(GridChannels grid) {
  switch (grid) {
    case GridChannels::none: return "none";
    case GridChannels::periodic: return "periodic";
    case GridChannels::closed: return "closed";
  }
  return "none";
}

}  // namespace

std::string describe(const ModelSpec& spec) {
  const FnoOptions& n = spec.network;
  return fmt::format(
      "kind={}\nmodes={}\nin_channels={}\nout_channels={}\nwidth={}\nlayers={}\nprojection={}\ngrid={}\npadding={}\n"
      "factorization={}\nrank={:.17g}\nranks={}\nreconstructed={}\njoint={}\nlevels={}\noverlap={}\ncontext={}\n",
      spec.kind, join(n.modes), n.in_channels, n.out_channels, n.width, n.layers, n.projection,
      grid_channels_name(n.grid), n.padding, n.factorization, n.rank, join(n.ranks), n.reconstructed ? 1 : 0,
      n.joint ? 1 : 0, spec.levels, spec.overlap, spec.periodic_context ? "periodic" : "zero");
}

ModelSpec parse_model_spec(const std::string& text, const std::string& origin) {
  std::map<std::string, std::string> values;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    FF_REQUIRE(eq != std::string::npos, InputError, "{}: malformed model description line '{}'", origin, line);
    values[line.substr(0, eq)] = line.substr(eq + 1);
  }
  auto take = [&](const std::string& key) {
    const auto it = values.find(key);
    FF_REQUIRE(it != values.end(), InputError, "{}: the model description has no '{}'", origin, key);
    return it->second;
  };
  ModelSpec spec;
  FnoOptions& n = spec.network;
  try {
    spec.kind = take("kind");
    n.modes = split_integers(take("modes"));
    n.in_channels = std::stoi(take("in_channels"));
    n.out_channels = std::stoi(take("out_channels"));
    n.width = std::stoi(take("width"));
    n.layers = std::stoi(take("layers"));
    n.projection = std::stoi(take("projection"));
    n.grid = parse_grid_channels(take("grid"));
    n.padding = std::stoi(take("padding"));
    n.factorization = take("factorization");
    n.rank = std::stod(take("rank"));
    n.ranks = split_integers(take("ranks"));
    n.reconstructed = take("reconstructed") == "1";
    // Descriptions written before per-layer factorization existed are joint.
    n.joint = values.count("joint") == 0 || values.at("joint") == "1";
    spec.levels = std::stoi(take("levels"));
    spec.overlap = std::stoi(take("overlap"));
    // MG-TFNO contexts wrapped around before `context` was recorded.
    const std::string context = values.count("context") ? values.at("context") : "periodic";
    FF_REQUIRE(context == "periodic" || context == "zero", InputError,
               "{}: damaged model description: context '{}' is neither periodic nor zero", origin, context);
    spec.periodic_context = context == "periodic";
  } catch (const std::logic_error& e) {  // std::stoi/stod on a damaged value
    throw InputError(fmt::format("{}: damaged model description: {}", origin, e.what()));
  }
  return spec;
}

}  // namespace ff::operators
