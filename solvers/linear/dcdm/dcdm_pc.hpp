// The deep conjugate-direction method as a PETSc preconditioner type,
// `dcdm`: PCApply runs a trained DCDM network (train.dcdm) on the residual,
// normalized as in training, and returns its direction scaled back, so
//
//   -ksp_type fcg -ksp_fcg_mmax 2 -ksp_fcg_truncation_type standard
//   -pc_type dcdm -pc_dcdm_model model.pt
//
// is DCDM with PETSc's flexible CG doing the A-orthogonalization against
// the last 2 directions and the line search (PETSc's default truncation,
// notay, keeps max(1, i mod mmax) of them instead). Options (under the PC's prefix): -pc_dcdm_model FILE
// (required), -pc_dcdm_device cpu|cuda[:N].
//
// The network needs the grid behind the vector: pcdcdm_set_layout gives it
// (grid shape and the cell of every unknown, for problems with solid
// cells); without it, a DMDA attached to the PC (one field per point) or
// -pc_dcdm_grid N (every cell an unknown) serve. Under MPI every rank loads
// and checks the network, the residual is gathered to rank 0, which runs it,
// and the direction is scattered back.
#pragma once

#include <petscpc.h>

#include <vector>

namespace ff::linear {

// Adds the type `dcdm` to PETSc's PC registry; call once after
// PetscInitialize (fieldforge's runtime does). Safe to call again.
PetscErrorCode register_dcdm_pc();

// The grid of the vectors a `dcdm` PC sees: `shape` the cells per axis,
// `cell_of_unknown` the C-order cell index of every global unknown.
void set_dcdm_layout(PC pc, const std::vector<long>& shape, const std::vector<long>& cell_of_unknown);

}  // namespace ff::linear
