#include <stdlib.h>
#include "harness.h"
#include "buf.h"

int
main(void)
{
	struct buf b;
	char *s;
	size_t len;

	buf_init(&b);
	buf_addstr(&b, "a");
	buf_printf(&b, "%d-%s", 42, "x");
	buf_addch(&b, (char)0x21);
	CHECK_STREQ(b.data, "a42-x!");
	buf_truncate(&b, 2);
	CHECK_STREQ(b.data, "a4");
	s = buf_release(&b, &len);
	CHECK_INTEQ(len, 2);
	CHECK(b.data == NULL);
	free(s);
	buf_add(&b, "", 0);
	CHECK_STREQ(b.data, "");
	buf_free(&b);

	/* RFC 4648 section 10, appended after text already there. */
	buf_init(&b);
	buf_addstr(&b, ">");
	buf_add_base64(&b, (const unsigned char *)"", 0);
	CHECK_STREQ(b.data, ">");
	buf_add_base64(&b, (const unsigned char *)"f", 1);
	buf_add_base64(&b, (const unsigned char *)"fo", 2);
	buf_add_base64(&b, (const unsigned char *)"foobar", 6);
	CHECK_STREQ(b.data, ">Zg==Zm8=Zm9vYmFy");
	CHECK_INTEQ(b.len, 17);
	buf_free(&b);
	return harness_done();
}
