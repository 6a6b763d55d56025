// Nothing to compile: the target exists to export FuzzDriver.h to the Swift fuzz targets.
#include "FuzzDriver.h"
