#include "config.h"

#include "modem/charset.h"

#include <ctype.h>
#include <string.h>

#include "codec/ucs2.h"
#include "util/utf8.h"

bool
charset_is_utf8(const uint8_t *in, size_t len, bool quirk)
{
	bool multibyte = false;
	size_t i;

	if (len == 0 || !utf8_validate((const char *)in, len, NULL))
		return false;
	if (quirk || len % 2 == 1)
		return true;
	for (i = 0; i < len; i++) {
		if (in[i] == 0)
			return false;
		if (in[i] >= 0xc0)
			multibyte = true;
	}
	return multibyte;
}

size_t
charset_ucs2_text(const uint8_t *in, size_t len, bool quirk, char *out,
    size_t size)
{
	size_t n;

	if (size == 0)
		return 0;
	if (!charset_is_utf8(in, len, quirk))
		return ucs2_to_utf8(in, len, out, size);
	n = len < size - 1 ? len : size - 1;
	/* Cut at a character boundary when it does not fit. */
	while (n > 0 && n < len && (in[n] & 0xc0) == 0x80)
		n--;
	memcpy(out, in, n);
	out[n] = '\0';
	return n;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
charset_unhex(const char *s, size_t n, uint8_t *out, size_t max)
{
	size_t i;
	int hi, lo;

	if (n % 2 != 0 || n / 2 > max)
		return -1;
	for (i = 0; i < n; i += 2) {
		if ((hi = hexval(s[i])) < 0 || (lo = hexval(s[i + 1])) < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(n / 2);
}
