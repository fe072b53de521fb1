/*
 * fuzz-commands: libFuzzer target for the mail command parser, the
 * quote cutter and reply_read.  Any input, made a C string, must parse without a crash,
 * a leak or undefined behaviour; the commands stay within COMMANDS_MAX
 * with known ids, and every argument, the rest and the error are C
 * strings, and the command block ends inside the text.  The input is
 * copied to a buffer of its exact size (plus the NUL), so ASan stops
 * any read past it.  Seed corpus: tests/data/fuzz/commands (command
 * blocks and the reply fixtures' bodies).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "reply.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Reading every string makes ASan check its bounds. */
static volatile size_t	fuzz_sink;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct command_list	 l;
	struct reply		 r;
	char			*text, *cut;
	size_t			 i, n = 0;

	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';

	commands_parse(text, &l);
	if (l.n > COMMANDS_MAX || l.end > strlen(text))
		abort();
	for (i = 0; i < l.n; i++) {
		if ((unsigned)l.cmd[i].id > CMD_MAX ||
		    (l.cmd[i].id == CMD_MAX && l.cmd[i].error == NULL))
			abort();
		if (l.cmd[i].error != NULL)
			n += strlen(l.cmd[i].error);
		n += strlen(l.cmd[i].arg) + strlen(commands_name(l.cmd[i].id));
	}
	n += strlen(l.rest) + (l.error != NULL ? strlen(l.error) : 0);
	commands_free(&l);

	reply_read(text, &r);
	cut = reply_relay_after(&r, strlen(r.text) / 2);
	n += strlen(r.text) + strlen(r.relay) + strlen(cut);
	free(cut);
	reply_free(&r);

	cut = commands_strip_quotes(text);
	n += strlen(cut);
	free(cut);
	fuzz_sink = n;
	free(text);
	return 0;
}
