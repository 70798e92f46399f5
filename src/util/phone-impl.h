/*
 * The seam between phone.c and the optional libphonenumber shim: exactly
 * one of phone-lpn.cc (HAVE_PHONENUMBER) and phone-nolpn.c is built.
 */
#ifndef SMS_UTIL_PHONE_IMPL_H
#define SMS_UTIL_PHONE_IMPL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Format digits (a cleaned number: optional leading "+", then digits) as
 * E.164 for region country into out (size bytes).  Returns 0 on success,
 * -1 when the number is not valid for the library, -2 when no library is
 * built in.
 */
int phone_lib_e164(const char *digits, const char *country, char *out,
    size_t size);

#ifdef __cplusplus
}
#endif

#endif
