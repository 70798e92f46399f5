#include "config.h"

#include "codec/ucs2.h"

#include "util/utf8.h"

size_t
ucs2_units(uint32_t cp)
{
	return cp > 0xffff ? 2 : 1;
}

size_t
ucs2_put(uint32_t cp, uint8_t *out)
{
	uint32_t hi, lo;

	if (cp <= 0xffff) {
		out[0] = (uint8_t)(cp >> 8);
		out[1] = (uint8_t)cp;
		return 2;
	}
	cp -= 0x10000;
	hi = 0xd800 | (cp >> 10);
	lo = 0xdc00 | (cp & 0x3ff);
	out[0] = (uint8_t)(hi >> 8);
	out[1] = (uint8_t)hi;
	out[2] = (uint8_t)(lo >> 8);
	out[3] = (uint8_t)lo;
	return 4;
}

size_t
ucs2_to_utf8(const uint8_t *in, size_t inlen, char *out, size_t outsize)
{
	size_t i, len = 0, k, j;
	char tmp[UTF8_MAX];
	uint32_t u, lo;

	if (outsize == 0)
		return 0;
	for (i = 0; i + 1 < inlen; i += 2) {
		u = (uint32_t)in[i] << 8 | in[i + 1];
		if (u >= 0xd800 && u <= 0xdbff && i + 3 < inlen) {
			lo = (uint32_t)in[i + 2] << 8 | in[i + 3];
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				u = 0x10000 + ((u - 0xd800) << 10) +
				    (lo - 0xdc00);
				i += 2;
			}
		}
		if (u >= 0xd800 && u <= 0xdfff)
			k = utf8_encode_surrogate(u, tmp);
		else
			k = utf8_encode(u, tmp);
		if (len + k >= outsize) {
			if (u > 0xffff)
				i -= 2;
			break;
		}
		for (j = 0; j < k; j++)
			out[len++] = tmp[j];
	}
	out[len] = '\0';
	return len;
}
