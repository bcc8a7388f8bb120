#include "core/parallel.hpp"

#include <mpi.h>

#include <algorithm>

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

void broadcast_from_root(double& value) {
  if (mpi_active()) MPI_Bcast(&value, 1, MPI_DOUBLE, 0, MPI_COMM_WORLD);
}

void broadcast_from_root(std::string& text) {
  if (!mpi_active()) return;
  unsigned long size = text.size();
  MPI_Bcast(&size, 1, MPI_UNSIGNED_LONG, 0, MPI_COMM_WORLD);
  text.resize(size);
  MPI_Bcast(text.data(), static_cast<int>(size), MPI_CHAR, 0, MPI_COMM_WORLD);
}

namespace {

void sum_in_place(void* values, long count, MPI_Datatype type) {
  if (!mpi_active() || mpi_size() == 1 || count == 0) return;
  // MPI counts are int: large buffers go in slices.
  constexpr long kSlice = 1L << 30;
  int size = 0;
  MPI_Type_size(type, &size);
  auto* bytes = static_cast<char*>(values);
  for (long done = 0; done < count; done += kSlice) {
    const long slice = std::min(kSlice, count - done);
    MPI_Allreduce(MPI_IN_PLACE, bytes + done * size, static_cast<int>(slice), type, MPI_SUM, MPI_COMM_WORLD);
  }
}

// Communicator of the ranks on this node, made once.
MPI_Comm node_comm() {
  static MPI_Comm comm = [] {
    MPI_Comm c = MPI_COMM_NULL;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &c);
    return c;
  }();
  return comm;
}

}  // namespace

void sum_over_ranks(double* values, long count) { sum_in_place(values, count, MPI_DOUBLE); }
void sum_over_ranks(float* values, long count) { sum_in_place(values, count, MPI_FLOAT); }

int node_local_size() {
  int size = 1;
  if (mpi_active()) MPI_Comm_size(node_comm(), &size);
  return size;
}

int node_local_rank() {
  int rank = 0;
  if (mpi_active()) MPI_Comm_rank(node_comm(), &rank);
  return rank;
}

}  // namespace ff
