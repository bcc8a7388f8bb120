// Files of named arrays: what an exported model is (weights, normalizer
// statistics), for Python or other tools to read without LibTorch.
//
//   /                 attrs: fieldforge_version, git_sha, created_utc, case, case_name, stage,
//                     plus the writer's own string attributes
//   /<group>/<name>   float32 arrays of any shape
//
// Only the calling process writes (rank 0 under MPI); the file is written as
// `<name>.partial` and renamed by commit(), so a crash leaves no file that
// looks finished.
#pragma once

#include "io/dataset_writer.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace ff {

class ArrayFileWriter {
 public:
  ArrayFileWriter(std::filesystem::path path, const Provenance& provenance);
  ~ArrayFileWriter();  // without commit(): removes the partial file
  ArrayFileWriter(const ArrayFileWriter&) = delete;
  ArrayFileWriter& operator=(const ArrayFileWriter&) = delete;

  // `name` is a path such as "parameters/lift.weight"; groups are created
  // as needed. Non-finite values are a RunError naming the array.
  void write(const std::string& name, const std::vector<std::uint64_t>& shape, const float* values);
  void attribute(const std::string& name, const std::string& value);  // on /
  void commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ff
