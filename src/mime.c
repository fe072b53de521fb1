/* mime: placeholder until the module lands. */
#include "mime.h"
