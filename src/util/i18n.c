#include "config.h"

#include "util/i18n.h"

#include <stdlib.h>

void
i18n_init(void)
{
	const char *dir = getenv("SMS_INBOX_LOCALEDIR");

	setlocale(LC_ALL, "");
	bindtextdomain(PACKAGE, dir != NULL && dir[0] == '/' ? dir :
	    LOCALEDIR);
	textdomain(PACKAGE);
}
