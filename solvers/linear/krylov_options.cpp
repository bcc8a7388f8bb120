#include "solvers/linear/krylov_options.hpp"

namespace ff::linear {

OptionsSchema<KrylovOptions> krylov_options(const KrylovOptions& d) {
  using K = KrylovOptions;
  OptionsSchema<K> o;
  o.key("ksp_type", &K::ksp_type, "Krylov method (PETSc KSPType: cg, gmres, preonly, ...)").def(d.ksp_type);
  o.key("pc_type", &K::pc_type, "preconditioner (PETSc PCType: gamg, hypre, jacobi, lu, ...)").def(d.pc_type);
  o.key("rtol", &K::rtol, "relative residual tolerance").def(d.rtol).greater_than(0).at_most(1);
  o.key("atol", &K::atol, "absolute residual tolerance").def(d.atol).greater_than(0);
  o.key("max_it", &K::max_it, "iteration limit").def(d.max_it).at_least(1);
  o.key("options", &K::options, "further PETSc options, e.g. \"-pc_gamg_threshold 0.02\" (command line wins)")
      .def("\"\"");
  return o;
}

}  // namespace ff::linear
