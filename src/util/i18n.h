/* Gettext glue: _() marks a user-visible string, N_() marks one for later. */
#ifndef SMS_UTIL_I18N_H
#define SMS_UTIL_I18N_H

#include <libintl.h>
#include <locale.h>

#define _(s) dgettext(PACKAGE, s)
#define N_(s) (s)
#define P_(s, p, n) dngettext(PACKAGE, s, p, n)

#endif
