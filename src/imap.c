/* imap: placeholder until the module lands. */
#include "imap.h"
