/* intake: placeholder until the module lands. */
#include "intake.h"
