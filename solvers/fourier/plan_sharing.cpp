#include "solvers/fourier/plan_sharing.hpp"

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "solvers/fourier/fft.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ff::spectral {

std::filesystem::path wisdom_file_for(const std::filesystem::path& stage_dir) {
  if (const char* env = std::getenv("FIELDFORGE_FFTW_WISDOM"); env && *env) return env;
  return stage_dir / "fftw_wisdom";
}

void share_fft_plans(const std::function<void()>& make_plans, const std::filesystem::path& wisdom_file) {
  std::string wisdom;
  std::string failure;
  if (mpi_rank() == 0) {
    try {
      if (!wisdom_file.empty() && std::filesystem::exists(wisdom_file)) {
        std::ifstream in(wisdom_file);
        std::stringstream text;
        text << in.rdbuf();
        try {
          import_fft_wisdom(text.str());
        } catch (const InputError&) {
          // A damaged cache only costs planning time.
          spdlog::warn("{}: not FFTW wisdom, planning afresh", wisdom_file.string());
        }
      }
      make_plans();
      wisdom = export_fft_wisdom();
      if (!wisdom_file.empty()) write_file_atomically(wisdom_file, wisdom);
    } catch (const std::exception& e) {
      failure = e.what();
    }
  }
  if (!all_ranks_ok(failure.empty())) throw RunError(failure.empty() ? "FFT planning failed on rank 0" : failure);
  broadcast_from_root(wisdom);
  if (mpi_rank() != 0) import_fft_wisdom(wisdom);
}

}  // namespace ff::spectral
