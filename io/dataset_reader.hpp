// Reads fieldforge dataset files: checks the layout of DESIGN.md on open
// (InputError naming the file and what is missing), then serves samples by
// index, one HDF5 chunk per sample, so batches stream from disk.
#pragma once

#include "io/dataset_writer.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace ff {

class DatasetReader {
 public:
  explicit DatasetReader(const std::filesystem::path& path);
  ~DatasetReader();
  DatasetReader(DatasetReader&&) noexcept;
  DatasetReader& operator=(DatasetReader&&) noexcept;

  const std::filesystem::path& path() const;
  long n_samples() const;
  GridInfo grid() const;
  std::vector<std::string> fields() const;  // "inputs/u0", "outputs/u", ...
  bool has_field(const std::string& field) const;
  std::vector<std::uint64_t> sample_shape(const std::string& field) const;
  std::uint64_t sample_size(const std::string& field) const;  // product of sample_shape

  std::string root_attribute(const std::string& name) const;
  bool has_field_attribute(const std::string& field, const std::string& name) const;
  double field_attribute(const std::string& field, const std::string& name) const;
  std::vector<long> split(const std::string& name) const;  // "train" | "test"
  std::vector<double> times() const;                       // /times, empty when the file has none

  // Samples [first, first + count) of `field`, contiguous, as doubles.
  std::vector<double> read(const std::string& field, long first, long count) const;
  // The samples listed in `indices`, in that order.
  std::vector<double> read_indices(const std::string& field, const std::vector<long>& indices) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Batches of one field in a given sample order, read lazily.
class BatchStream {
 public:
  BatchStream(const DatasetReader& reader, std::string field, std::vector<long> order, long batch_size);
  // Fills the next batch; false when the order is exhausted.
  bool next(std::vector<double>& values, std::vector<long>& indices);

 private:
  const DatasetReader& reader_;
  std::string field_;
  std::vector<long> order_;
  long batch_size_;
  std::size_t position_ = 0;
};

}  // namespace ff
