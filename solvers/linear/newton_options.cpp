#include "solvers/linear/newton_options.hpp"

namespace ff::linear {

Schema newton_schema() {
  const NewtonOptions d;
  Schema s;
  s.key("rtol", ValueKind::number, "converged when the residual norm falls below rtol times the initial one")
      .def(d.rtol)
      .greater_than(0)
      .at_most(1);
  s.key("atol", ValueKind::number, "converged when the residual norm falls below atol").def(d.atol).greater_than(0);
  s.key("max_it", ValueKind::integer, "Newton iteration limit").def(d.max_it).at_least(1);
  s.key("options", ValueKind::string,
        "further PETSc SNES options, e.g. \"-snes_linesearch_type basic -snes_test_jacobian\" (command line wins)")
      .def("\"\"");
  return s;
}

}  // namespace ff::linear
