/* Gettext glue: _() marks a user-visible string, N_() marks one for later. */
#ifndef SMS_UTIL_I18N_H
#define SMS_UTIL_I18N_H

#include <libintl.h>
#include <locale.h>

#define _(s) dgettext(PACKAGE, s)
#define N_(s) (s)
#define P_(s, p, n) dngettext(PACKAGE, s, p, n)

/*
 * For a main(): the locale from the environment and the message catalogs
 * from LOCALEDIR, or from $SMS_INBOX_LOCALEDIR when it is an absolute path
 * (to run translated from the build tree, as the tests do).
 */
void i18n_init(void);

#endif
