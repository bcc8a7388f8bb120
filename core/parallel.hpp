// The few MPI facts the rest of the code needs. MPI itself is initialised and
// finalised in exactly one place, apps/runtime.cpp.
#pragma once

#include <string>

namespace ff {

struct SampleRange {
  long begin = 0;
  long end = 0;  // one past the last
  long size() const { return end - begin; }
};

int mpi_rank();
int mpi_size();
bool mpi_active();  // MPI_Init has been called and MPI_Finalize has not
void mpi_barrier();

// Contiguous block of [0, total) owned by `rank` of `size` ranks; the first
// (total % size) ranks get one extra sample.
SampleRange block_range(long total, int rank, int size);

// Logical AND of `ok` over all ranks (true without MPI).
bool all_ranks_ok(bool ok);

// Rank 0's `text` (`value`) on every rank (unchanged without MPI).
void broadcast_from_root(std::string& text);
void broadcast_from_root(double& value);

// Element-wise sums over all ranks, in place (unchanged without MPI). Every
// rank receives the same values.
void sum_over_ranks(double* values, long count);
void sum_over_ranks(float* values, long count);

// The ranks sharing this rank's node (its shared-memory domain): how many,
// and this rank's place among them. 1 and 0 without MPI. The first call is
// collective (it splits the communicator): the runtime makes it on every rank
// at start-up, after which any rank may ask alone.
int node_local_size();
int node_local_rank();

}  // namespace ff
