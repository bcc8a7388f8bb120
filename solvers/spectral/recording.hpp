// What the time-dependent dataset stages share: the recorded times and the
// subsampling of a solution on its solve grid to the stored grid.
#pragma once

#include <vector>

namespace ff::spectral {

// The stored grid and the recorded times of a time-dependent dataset stage.
struct Recording {
  int store_n = 0;
  int stride = 1;  // stored point i is solve point stride·i
  std::vector<double> times;
};
// From the stage's keys `grid.n`, `store_n`, `final_time`, `record_every`
// and `spin_up` (InputError, naming them, unless store_n divides n and
// final_time − spin_up is a whole multiple of record_every).
Recording make_recording(int n, long store_n, double final_time, double record_every, double spin_up = 0);

// spin_up + record_every, spin_up + 2·record_every, ..., final_time: a
// spin-up lets a forced flow forget its initial condition before the first
// record. InputError (naming the keys `final_time`, `record_every` and
// `spin_up`) unless final_time − spin_up is a positive whole multiple.
std::vector<double> record_times(double final_time, double record_every, double spin_up = 0);

// Steps of `step` between consecutive records, InputError unless `interval`
// is a whole multiple of `step` (named by the keys given).
long steps_between(double interval, double step, const char* interval_key, const char* step_key);

// Stored grid from the solve grid by taking every stride-th point per axis
// (point values, as in the FNO datasets). InputError unless store_n divides n.
int subsampling_stride(int n, long store_n);
void subsample(const double* fine, int dim, int n, int stride, double* coarse);

}  // namespace ff::spectral
