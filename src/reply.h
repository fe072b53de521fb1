/*
 * reply: finds the new text of a reply, whether its writer wrote above
 * the quote (top-posting), below it (bottom-posting) or between its
 * parts (interleaving).  commands.c reads the commands at its top;
 * committee.c relays it.
 */
#ifndef REPLY_H
#define REPLY_H

struct reply {
	char	*text;		/* the new text blocks, blank line between */
	char	*relay;		/* what participants get: text, or for an
				   interleaved reply each answer with the
				   quote it answers */
	int	 nblocks;	/* new-text blocks found */
};

/* Never fails; free with reply_free.  Output lines end in "\n". */
void	reply_read(const char *text, struct reply *out);
void	reply_free(struct reply *);
/*
 * The relay without the first n bytes of text (the command lines at its
 * top) and the blank lines after them.  Returns an allocated copy.
 */
char	*reply_relay_after(const struct reply *, size_t n);

#endif
