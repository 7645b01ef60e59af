// A policy file that opens a libgit2 repository itself: check-layers must refuse it.
#include "warden/repository.hpp"
