// Writing files safely: whole or not at all, and a full disk as a clear
// error rather than a truncated file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace ff {

// The bytes go to `path.partial`, which is flushed to the disk and then
// renamed over `path`. A full disk or any other write failure is a RunError
// naming the file and the system's reason, and leaves neither the partial
// file nor a changed `path` behind.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

// Flushes a closed file's data to the disk (fsync), where filesystems that
// allocate late report a full disk; a RunError naming the file otherwise.
void sync_file(const std::filesystem::path& path);

// Claims `bytes` of disk for the existing file `path` without changing its
// size (fallocate, KEEP_SIZE), so later writes up to that size cannot run out
// of space; a RunError saying how much is needed and free when the disk is
// too full. Where the filesystem cannot reserve, free space is checked instead.
void reserve_disk_space(const std::filesystem::path& path, std::uint64_t bytes);

// Gives back what a reservation claimed beyond the end of the written file.
void release_unused_disk_space(const std::filesystem::path& path);

}  // namespace ff
