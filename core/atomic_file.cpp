#include "core/atomic_file.hpp"

#include "core/error.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ff {

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  const std::filesystem::path partial = path.string() + ".partial";
  auto fail = [&](const char* what, int error) {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    throw RunError(fmt::format("cannot {} {}: {}", what, partial.string(), std::strerror(error)));
  };
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("create", errno);
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t written = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) {
      const int error = written < 0 ? errno : ENOSPC;
      ::close(fd);
      fail("write", error);
    }
    done += static_cast<std::size_t>(written);
  }
  // Durable before the rename: after a crash `path` is the old file or the new one.
  if (::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    fail("flush", error);
  }
  if (::close(fd) != 0) fail("close", errno);
  std::error_code renamed;
  std::filesystem::rename(partial, path, renamed);
  if (renamed) fail("rename", renamed.value());
}

void sync_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  FF_REQUIRE(fd >= 0, RunError, "cannot open {} to flush it: {}", path.string(), std::strerror(errno));
  const int status = ::fsync(fd), error = errno;
  ::close(fd);
  FF_REQUIRE(status == 0, RunError, "cannot flush {} to the disk: {}", path.string(), std::strerror(error));
}

void reserve_disk_space(const std::filesystem::path& path, std::uint64_t bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  FF_REQUIRE(fd >= 0, RunError, "cannot open {} to reserve disk space: {}", path.string(), std::strerror(errno));
  const int status = ::fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, static_cast<off_t>(bytes));
  const int error = status == 0 ? 0 : errno;
  struct statvfs disk {};
  const bool known = ::fstatvfs(fd, &disk) == 0;
  ::close(fd);
  const std::uint64_t free = known ? static_cast<std::uint64_t>(disk.f_bavail) * disk.f_frsize : 0;
  const bool reservable = error != EOPNOTSUPP && error != ENOSYS;
  const bool enough = reservable ? error == 0 : !known || free >= bytes;
  FF_REQUIRE(enough, RunError, "{} needs {:.1f} MB of disk, {}: {}", path.string(), bytes / 1e6,
             known ? fmt::format("{:.1f} MB are free", free / 1e6) : "free space unknown",
             std::strerror(error ? error : ENOSPC));
}

void release_unused_disk_space(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  struct stat info {};
  // Blocks past the end of the file are the reservation's leftover:
  // truncating to the file's own size frees them (ext4, xfs, tmpfs; punching
  // a hole past the end does not on ext4).
  if (::fstat(fd, &info) == 0) (void)::ftruncate(fd, info.st_size);
  ::close(fd);
}

}  // namespace ff
