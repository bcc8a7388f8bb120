#include "solvers/linear/newton_options.hpp"

namespace ff::linear {

OptionsSchema<NewtonOptions> newton_options() {
  using N = NewtonOptions;
  const N d;
  OptionsSchema<N> o;
  o.key("rtol", &N::rtol, "converged when the residual norm falls below rtol times the initial one")
      .def(d.rtol)
      .greater_than(0)
      .at_most(1);
  o.key("atol", &N::atol, "converged when the residual norm falls below atol").def(d.atol).greater_than(0);
  o.key("max_it", &N::max_it, "Newton iteration limit").def(d.max_it).at_least(1);
  o.key("options", &N::options,
        "further PETSc SNES options, e.g. \"-snes_linesearch_type basic -snes_test_jacobian\" (command line wins)")
      .def("\"\"");
  return o;
}

Schema newton_schema() { return newton_options().schema(); }

}  // namespace ff::linear
