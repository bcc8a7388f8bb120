#!/usr/bin/python3
"""FEniCSx (DOLFINx 0.5, Debian python3-dolfinx) side of bench/fem_poisson:
the problem of bench_fem_poisson.cpp on the same structured simplex mesh
(squares cut along the (0,0)-(1,1) diagonal, DOLFINx's "right" diagonal),
P1, the load integrated with a degree-2 rule, CG + GAMG to rtol 1e-10 from a
zero guess through the same PETSc. Times assembly (matrix with the Dirichlet
rows, right-hand side with lifting and boundary values, into a preallocated
matrix) and solve (preconditioner setup included) separately, each the
fastest of REPEATS, after one untimed small run that compiles the forms.
Prints one JSON line; with a file name writes (x, y[, z], u) float64 records.

    fem_poisson_fenicsx.py DIM N REPEATS [SOLUTION_FILE]
"""
import json
import sys
import time

import numpy as np
import ufl
from dolfinx import fem, mesh
from dolfinx.fem import petsc as fem_petsc
from mpi4py import MPI
from petsc4py import PETSc

COMM = MPI.COMM_WORLD


def slowest(seconds):
    return COMM.allreduce(seconds, op=MPI.MAX)


def build(dim, n):
    if dim == 2:
        domain = mesh.create_unit_square(COMM, n, n, mesh.CellType.triangle, diagonal=mesh.DiagonalType.right)
    else:
        domain = mesh.create_unit_cube(COMM, n, n, n, mesh.CellType.tetrahedron)
    space = fem.FunctionSpace(domain, ("Lagrange", 1))
    u, v = ufl.TrialFunction(space), ufl.TestFunction(space)
    x = ufl.SpatialCoordinate(domain)
    f = dim * ufl.pi ** 2
    for d in range(dim):
        f = f * ufl.sin(ufl.pi * x[d])
    rule = {"quadrature_degree": 2}
    a = fem.form(ufl.inner(ufl.grad(u), ufl.grad(v)) * ufl.dx(metadata=rule))
    L = fem.form(f * v * ufl.dx(metadata=rule))
    domain.topology.create_connectivity(dim - 1, dim)
    facets = mesh.exterior_facet_indices(domain.topology)
    dofs = fem.locate_dofs_topological(space, dim - 1, facets)
    bc = fem.dirichletbc(PETSc.ScalarType(0), dofs, space)
    return space, a, L, bc


def run(dim, n, repeats, solution_file):
    start = time.perf_counter()
    space, a, L, bc = build(dim, n)
    A = fem_petsc.create_matrix(a)
    b = fem_petsc.create_vector(L)
    uh = fem.Function(space)
    setup = slowest(time.perf_counter() - start)

    assembly = solve = float("inf")
    for _ in range(repeats):
        COMM.Barrier()
        start = time.perf_counter()
        A.zeroEntries()
        fem_petsc.assemble_matrix(A, a, bcs=[bc])
        A.assemble()
        with b.localForm() as local:
            local.set(0)
        fem_petsc.assemble_vector(b, L)
        fem_petsc.apply_lifting(b, [a], bcs=[[bc]])
        b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
        fem_petsc.set_bc(b, [bc])
        assembly = min(assembly, slowest(time.perf_counter() - start))

        COMM.Barrier()
        start = time.perf_counter()
        uh.x.array[:] = 0
        ksp = PETSc.KSP().create(COMM)
        ksp.setType("cg")
        ksp.getPC().setType("gamg")
        ksp.setTolerances(rtol=1e-10, atol=1e-50, max_it=10000)
        ksp.setOperators(A)
        ksp.setFromOptions()
        ksp.solve(b, uh.vector)
        solve = min(solve, slowest(time.perf_counter() - start))
        iterations, reason = ksp.getIterationNumber(), ksp.getConvergedReason()
        ksp.destroy()

    if solution_file and COMM.size == 1:
        owned = space.dofmap.index_map.size_local
        records = np.hstack([space.tabulate_dof_coordinates()[:owned, :dim], uh.x.array[:owned, None]])
        records.astype(np.float64).tofile(solution_file)
    if COMM.rank == 0:
        print(json.dumps({"dofs": space.dofmap.index_map.size_global, "ranks": COMM.size, "setup_s": setup,
                          "assembly_s": assembly, "solve_s": solve, "iterations": iterations, "reason": reason}))


if __name__ == "__main__":
    dim, n, repeats = (int(arg) for arg in sys.argv[1:4])
    build(dim, 4)  # compiles (or loads the cached) forms outside the timings
    run(dim, n, repeats, sys.argv[4] if len(sys.argv) > 4 else None)
