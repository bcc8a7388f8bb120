#include "solvers/linear/dcdm/dcdm_pc.hpp"

#include "core/error.hpp"
#include "operators/dcdm/dcdm_model.hpp"
#include "solvers/linear/petsc_check.hpp"

#include <petsc/private/pcimpl.h>
#include <petscao.h>
#include <petscdmda.h>
#include <torch/torch.h>

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <string>

namespace ff::linear {

namespace {

struct DcdmPc {
  std::vector<long> shape;  // cells per axis
  std::vector<int64_t> cell_of_unknown;
  operators::DcdmNetwork network;
  torch::Device device{torch::kCPU};
  torch::Tensor cells;  // cell_of_unknown on the device
  VecScatter to_zero = nullptr;
  Vec gathered = nullptr;  // the whole vector on rank 0, empty elsewhere
};

DcdmPc& state(PC pc) { return *static_cast<DcdmPc*>(pc->data); }

// C++ exceptions must not cross PETSc's C frames: turn them into errors.
template <class F>
PetscErrorCode guarded(PC pc, F&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    SETERRQ(PetscObjectComm(reinterpret_cast<PetscObject>(pc)), PETSC_ERR_USER, "PC dcdm: %s", e.what());
  }
  return 0;
}

std::string option(PC pc, const char* name, const std::string& fallback, bool* found = nullptr) {
  char value[PETSC_MAX_PATH_LEN] = {0};
  PetscBool set = PETSC_FALSE;
  FF_PETSC(PetscOptionsGetString(reinterpret_cast<PetscObject>(pc)->options, reinterpret_cast<PetscObject>(pc)->prefix,
                                 name, value, sizeof(value), &set));
  if (found) *found = set == PETSC_TRUE;
  return set ? std::string(value) : fallback;
}

// Where the layout was not given: a DMDA's grid (in its natural order,
// which is not PETSc's global order on several ranks), or -pc_dcdm_grid N
// with every cell an unknown.
void infer_layout(PC pc, DcdmPc& s, PetscInt unknowns) {
  if (!s.shape.empty()) return;
  DM dm = nullptr;
  FF_PETSC(PCGetDM(pc, &dm));
  PetscBool is_da = PETSC_FALSE;
  if (dm) FF_PETSC(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(dm), DMDA, &is_da));
  s.cell_of_unknown.resize(unknowns);
  std::iota(s.cell_of_unknown.begin(), s.cell_of_unknown.end(), int64_t{0});
  if (is_da) {
    PetscInt dim = 0, m = 0, n = 0, p = 0, dof = 0;
    FF_PETSC(DMDAGetInfo(dm, &dim, &m, &n, &p, nullptr, nullptr, nullptr, &dof, nullptr, nullptr, nullptr, nullptr,
                         nullptr));
    FF_REQUIRE(dof == 1, InputError, "a DMDA with {} fields per point; the DCDM network takes one", dof);
    // DMDA's natural order runs x fastest: as a C-order tensor the axes are (p, n, m).
    s.shape = dim == 3 ? std::vector<long>{p, n, m} : std::vector<long>{n, m};
    AO ao = nullptr;
    FF_PETSC(DMDAGetAO(dm, &ao));
    std::vector<PetscInt> natural(s.cell_of_unknown.begin(), s.cell_of_unknown.end());
    FF_PETSC(AOPetscToApplication(ao, unknowns, natural.data()));
    s.cell_of_unknown.assign(natural.begin(), natural.end());
  } else {
    bool found = false;
    const std::string n = option(pc, "-pc_dcdm_grid", "", &found);
    FF_REQUIRE(found, InputError,
               "the grid of the vectors is unknown: give -pc_dcdm_grid N (every cell an unknown), attach a DMDA, or "
               "call set_dcdm_layout");
    s.shape.assign(s.network.dimension, std::stol(n));
  }
  long cells = 1;
  for (long n : s.shape) cells *= n;
  FF_REQUIRE(cells == unknowns, InputError, "-pc_dcdm_grid or the DMDA gives {} cells, the matrix has {} unknowns",
             cells, unknowns);
}

// Every rank checks the same things, so an error stops all of them before
// any collective call: none is left waiting in a scatter.
PetscErrorCode setup(PC pc) {
  return guarded(pc, [&] {
    DcdmPc& s = state(pc);
    bool found = false;
    const std::string model = option(pc, "-pc_dcdm_model", "", &found);
    FF_REQUIRE(found, InputError, "-pc_dcdm_model FILE is required (a checkpoint of a train.dcdm stage)");
    s.device = torch::Device(option(pc, "-pc_dcdm_device", "cpu"));
    s.network = operators::load_dcdm_network(model, s.device.str());
    PetscInt unknowns = 0;
    FF_PETSC(MatGetSize(pc->pmat, &unknowns, nullptr));
    infer_layout(pc, s, unknowns);
    FF_REQUIRE(static_cast<PetscInt>(s.cell_of_unknown.size()) == unknowns, InputError,
               "the layout has {} unknowns, the matrix {}", s.cell_of_unknown.size(), unknowns);
    FF_REQUIRE(static_cast<int>(s.shape.size()) == s.network.dimension, InputError, "{}: a {}D network for a {}D grid",
               model, s.network.dimension, s.shape.size());
    for (long n : s.shape)
      FF_REQUIRE(n % s.network.grid_divisor == 0, InputError,
                 "{}: the network's pooling levels need cells per axis divisible by {}, the grid has {}", model,
                 s.network.grid_divisor, n);
    s.cells = torch::tensor(s.cell_of_unknown, torch::kInt64).to(s.device);
    if (!s.to_zero) {
      Vec x = nullptr;
      FF_PETSC(MatCreateVecs(pc->pmat, &x, nullptr));
      FF_PETSC(VecScatterCreateToZero(x, &s.to_zero, &s.gathered));
      FF_PETSC(VecDestroy(&x));
    }
  });
}

// The network's direction for the residual in `values` (all unknowns, rank 0).
void network_direction(DcdmPc& s, PetscScalar* values, PetscInt count, PetscReal norm) {
  torch::NoGradGuard no_grad;
  const torch::Tensor r =
      torch::from_blob(values, {count}, torch::kFloat64).to(s.device, torch::kFloat32) / static_cast<float>(norm);
  long cells = 1;
  for (long n : s.shape) cells *= n;
  torch::Tensor grid = torch::zeros({cells}, torch::TensorOptions().dtype(torch::kFloat32).device(s.device));
  grid.index_copy_(0, s.cells, r);
  std::vector<int64_t> shape{1, 1};
  shape.insert(shape.end(), s.shape.begin(), s.shape.end());
  const torch::Tensor d = s.network.module.forward(grid.view(shape)).reshape(-1).index_select(0, s.cells);
  const torch::Tensor out = (d.to(torch::kCPU, torch::kFloat64) * norm).contiguous();
  std::copy(out.data_ptr<double>(), out.data_ptr<double>() + count, values);
}

PetscErrorCode apply(PC pc, Vec x, Vec y) {
  return guarded(pc, [&] {
    DcdmPc& s = state(pc);
    MPI_Comm comm = PetscObjectComm(reinterpret_cast<PetscObject>(pc));
    PetscReal norm = 0;
    FF_PETSC(VecNorm(x, NORM_2, &norm));
    FF_PETSC(VecScatterBegin(s.to_zero, x, s.gathered, INSERT_VALUES, SCATTER_FORWARD));
    FF_PETSC(VecScatterEnd(s.to_zero, x, s.gathered, INSERT_VALUES, SCATTER_FORWARD));
    PetscInt local = 0;
    FF_PETSC(VecGetLocalSize(s.gathered, &local));
    // Rank 0 runs the network; a failure there is shared before the reverse
    // scatter, so every rank stops with it.
    std::string failure;
    if (local > 0) {
      PetscScalar* values = nullptr;
      FF_PETSC(VecGetArray(s.gathered, &values));
      try {
        if (norm > 0)
          network_direction(s, values, local, norm);
        else
          std::fill(values, values + local, 0.0);
      } catch (const std::exception& e) {
        failure = e.what();
      }
      FF_PETSC(VecRestoreArray(s.gathered, &values));
    }
    int failed = failure.empty() ? 0 : 1;
    MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, comm);
    FF_REQUIRE(!failed, RunError, "the network failed{}", failure.empty() ? " on rank 0" : ": " + failure);
    FF_PETSC(VecScatterBegin(s.to_zero, s.gathered, y, INSERT_VALUES, SCATTER_REVERSE));
    FF_PETSC(VecScatterEnd(s.to_zero, s.gathered, y, INSERT_VALUES, SCATTER_REVERSE));
  });
}

PetscErrorCode reset(PC pc) {
  DcdmPc& s = state(pc);
  PetscCall(VecScatterDestroy(&s.to_zero));
  PetscCall(VecDestroy(&s.gathered));
  return 0;
}

PetscErrorCode destroy(PC pc) {
  PetscCall(reset(pc));
  delete &state(pc);
  pc->data = nullptr;
  return 0;
}

PetscErrorCode view(PC pc, PetscViewer viewer) {
  PetscBool ascii = PETSC_FALSE;
  PetscCall(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(viewer), PETSCVIEWERASCII, &ascii));
  if (ascii) {
    const DcdmPc& s = state(pc);
    PetscCall(PetscViewerASCIIPrintf(viewer, "  DCDM network on a grid of %d axes, %" PetscInt_FMT " unknowns\n",
                                     static_cast<int>(s.shape.size()),
                                     static_cast<PetscInt>(s.cell_of_unknown.size())));
  }
  return 0;
}

PetscErrorCode create(PC pc) {
  pc->data = new DcdmPc;
  pc->ops->setup = setup;
  pc->ops->apply = apply;
  pc->ops->reset = reset;
  pc->ops->destroy = destroy;
  pc->ops->view = view;
  return 0;
}

}  // namespace

PetscErrorCode register_dcdm_pc() {
  static bool registered = false;
  if (!registered) PetscCall(PCRegister("dcdm", create));
  registered = true;
  return 0;
}

void set_dcdm_layout(PC pc, const std::vector<long>& shape, const std::vector<long>& cell_of_unknown) {
  PetscBool is_dcdm = PETSC_FALSE;
  FF_PETSC(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(pc), "dcdm", &is_dcdm));
  FF_REQUIRE(is_dcdm, InputError, "set_dcdm_layout: the preconditioner is not of type dcdm");
  DcdmPc& s = state(pc);
  s.shape = shape;
  s.cell_of_unknown.assign(cell_of_unknown.begin(), cell_of_unknown.end());
}

}  // namespace ff::linear
