#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <torch/torch.h>

#include "core/error.h"
#include "runtime/python_torch.h"
#include "runtime/state_dict_io.h"
#include "test_support.h"

namespace facerep::runtime {
namespace {

using facerep::testing::TempDir;

using facerep::testing::runtime_error_message;

// What Python's state_dict()/torch.save produce: OrderedDict, every storage dtype, a transposed
// view, views sharing one storage, an nn.Parameter; plus the same file re-zipped with deflate.
const char* kWriteStateDict = R"PY(
import collections, sys, zipfile, torch
sd = collections.OrderedDict()
sd['f32'] = torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4
sd['f16'] = torch.tensor([0.5, -1.25, 3.0], dtype=torch.half)
sd['bf16'] = torch.tensor([1.5, -2.0], dtype=torch.bfloat16)
sd['f64'] = torch.tensor([1e-300, 2.5], dtype=torch.float64)
sd['i64'] = torch.tensor([-(2**40), 7], dtype=torch.long)
sd['i32'] = torch.tensor([-3, 2**30], dtype=torch.int32)
sd['u8'] = torch.tensor([0, 255], dtype=torch.uint8)
sd['b'] = torch.tensor([True, False, True])
sd['transposed'] = torch.arange(6, dtype=torch.float32).reshape(2, 3).t()
base = torch.arange(10, dtype=torch.float32)
sd['shared_a'] = base[2:5]
sd['shared_b'] = base.view(2, 5)
sd['param'] = torch.nn.Parameter(torch.full((2,), 0.75))
sd['scalar'] = torch.tensor(4.0)
sd['module_ordering_probe'] = torch.zeros(0)
torch.save(sd, sys.argv[1])
with zipfile.ZipFile(sys.argv[1]) as src, zipfile.ZipFile(sys.argv[2], 'w', zipfile.ZIP_DEFLATED) as dst:
    for info in src.infolist():
        dst.writestr(info.filename, src.read(info.filename))
with zipfile.ZipFile(sys.argv[1]) as src, zipfile.ZipFile(sys.argv[3], 'w') as dst:
    for info in src.infolist():
        if not info.filename.endswith('/version'):
            dst.writestr(info.filename, src.read(info.filename))
)PY";

void expect_python_state_dict(const StateDict& sd) {
  ASSERT_EQ(sd.size(), 14u);
  EXPECT_EQ(sd[0].first, "f32");
  EXPECT_EQ(sd[13].first, "module_ordering_probe");
  EXPECT_TRUE(find_tensor(sd, "f32").equal(torch::arange(6, torch::kFloat32).reshape({2, 3}) / 4));
  const at::Tensor f16 = find_tensor(sd, "f16");
  EXPECT_EQ(f16.scalar_type(), at::kHalf);
  EXPECT_TRUE(f16.to(at::kFloat).equal(torch::tensor({0.5f, -1.25f, 3.0f})));
  const at::Tensor bf16 = find_tensor(sd, "bf16");
  EXPECT_EQ(bf16.scalar_type(), at::kBFloat16);
  EXPECT_TRUE(bf16.to(at::kFloat).equal(torch::tensor({1.5f, -2.0f})));
  EXPECT_EQ(find_tensor(sd, "f64")[0].item<double>(), 1e-300);
  EXPECT_EQ(find_tensor(sd, "i64")[0].item<int64_t>(), -(int64_t{1} << 40));
  EXPECT_EQ(find_tensor(sd, "i32")[1].item<int32_t>(), 1 << 30);
  EXPECT_EQ(find_tensor(sd, "u8")[1].item<uint8_t>(), 255);
  EXPECT_EQ(find_tensor(sd, "b").scalar_type(), at::kBool);
  EXPECT_TRUE(find_tensor(sd, "b").equal(torch::tensor({true, false, true})));
  const at::Tensor t = find_tensor(sd, "transposed");
  EXPECT_EQ(t.sizes(), (std::vector<int64_t>{3, 2}));
  EXPECT_TRUE(t.equal(torch::arange(6, torch::kFloat32).reshape({2, 3}).t()));
  EXPECT_FALSE(t.is_contiguous());
  // Views of one Python storage stay views of one storage here.
  const at::Tensor a = find_tensor(sd, "shared_a"), b = find_tensor(sd, "shared_b");
  EXPECT_TRUE(a.equal(torch::tensor({2.f, 3.f, 4.f})));
  EXPECT_TRUE(b.equal(torch::arange(10, torch::kFloat32).view({2, 5})));
  EXPECT_EQ(static_cast<char*>(a.data_ptr()), static_cast<char*>(b.data_ptr()) + 2 * sizeof(float));
  EXPECT_TRUE(find_tensor(sd, "param").equal(torch::full({2}, 0.75f)));
  EXPECT_EQ(find_tensor(sd, "scalar").dim(), 0);
  EXPECT_EQ(find_tensor(sd, "scalar").item<float>(), 4.0f);
  EXPECT_EQ(find_tensor(sd, "module_ordering_probe").numel(), 0);
}

TEST(StateDictIo, ReadsPythonOrderedDictOfEveryDtype) {
  FACEREP_SKIP_WITHOUT_PYTHON_TORCH();
  TempDir dir;
  std::string out;
  ASSERT_EQ(run_python(dir, kWriteStateDict,
                       dir.file("sd.pth") + " " + dir.file("deflated.pth") + " " + dir.file("noversion.pth"), &out),
            0)
      << out;
  expect_python_state_dict(load_state_dict(dir.file("sd.pth")));
  // Zip archives re-written with deflate read the same (their folder "sd" is not their file name).
  expect_python_state_dict(load_state_dict(dir.file("deflated.pth")));
  // LibTorch's own errors name the file too.
  const std::string no_version = runtime_error_message([&] { load_state_dict(dir.file("noversion.pth")); });
  EXPECT_NE(no_version.find("noversion.pth: "), std::string::npos) << no_version;
  EXPECT_NE(no_version.find("version"), std::string::npos) << no_version;
}

// The shape of an official MAE checkpoint: an OrderedDict under "model" beside an
// argparse.Namespace, an optimizer state with int keys, and a DDP "module." prefix variant.
const char* kWriteMaeCheckpoint = R"PY(
import argparse, collections, sys, torch
model = collections.OrderedDict([('cls_token', torch.full((1, 1, 4), 0.5)),
                                 ('blocks.0.attn.qkv.weight', torch.arange(12.).reshape(3, 4))])
args = argparse.Namespace(lr=0.0015, input_size=224, model='mae_vit_base_patch16', norm_pix_loss=True)
opt = {'state': {0: {'step': 3, 'exp_avg': torch.ones(2)}}, 'param_groups': [{'lr': 0.1, 'params': [0]}]}
torch.save({'model': model, 'optimizer': opt, 'epoch': 399, 'args': args, 'scaler': {'scale': 65536.0}}, sys.argv[1])
ddp = collections.OrderedDict(('module.' + k, v) for k, v in model.items())
torch.save({'state_dict': ddp, 'dtype': torch.float16}, sys.argv[2])
)PY";

TEST(StateDictIo, ReadsMaeCheckpointWithNamespaceAndDdpPrefix) {
  FACEREP_SKIP_WITHOUT_PYTHON_TORCH();
  TempDir dir;
  std::string out;
  ASSERT_EQ(run_python(dir, kWriteMaeCheckpoint, dir.file("mae.pth") + " " + dir.file("ddp.pth"), &out), 0) << out;

  const StateDict sd = load_state_dict(dir.file("mae.pth"));
  ASSERT_EQ(sd.size(), 2u);
  EXPECT_EQ(sd[0].first, "cls_token");
  EXPECT_TRUE(sd[1].second.equal(torch::arange(12, torch::kFloat32).reshape({3, 4})));

  std::vector<std::string> opaque;
  const c10::IValue top = load_ivalue(dir.file("mae.pth"), &opaque);
  ASSERT_EQ(opaque, std::vector<std::string>{"argparse.Namespace"});
  const auto d = top.toGenericDict();
  EXPECT_EQ(d.at("epoch").toInt(), 399);
  EXPECT_DOUBLE_EQ(d.at("scaler").toGenericDict().at("scale").toDouble(), 65536.0);
  const auto args = d.at("args").toGenericDict();
  EXPECT_EQ(args.at("__class__").toStringRef(), "argparse.Namespace");
  const auto attrs = args.at("__state__").toGenericDict();
  EXPECT_DOUBLE_EQ(attrs.at("lr").toDouble(), 0.0015);
  EXPECT_EQ(attrs.at("input_size").toInt(), 224);
  EXPECT_EQ(attrs.at("model").toStringRef(), "mae_vit_base_patch16");
  EXPECT_TRUE(attrs.at("norm_pix_loss").toBool());
  const auto opt_state = d.at("optimizer").toGenericDict().at("state").toGenericDict();
  EXPECT_EQ(opt_state.at(int64_t{0}).toGenericDict().at("step").toInt(), 3);
  const auto groups = d.at("optimizer").toGenericDict().at("param_groups").toList();
  EXPECT_DOUBLE_EQ(groups.get(0).toGenericDict().at("lr").toDouble(), 0.1);

  const StateDict ddp = load_state_dict(dir.file("ddp.pth"));
  ASSERT_EQ(ddp.size(), 2u);
  EXPECT_EQ(ddp[0].first, "cls_token");
  EXPECT_EQ(ddp[1].first, "blocks.0.attn.qkv.weight");
  EXPECT_TRUE(ddp[0].second.equal(torch::full({1, 1, 4}, 0.5f)));
}

TEST(StateDictIo, PythonReadsWhatWeWrite) {
  FACEREP_SKIP_WITHOUT_PYTHON_TORCH();
  TempDir dir;
  c10::impl::GenericDict ckpt(c10::StringType::get(), c10::AnyType::get());
  ckpt.insert("step", int64_t{12});
  ckpt.insert("name", std::string("vit"));
  ckpt.insert("lr", 0.25);
  ckpt.insert("ema", true);
  c10::impl::GenericList milestones(c10::IntType::get());
  milestones.push_back(int64_t{3});
  milestones.push_back(int64_t{5});
  ckpt.insert("milestones", milestones);
  c10::impl::GenericDict model(c10::StringType::get(), c10::TensorType::get());
  model.insert("w", torch::arange(6, torch::kFloat32).reshape({2, 3}).t());  // non-contiguous
  model.insert("h", torch::tensor({1.5, -2.0}, torch::kHalf));
  ckpt.insert("model", model);
  save_ivalue(ckpt, dir.file("ckpt.pt"));
  save_state_dict({{"a.weight", torch::linspace(-1, 1, 5)}, {"a.n", torch::tensor({int64_t{9}})}},
                  dir.file("sd.pt"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 2) << "temporary file left behind";

  const char* check = R"PY(
import sys, torch
c = torch.load(sys.argv[1])
assert c['step'] == 12 and c['name'] == 'vit' and c['lr'] == 0.25 and c['ema'] is True, c
assert list(c['milestones']) == [3, 5]
assert torch.equal(c['model']['w'], torch.arange(6.).reshape(2, 3).t())
assert c['model']['h'].dtype == torch.half and c['model']['h'].tolist() == [1.5, -2.0]
s = torch.load(sys.argv[2])
assert list(s.keys()) == ['a.weight', 'a.n'], list(s.keys())
assert torch.equal(s['a.weight'], torch.linspace(-1, 1, 5)) and s['a.n'].dtype == torch.long
print('python-ok')
)PY";
  std::string out;
  EXPECT_EQ(run_python(dir, check, dir.file("ckpt.pt") + " " + dir.file("sd.pt"), &out), 0) << out;
  EXPECT_NE(out.find("python-ok"), std::string::npos) << out;
}

TEST(StateDictIo, RoundTripsOurOwnFiles) {
  TempDir dir;
  const StateDict sd = {{"conv.weight", torch::randn({4, 3, 3, 3})},
                        {"bn.num_batches_tracked", torch::tensor(int64_t{17})},
                        {"mask", torch::tensor({true, false})}};
  save_state_dict(sd, dir.file("a.pt"));
  save_state_dict(sd, dir.file("a.pt"));  // overwriting an existing file works
  const StateDict back = load_state_dict(dir.file("a.pt"));
  ASSERT_EQ(back.size(), 3u);
  for (size_t i = 0; i < sd.size(); ++i) {
    EXPECT_EQ(back[i].first, sd[i].first);
    EXPECT_TRUE(back[i].second.equal(sd[i].second)) << sd[i].first;
  }
  c10::impl::GenericDict nested(c10::StringType::get(), c10::AnyType::get());
  nested.insert("epoch", int64_t{2});
  c10::impl::GenericDict inner(c10::StringType::get(), c10::TensorType::get());
  inner.insert("x", torch::ones({2}));
  nested.insert("model", inner);
  save_ivalue(nested, dir.file("n.pt"));
  EXPECT_EQ(load_ivalue(dir.file("n.pt")).toGenericDict().at("epoch").toInt(), 2);
  EXPECT_TRUE(load_state_dict(dir.file("n.pt"))[0].second.equal(torch::ones({2})));
  EXPECT_TRUE(load_state_dict(dir.file("n.pt"), "model")[0].second.equal(torch::ones({2})));
  EXPECT_NE(runtime_error_message([&] { load_state_dict(dir.file("n.pt"), "ema"); })
                .find("n.pt: no entry 'ema' (top-level keys: epoch, model)"),
            std::string::npos);
}

TEST(StateDictIo, BadFilesNameTheFileAndTheProblem) {
  TempDir dir;
  save_state_dict({{"w", torch::arange(64, torch::kFloat32)}}, dir.file("good.pt"));
  const std::string bytes = testing::read_file(dir.file("good.pt"));

  EXPECT_NE(runtime_error_message([&] { load_state_dict(dir.file("absent.pt")); }).find("absent.pt: cannot open file"),
            std::string::npos);
  testing::write_file(dir.file("cut.pt"), bytes.substr(0, bytes.size() / 2));
  EXPECT_NE(runtime_error_message([&] { load_state_dict(dir.file("cut.pt")); }).find("cut.pt: not a zip archive or truncated"),
            std::string::npos);
  testing::write_file(dir.file("text.pt"), "hello, not a checkpoint");
  EXPECT_NE(runtime_error_message([&] { load_state_dict(dir.file("text.pt")); }).find("text.pt: not a zip archive"),
            std::string::npos);
  // Flip one byte inside the tensor data: the CRC check catches it.
  std::string corrupt = bytes;
  const size_t at = corrupt.find(std::string("\x00\x00\x80\x3f", 4));  // 1.0f in the data
  ASSERT_NE(at, std::string::npos);
  corrupt[at + 3] = 0x40;
  testing::write_file(dir.file("crc.pt"), corrupt);
  const std::string crc = runtime_error_message([&] { load_state_dict(dir.file("crc.pt")); });
  EXPECT_NE(crc.find("crc.pt: CRC mismatch in entry"), std::string::npos) << crc;
  // A non-tensor top level.
  c10::impl::GenericDict d(c10::StringType::get(), c10::AnyType::get());
  d.insert("epoch", int64_t{1});
  save_ivalue(d, dir.file("notensors.pt"));
  EXPECT_NE(runtime_error_message([&] { load_state_dict(dir.file("notensors.pt")); })
                .find("no dict of tensors at the top level nor under model/state_dict/module (top-level keys: epoch)"),
            std::string::npos);
  // A missing folder is created; a file standing where the folder should be is an error naming the path.
  save_state_dict({}, dir.file("new_dir/x.pt"));
  testing::write_file(dir.file("a_file"), "x");
  EXPECT_NE(runtime_error_message([&] { save_state_dict({}, dir.file("a_file/x.pt")); }).find("a_file/x.pt: cannot write"),
            std::string::npos);
}

void put_le(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
uint64_t get_le(const std::string& s, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(s[at + i])) << (8 * i);
  return v;
}

TEST(StateDictIo, ReadsZip64EndRecords) {
  // Archives over 4 GiB keep their directory in zip64 records; rewrite a small one that way
  // (classic end record saturated, zip64 record + locator in front of it).
  TempDir dir;
  save_state_dict({{"w", torch::arange(5, torch::kFloat32)}}, dir.file("small.pt"));
  const std::string bytes = testing::read_file(dir.file("small.pt"));
  const size_t eocd = bytes.rfind(std::string("PK\x05\x06", 4));
  ASSERT_NE(eocd, std::string::npos);
  const uint64_t count = get_le(bytes, eocd + 10, 2), size = get_le(bytes, eocd + 12, 4),
                 offset = get_le(bytes, eocd + 16, 4);
  std::string out = bytes.substr(0, eocd);
  const uint64_t zip64_at = out.size();
  put_le(out, 0x06064b50, 4);
  put_le(out, 44, 8);
  put_le(out, 45, 2);
  put_le(out, 45, 2);
  put_le(out, 0, 4);
  put_le(out, 0, 4);
  put_le(out, count, 8);
  put_le(out, count, 8);
  put_le(out, size, 8);
  put_le(out, offset, 8);
  put_le(out, 0x07064b50, 4);
  put_le(out, 0, 4);
  put_le(out, zip64_at, 8);
  put_le(out, 1, 4);
  put_le(out, 0x06054b50, 4);
  put_le(out, 0, 4);
  put_le(out, 0xFFFF, 2);
  put_le(out, 0xFFFF, 2);
  put_le(out, 0xFFFFFFFFu, 4);
  put_le(out, 0xFFFFFFFFu, 4);
  put_le(out, 0, 2);
  testing::write_file(dir.file("zip64.pt"), out);
  const StateDict sd = load_state_dict(dir.file("zip64.pt"));
  ASSERT_EQ(sd.size(), 1u);
  EXPECT_TRUE(sd[0].second.equal(torch::arange(5, torch::kFloat32)));
}

}  // namespace
}  // namespace facerep::runtime
