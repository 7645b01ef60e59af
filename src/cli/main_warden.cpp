#include "cli/commands.hpp"

int main(int argc, char** argv) { return warden::cli::warden_main(argc, argv); }
