// A verify file that reaches up into the command line: check-layers must refuse it.
#include "cli/commands.hpp"
