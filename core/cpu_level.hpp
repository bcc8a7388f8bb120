// Which x86-64 microarchitecture level this CPU runs, for kernels compiled
// once per level and chosen at run time (solvers/sphere, operators/layers).
#pragma once

namespace ff {

enum class CpuLevel { baseline, x86_64_v3, x86_64_v4 };

// The highest level whose features (as -march=x86-64-vN lets the compiler
// use them) the CPU has. MOVBE and LZCNT, which every CPU with BMI2 has, are
// not tested: clang cannot test for them.
CpuLevel cpu_level();

}  // namespace ff
