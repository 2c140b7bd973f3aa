// Configure-time probe (cmake/FacerepDist.cmake): can this LibTorch build a Gloo process group?
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

int main() {
  c10d::TCPStoreOptions opts;
  auto options = c10d::ProcessGroupGloo::Options::create();
  options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
  using Make = c10::intrusive_ptr<c10d::ProcessGroupGloo> (*)(const c10::intrusive_ptr<c10d::Store>&);
  Make make = [](const c10::intrusive_ptr<c10d::Store>& store) {
    return c10::make_intrusive<c10d::ProcessGroupGloo>(store, 0, 1, c10d::ProcessGroupGloo::Options::create());
  };
  (void)make;
  (void)opts;
  return 0;
}
