// facerep: one binary, subcommands in src/cli/.
#include "cli/app.h"

int main(int argc, char** argv) { return facerep::cli::run_app(argc, argv); }
