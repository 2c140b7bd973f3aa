#include <gtest/gtest.h>

#include <sstream>

#include "core/logging.h"
#include "core/progress.h"

namespace facerep::core {
namespace {

class ProgressTest : public ::testing::Test {
 protected:
  void SetUp() override { set_log_console(&console_); }
  void TearDown() override {
    set_console_status("");
    set_log_console(nullptr);
  }
  ProgressOptions options(int tty) {
    ProgressOptions o;
    o.total_steps = 100;
    o.total_epochs = 4;
    o.tty = tty;
    o.plain_interval_s = 10.0;
    o.clock = [this] { return now_; };
    return o;
  }
  std::ostringstream console_;
  double now_ = 1000.0;
};

TEST_F(ProgressTest, FormatShowsEveryField) {
  Progress p(options(0));
  ProgressUpdate u;
  u.step = 25;
  u.epoch = 1;
  u.terms = {{"loss", 1.23456}, {"arcface", 0.5}};
  u.lr = 0.001;
  u.images = 800;
  // 25 steps in 20 s: 0.8 s/step, 75 left -> 60 s. 800 images / 20 s = 40 img/s.
  EXPECT_EQ(p.format(u, 1020.0),
            "step 25/100 (25%) | epoch 2/4 | loss 1.235 arcface 0.5 | lr 1.00e-03 | 40 img/s | ETA 1m00s");
}

TEST_F(ProgressTest, EtaCountsFromTheResumedStep) {
  ProgressOptions o = options(0);
  o.initial_step = 50;
  Progress p(o);
  ProgressUpdate u;
  u.step = 60;  // 10 steps in 10 s -> 40 left -> 40 s
  EXPECT_NE(p.format(u, 1010.0).find("ETA 40s"), std::string::npos) << p.format(u, 1010.0);
}

TEST_F(ProgressTest, PlainModePrintsPeriodicallyAndTheLastStep) {
  Progress p(options(0));
  for (int step = 1; step <= 100; ++step) {
    now_ += 0.5;  // 50 s in all: first line, then one per 10 s, then the final step
    ProgressUpdate u;
    u.step = step;
    p.update(u);
  }
  p.finish();
  EXPECT_EQ(p.lines_printed(), 6);  // t=0.5, 10.5, 20.5, 30.5, 40.5, then step 100 at 50
  const std::string out = console_.str();
  EXPECT_EQ(out.find('\r'), std::string::npos) << "plain mode must not redraw";
  EXPECT_NE(out.find("step 100/100 (100%)"), std::string::npos);
}

TEST_F(ProgressTest, FinishPrintsAnUnprintedLastState) {
  Progress p(options(0));
  ProgressUpdate u;
  u.step = 1;
  p.update(u);
  u.step = 2;
  now_ += 1.0;
  p.update(u);  // within the interval: not printed
  EXPECT_EQ(p.lines_printed(), 1);
  p.finish();
  EXPECT_EQ(p.lines_printed(), 2);
  EXPECT_NE(console_.str().find("step 2/100"), std::string::npos);
}

TEST_F(ProgressTest, TtyModeRedrawsInPlace) {
  Progress p(options(1));
  ProgressUpdate u;
  u.step = 1;
  p.update(u);
  now_ += 1.0;
  u.step = 2;
  p.update(u);
  p.finish();
  const std::string out = console_.str();
  EXPECT_NE(out.find("step 1/100"), std::string::npos);
  EXPECT_NE(out.find("\r\033[Kstep 2/100"), std::string::npos) << out;
  EXPECT_EQ(p.lines_printed(), 0);
  // finish() leaves one plain log line with the final state
  EXPECT_NE(out.find("] step 2/100"), std::string::npos) << out;
}

TEST(FormatDuration, Units) {
  EXPECT_EQ(format_duration(45), "45s");
  EXPECT_EQ(format_duration(192), "3m12s");
  EXPECT_EQ(format_duration(3900), "1h05m");
  EXPECT_EQ(format_duration(-1), "?");
}

}  // namespace
}  // namespace facerep::core
