// Configure-time probe (cmake/FacerepDist.cmake): can this LibTorch build an NCCL process group?
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>

int main() {
  auto options = c10d::ProcessGroupNCCL::Options::create();
  using Make = c10::intrusive_ptr<c10d::ProcessGroupNCCL> (*)(const c10::intrusive_ptr<c10d::Store>&);
  Make make = [](const c10::intrusive_ptr<c10d::Store>& store) {
    return c10::make_intrusive<c10d::ProcessGroupNCCL>(store, 0, 1, c10d::ProcessGroupNCCL::Options::create());
  };
  (void)make;
  (void)options;
  return 0;
}
