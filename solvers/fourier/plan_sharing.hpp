// One set of FFTW plans for every rank of a run, and for every run that shares
// a wisdom file.
//
// FFTW_MEASURE picks among algorithms by timing them, and different algorithms
// round differently. If each rank planned for itself, a sample's bits would
// depend on which rank computed it. Here rank 0 alone plans (starting from the
// wisdom file when it exists), every other rank imports rank 0's wisdom, and
// rank 0 writes the wisdom back. A dataset is then bit-identical for any number
// of ranks; two runs that use the same wisdom file also agree bit for bit.
#pragma once

#include <filesystem>
#include <functional>

namespace ff::spectral {

// Collective. `make_plans` constructs (and may discard) every RealFFT the
// caller will use; it runs on rank 0 only. Afterwards any rank's RealFFT of
// those shapes gets rank 0's plans. `wisdom_file` may be empty (no caching).
void share_fft_plans(const std::function<void()>& make_plans, const std::filesystem::path& wisdom_file);

// FIELDFORGE_FFTW_WISDOM when set, else `stage_dir`/fftw_wisdom.
std::filesystem::path wisdom_file_for(const std::filesystem::path& stage_dir);

}  // namespace ff::spectral
