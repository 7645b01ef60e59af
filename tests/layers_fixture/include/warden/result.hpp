// A public header of the lowest layer.
#pragma once
