#include "cli/commands.hpp"

int main(int argc, char** argv) { return warden::cli::run_guarded(warden::cli::verify_range_main, argc, argv); }
