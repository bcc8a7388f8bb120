// RAII ownership of PETSc objects (Mat, Vec, KSP, DM, PetscSection, ...):
// the handle destroys its object with the matching XxxDestroy, so no code
// path, thrown errors included, leaks one.
#pragma once

#include <petscsys.h>

#include <utility>

namespace ff::linear {

template <class T, PetscErrorCode (*Destroy)(T*)>
class PetscHandle {
 public:
  PetscHandle() = default;
  explicit PetscHandle(T object) : object_(object) {}
  ~PetscHandle() { reset(); }
  PetscHandle(PetscHandle&& other) noexcept : object_(std::exchange(other.object_, nullptr)) {}
  PetscHandle& operator=(PetscHandle&& other) noexcept {
    if (this != &other) {
      reset();
      object_ = std::exchange(other.object_, nullptr);
    }
    return *this;
  }
  PetscHandle(const PetscHandle&) = delete;
  PetscHandle& operator=(const PetscHandle&) = delete;

  // Destroys the current object; the handle is then empty.
  void reset() {
    if (object_) Destroy(&object_);
    object_ = nullptr;
  }
  // For PETSc's creation functions: XxxCreate(..., handle.out()).
  T* out() {
    reset();
    return &object_;
  }
  T get() const { return object_; }
  operator T() const { return object_; }

 private:
  T object_ = nullptr;
};

}  // namespace ff::linear
