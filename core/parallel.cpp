#include "core/parallel.hpp"

#include <mpi.h>

namespace ff {

bool mpi_active() {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  return initialized && !finalized;
}

int mpi_rank() {
  int rank = 0;
  if (mpi_active()) MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

int mpi_size() {
  int size = 1;
  if (mpi_active()) MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

void mpi_barrier() {
  if (mpi_active()) MPI_Barrier(MPI_COMM_WORLD);
}

SampleRange block_range(long total, int rank, int size) {
  const long base = total / size, extra = total % size;
  const long begin = rank * base + (rank < extra ? rank : extra);
  return {begin, begin + base + (rank < extra ? 1 : 0)};
}

bool all_ranks_ok(bool ok) {
  if (!mpi_active()) return ok;
  int local = ok ? 1 : 0, global = 0;
  MPI_Allreduce(&local, &global, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
  return global == 1;
}

void broadcast_from_root(std::string& text) {
  if (!mpi_active()) return;
  unsigned long size = text.size();
  MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG, 0, MPI_COMM_WORLD);
  text.resize(size);
  MPI_Bcast(text.data(), static_cast<int>(size), MPI_CHAR, 0, MPI_COMM_WORLD);
}

}  // namespace ff
