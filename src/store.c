/* store: placeholder until the module lands. */
#include "store.h"
