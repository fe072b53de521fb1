/* placeholder */
#include <string.h>
#include "crypto.h"
void
crypto_wipe(void *p, size_t n)
{
	memset(p, 0, n);
}
