// insightface verification .bin files: read as pickles from Python 2 (str) and Python 3 (bytes,
// protocols 2-4), checked for layout, and scored by the verification evaluator unchanged.
#include <cstdint>
#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <torch/torch.h>

#include "core/error.h"
#include "data/formats/verification_bin.h"
#include "data/inference.h"
#include "eval/evaluator.h"
#include "eval/mean_colour_backbone.h"
#include "test_support.h"

namespace facerep::eval {
namespace {

// Four pairs alternating same/different: same pairs share a colour, different ones do not.
struct BinPairs {
  std::vector<std::string> pngs;
  std::vector<bool> same;
};

BinPairs tiny_pairs() {
  const std::vector<cv::Scalar> colours{{20, 20, 230}, {230, 20, 20}, {20, 230, 20}};
  BinPairs p;
  for (int i = 0; i < 4; ++i) {
    const bool same = i % 2 == 0;
    const cv::Scalar a = colours[static_cast<size_t>(i % 3)];
    const cv::Scalar b = same ? a + cv::Scalar(6, 6, 6) : colours[static_cast<size_t>((i + 1) % 3)];
    for (const cv::Scalar& c : {a, b}) {
      std::vector<uint8_t> png;
      cv::imencode(".png", cv::Mat(8, 8, CV_8UC3, c), png);
      p.pngs.emplace_back(png.begin(), png.end());
    }
    p.same.push_back(same);
  }
  return p;
}

std::string u32_le(size_t n) {
  std::string s(4, '\0');
  for (int k = 0; k < 4; ++k) s[static_cast<size_t>(k)] = static_cast<char>((n >> (8 * k)) & 0xFF);
  return s;
}

// The stream Python 2's pickle.dump((images, issame), f, 2) writes: str images as
// SHORT_BINSTRING / BINSTRING (one of each, to cover both), lists filled by APPENDS (its memo
// puts are left out: they change nothing the reader builds).
std::string python2_pickle(const BinPairs& p) {
  std::string s = "\x80\x02](";
  for (size_t i = 0; i < p.pngs.size(); ++i) {
    if (i % 2 == 0 && p.pngs[i].size() < 256) s += 'U' + std::string(1, static_cast<char>(p.pngs[i].size()));
    else s += 'T' + u32_le(p.pngs[i].size());
    s += p.pngs[i];
  }
  s += "e](";
  for (bool b : p.same) s += b ? '\x88' : '\x89';
  s += "e\x86q\x01.";
  return s;
}

bool have_python3() {
  std::string out;
  return testing::run_command("/usr/bin/python3 -c 'import pickle' 2>/dev/null", &out) == 0;
}

// Python 3's pickle of the same content at `protocol`, from PNGs written next to `bin`.
void python3_pickle(const BinPairs& p, const testing::TempDir& dir, const std::string& bin, int protocol) {
  std::string list;
  for (size_t i = 0; i < p.pngs.size(); ++i) {
    const std::string file = dir.file("img" + std::to_string(i) + ".png");
    testing::write_file(file, p.pngs[i]);
    list += "open('" + file + "', 'rb').read(),";
  }
  std::string flags;
  for (bool b : p.same) flags += b ? "True," : "False,";
  testing::write_file(dir.file("make_bin.py"), "import pickle\nwith open('" + bin + "', 'wb') as f:\n"
                      "    pickle.dump(([" + list + "], [" + flags + "]), f, protocol=" + std::to_string(protocol) + ")\n");
  std::string out;
  ASSERT_EQ(testing::run_command("/usr/bin/python3 " + dir.file("make_bin.py"), &out), 0) << out;
}

void expect_same_content(const data::VerificationBin& read, const BinPairs& p) {
  EXPECT_EQ(read.images, p.pngs);
  EXPECT_EQ(read.same, p.same);
}

TEST(VerificationBin, ReadsPython2StrPickles) {
  testing::TempDir dir;
  const BinPairs p = tiny_pairs();
  testing::write_file(dir.file("py2.bin"), python2_pickle(p));
  expect_same_content(data::read_verification_bin(dir.file("py2.bin")), p);
}

TEST(VerificationBin, ReadsPython3BytesPicklesAtProtocols2To4) {
  if (!have_python3()) GTEST_SKIP() << "no /usr/bin/python3";
  testing::TempDir dir;
  const BinPairs p = tiny_pairs();
  for (int protocol : {2, 3, 4}) {
    SCOPED_TRACE("protocol " + std::to_string(protocol));
    const std::string bin = dir.file("p" + std::to_string(protocol) + ".bin");
    python3_pickle(p, dir, bin, protocol);
    expect_same_content(data::read_verification_bin(bin), p);
  }
}

TEST(VerificationBin, BadFilesNameTheFileAndWhere) {
  testing::TempDir dir;
  const BinPairs p = tiny_pairs();
  const std::string good = python2_pickle(p);
  const std::string file = dir.file("bad.bin");
  auto message = [&](const std::string& content) {
    testing::write_file(file, content);
    return testing::runtime_error_message([&] { data::read_verification_bin(file); });
  };
  // Cut inside the third image: the reader names the file and the offset it stopped at.
  const std::string truncated = message(good.substr(0, good.size() / 2));
  EXPECT_NE(truncated.find(file), std::string::npos) << truncated;
  EXPECT_NE(truncated.find("offset"), std::string::npos) << truncated;
  // An odd image count.
  BinPairs odd = p;
  odd.pngs.pop_back();
  EXPECT_NE(message(python2_pickle(odd)).find("7 images for 4 pairs"), std::string::npos);
  // A top-level value that is no (images, issame) pair.
  EXPECT_NE(message("\x80\x02K\x05.").find("top-level value is int 5"), std::string::npos);
  EXPECT_NE(message("").find("empty"), std::string::npos);
  EXPECT_NE(testing::runtime_error_message([&] { data::read_verification_bin(dir.file("none.bin")); }).find("none.bin"),
            std::string::npos);
}

TEST(VerificationBin, EvaluatorScoresTheFilesPairs) {
  testing::TempDir dir;
  testing::write_file(dir.file("lfw.bin"), python2_pickle(tiny_pairs()));
  auto ev = evaluator_registry().build(
      testing::read_component("eval: {type: verification, bin: lfw.bin, folds: 2}\n", "eval", "evaluator"));
  testing_models::MeanColour model;  // the tiny pairs are separable by mean colour
  EvalContext ctx;
  ctx.base_dir = dir.str();
  ctx.out_dir = dir.str();
  ctx.preprocessing = data::inference_preprocessing({}, 8);
  const EvalResult r = ev->evaluate(model, ctx);
  EXPECT_DOUBLE_EQ(r.metrics.at("pairs"), 4.0);
  EXPECT_DOUBLE_EQ(r.metrics.at("accuracy"), 1.0);
  EXPECT_TRUE(std::filesystem::exists(dir.file("roc.csv")));
}

TEST(VerificationBin, BinWithAPairsFileIsAConfigError) {
  const std::string m = testing::config_error_message([] {
    testing::read_component("eval: {type: verification, bin: lfw.bin, pairs: pairs.txt}\n", "eval", "evaluator");
  });
  EXPECT_NE(m.find("pairs"), std::string::npos) << m;
}

}  // namespace
}  // namespace facerep::eval
