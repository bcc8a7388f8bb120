// Stage `potential.chebyshev_tucker`: the Newton potential of a set of point
// charges on a uniform grid over their box, range separated into a direct
// near field and a Chebyshev–Tucker long range, with its ranks, timings and
// an error check against the direct sum written beside it.
#pragma once

#include "io/stage.hpp"
#include "potentials/charges.hpp"
#include "potentials/range_parameters.hpp"

#include <filesystem>

namespace ff::potentials {

class ChebyshevTuckerStage : public Stage {
 public:
  static constexpr const char* type = "potential.chebyshev_tucker";
  static constexpr Parallelism parallelism = Parallelism::replicated;
  static constexpr const char* summary =
      "Newton potential of point charges on a grid: short range summed directly, long range as a Chebyshev-Tucker "
      "function";
  static constexpr int version = 1;
  static Schema schema();

  explicit ChebyshevTuckerStage(const StageConfig& config);
  void run(const RunContext& context) override;

 private:
  Charges charges_;
  Box box_;
  RangeParameters parameters_;
  std::string choice_;  // how the parameters were chosen, for the log
  long grid_n_ = 64;
  long check_points_ = 1000;
  std::filesystem::path out_;
};

}  // namespace ff::potentials
