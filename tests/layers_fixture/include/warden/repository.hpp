// A public header of the git layer.
#pragma once
