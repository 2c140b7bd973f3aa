#pragma once
// One function per subcommand, each in its own cmd_<name>.cpp. argv[0] is the subcommand name
// (e.g. "train"); each parses its own flags with cxxopts and supports --help.
// Return 0 ok, 1 runtime failure, 2 usage/config error. core::ConfigError/RuntimeError thrown
// out of them are turned into one stderr line and the matching exit code by run_app().

namespace facerep::cli {
int cmd_train(int argc, char** argv);        // facerep train CONFIG [--set k=v]... [--resume DIR]
int cmd_eval(int argc, char** argv);         // facerep eval CONFIG [--checkpoint FILE]
int cmd_fewshot(int argc, char** argv);      // facerep fewshot CONFIG --encoder E --task T ...
int cmd_sweep(int argc, char** argv);        // facerep sweep CONFIG [--shard I --shards N]
int cmd_cv(int argc, char** argv);           // facerep cv CONFIG [--folds-only 0,2] [--report-only]
int cmd_data(int argc, char** argv);         // facerep data synth|pack|check|show ...
int cmd_config(int argc, char** argv);       // facerep config show|validate|doc CONFIG
int cmd_export(int argc, char** argv);       // facerep export CHECKPOINT --out model.pt
int cmd_embed(int argc, char** argv);        // facerep embed CHECKPOINT --data PATH --out FILE.csv
int cmd_viz(int argc, char** argv);          // facerep viz mae CHECKPOINT ...
int cmd_bench_data(int argc, char** argv);   // facerep bench data CONFIG
int cmd_bench_train(int argc, char** argv);  // facerep bench train CONFIG --steps N
int cmd_bench_classifier(int argc, char** argv);  // facerep bench classifier --classes N
int cmd_info(int argc, char** argv);         // facerep info
}  // namespace facerep::cli
