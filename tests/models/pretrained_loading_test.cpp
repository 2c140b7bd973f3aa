// Backbones built through the registry with `pretrained:`, and weights moving between facerep
// and PyTorch in both directions.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "models/backbone.h"
#include "models/iresnet.h"
#include "models/model_test_util.h"
#include "models/vit.h"
#include "runtime/pretrained.h"
#include "runtime/python_torch.h"
#include "runtime/state_dict_io.h"
#include "test_support.h"

namespace facerep::models {
namespace {

using facerep::testing::TempDir;

VitOptions tiny_vit() {
  VitOptions o = testing::tiny_vit_options();
  o.pos_embed = "learned";
  o.embedding_size = 8;
  return o;
}

std::shared_ptr<Backbone> build(const std::string& type, const std::any& options) {
  core::ComponentSpec spec;
  spec.type = type;
  spec.path = "model";
  spec.options = options;
  return model_registry().build(spec);
}

TEST(PretrainedOption, RegistryBuildsEveryBackboneByName) {
  const auto names = model_registry().names();
  for (const char* n : {"iresnet", "mobilefacenet", "vit"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
}

TEST(PretrainedOption, VitLoadsItsOwnExportAndResizesPosEmbed) {
  TempDir dir;
  VisionTransformer source(tiny_vit());
  source.eval();
  runtime::save_state_dict(runtime::module_state(source), dir.file("vit.pt"));

  VitOptions o = tiny_vit();
  o.pretrained.path = dir.file("vit.pt");
  auto loaded = build("vit", o);
  loaded->eval();
  const at::Tensor x = torch::randn({2, 3, 32, 32});
  EXPECT_TRUE(loaded->forward(x).equal(source.forward(x)));

  // At 48x48 the 4x4 table is interpolated to 6x6; the class token's entry is kept.
  o.image_size = 48;
  auto bigger = build("vit", o);
  const at::Tensor pos = bigger->named_parameters()["pos_embed"];
  EXPECT_EQ(pos.sizes(), (std::vector<int64_t>{1, 37, 32}));
  EXPECT_TRUE(pos[0][0].equal(source.named_parameters()["pos_embed"][0][0]));
  EXPECT_TRUE(bigger->named_parameters()["blocks.1.attn.qkv.weight"].equal(
      source.named_parameters()["blocks.1.attn.qkv.weight"]));

  // A replaced head: skip it, keep the rest.
  VitOptions new_head = tiny_vit();
  new_head.embedding_size = 4;
  new_head.pretrained.path = dir.file("vit.pt");
  EXPECT_THROW(build("vit", new_head), core::RuntimeError);
  new_head.pretrained.skip = {"head."};
  auto reheaded = build("vit", new_head);
  EXPECT_TRUE(reheaded->named_parameters()["norm.weight"].equal(source.named_parameters()["norm.weight"]));
}

// Python reads our export, checks names, perturbs every float tensor and writes an OrderedDict
// with an MAE-style wrapper; we load it back bit-exactly. It also recomputes the forward pass
// with the timm/MAE formulas from the raw tensors and checks our output.
const char* kPythonRoundTrip = R"PY(
import argparse, collections, sys, torch
import torch.nn.functional as F
sd = torch.load(sys.argv[1])
x, expected = sd.pop('__input'), sd.pop('__output')
names = list(sd.keys())
assert names[:4] == ['cls_token', 'pos_embed', 'patch_embed.proj.weight', 'patch_embed.proj.bias'], names[:4]
assert names[-2:] == ['head.weight', 'head.bias'], names[-2:]
def vit(sd, x, depth=2, heads=4):
    t = F.conv2d(x, sd['patch_embed.proj.weight'], sd['patch_embed.proj.bias'], stride=8).flatten(2).transpose(1, 2)
    t = t + sd['pos_embed'][:, 1:]
    cls = (sd['cls_token'] + sd['pos_embed'][:, :1]).expand(t.shape[0], -1, -1)
    t = torch.cat([cls, t], 1)
    B, N, D = t.shape
    ln = lambda v, p: F.layer_norm(v, (D,), sd[p + '.weight'], sd[p + '.bias'], eps=1e-6)
    for i in range(depth):
        p = 'blocks.%d.' % i
        qkv = F.linear(ln(t, p + 'norm1'), sd[p + 'attn.qkv.weight'], sd[p + 'attn.qkv.bias'])
        q, k, v = qkv.reshape(B, N, 3, heads, D // heads).permute(2, 0, 3, 1, 4)
        a = ((q * (D // heads) ** -0.5) @ k.transpose(-2, -1)).softmax(-1) @ v
        t = t + F.linear(a.transpose(1, 2).reshape(B, N, D), sd[p + 'attn.proj.weight'], sd[p + 'attn.proj.bias'])
        h = F.gelu(F.linear(ln(t, p + 'norm2'), sd[p + 'mlp.fc1.weight'], sd[p + 'mlp.fc1.bias']))
        t = t + F.linear(h, sd[p + 'mlp.fc2.weight'], sd[p + 'mlp.fc2.bias'])
    return F.linear(ln(t, 'norm')[:, 0], sd['head.weight'], sd['head.bias'])
got = vit(sd, x)
err = (got - expected).abs().max().item()
assert err < 1e-4, err
out = collections.OrderedDict((k, v + 1 if v.is_floating_point() else v) for k, v in sd.items())
torch.save({'model': out, 'args': argparse.Namespace(input_size=32), 'epoch': 1}, sys.argv[2])
print('max forward difference', err)
)PY";

TEST(PretrainedOption, WeightsRoundTripThroughPythonBitExactly) {
  FACEREP_SKIP_WITHOUT_PYTHON_TORCH();
  TempDir dir;
  torch::manual_seed(3);
  VisionTransformer source(tiny_vit());
  source.eval();
  const at::Tensor x = torch::randn({2, 3, 32, 32});
  runtime::StateDict exported = runtime::module_state(source);
  exported.emplace_back("__input", x);
  exported.emplace_back("__output", source.forward(x).detach());
  runtime::save_state_dict(exported, dir.file("ours.pt"));
  std::string out;
  ASSERT_EQ(run_python(dir, kPythonRoundTrip, dir.file("ours.pt") + " " + dir.file("theirs.pth"), &out), 0) << out;

  VitOptions o = tiny_vit();
  o.pretrained.path = dir.file("theirs.pth");
  o.pretrained.strict = true;
  auto loaded = build("vit", o);
  for (const auto& kv : runtime::module_state(source))
    EXPECT_TRUE(loaded->named_parameters()[kv.first].equal(kv.second + 1)) << kv.first;
}

TEST(PretrainedOption, IResNetLoadsBatchNormStatisticsAndPrefixedKeys) {
  TempDir dir;
  IResNetOptions o = testing::tiny_iresnet_options();
  IResNet source(o);
  source.train();
  for (int i = 0; i < 3; ++i) source.forward(torch::randn({4, 3, 32, 32}));  // move running stats
  source.eval();
  runtime::StateDict prefixed;
  for (const auto& kv : runtime::module_state(source)) prefixed.emplace_back("backbone." + kv.first, kv.second);
  runtime::save_state_dict(prefixed, dir.file("r18.pt"));

  o.pretrained.path = dir.file("r18.pt");
  o.pretrained.prefix = "backbone.";
  o.pretrained.strict = true;
  auto loaded = build("iresnet", o);
  loaded->eval();
  EXPECT_TRUE(loaded->named_buffers()["layer2.0.bn1.running_mean"].equal(source.named_buffers()["layer2.0.bn1.running_mean"]));
  EXPECT_FALSE(source.named_buffers()["layer2.0.bn1.running_mean"].eq(0).all().item<bool>());
  const at::Tensor x = torch::randn({2, 3, 32, 32});
  EXPECT_TRUE(loaded->forward(x).equal(source.forward(x)));
}

// The IResNet forward recomputed in Python from the exported tensors (eval mode), with the
// arcface_torch block order: BN, conv, BN, PReLU, conv(stride), BN, plus the projected input.
const char* kPythonIResNet = R"PY(
import sys, torch
import torch.nn.functional as F
sd = torch.load(sys.argv[1])
x, expected = sd.pop('__input'), sd.pop('__output')
bn = lambda v, p: F.batch_norm(v, sd[p + '.running_mean'], sd[p + '.running_var'], sd[p + '.weight'], sd[p + '.bias'], False, 0.0, 1e-5)
conv = lambda v, p, s=1: F.conv2d(v, sd[p + '.weight'], stride=s, padding=sd[p + '.weight'].shape[-1] // 2)
t = F.prelu(bn(conv(x, 'conv1'), 'bn1'), sd['prelu.weight'])
for stage, blocks in enumerate([2, 2, 2, 2]):
    for b in range(blocks):
        p = 'layer%d.%d.' % (stage + 1, b)
        out = F.prelu(bn(conv(bn(t, p + 'bn1'), p + 'conv1'), p + 'bn2'), sd[p + 'prelu.weight'])
        out = bn(conv(out, p + 'conv2', 2 if b == 0 else 1), p + 'bn3')
        short = bn(conv(t, p + 'downsample.0', 2), p + 'downsample.1') if b == 0 else t
        t = out + short
t = F.linear(bn(t, 'bn2').flatten(1), sd['fc.weight'], sd['fc.bias'])
got = F.batch_norm(t, sd['features.running_mean'], sd['features.running_var'], sd['features.weight'], sd['features.bias'], False, 0.0, 1e-5)
err = (got - expected).abs().max().item()
assert err < 1e-4 * expected.abs().max().item(), err
print('max forward difference', err)
)PY";

TEST(PretrainedOption, IResNetForwardMatchesPythonFormulas) {
  FACEREP_SKIP_WITHOUT_PYTHON_TORCH();
  TempDir dir;
  torch::manual_seed(4);
  IResNetOptions o = testing::tiny_iresnet_options();
  IResNet m(o);
  m.train();
  for (int i = 0; i < 2; ++i) m.forward(torch::randn({4, 3, 32, 32}));  // non-trivial running stats
  m.eval();
  const at::Tensor x = torch::randn({2, 3, 32, 32});
  runtime::StateDict exported = runtime::module_state(m);
  exported.emplace_back("__input", x);
  exported.emplace_back("__output", m.forward(x).detach());
  runtime::save_state_dict(exported, dir.file("r18.pt"));
  std::string out;
  EXPECT_EQ(run_python(dir, kPythonIResNet, dir.file("r18.pt"), &out), 0) << out;
}

}  // namespace
}  // namespace facerep::models
