/* tlsverify: placeholder until the module lands. */
#include "tlsverify.h"
