/*
 * The schema and its migrations: numbered steps, each taking the file from
 * version N-1 to N (PRAGMA user_version).  See doc/internals/schema.md.
 */
#ifndef SMS_STORE_SCHEMA_H
#define SMS_STORE_SCHEMA_H

#include "util/err.h"

struct store;

/*
 * Bring the open store up to STORE_SCHEMA_VERSION in one transaction.
 * A file from a newer version is refused with SMS_EVERSION.
 */
int schema_migrate(struct store *st, struct sms_err *err);

/*
 * Migrate only up to version target (tests build old stores with it to
 * check every upgrade path).  target 0 leaves an empty file.
 */
int schema_migrate_to(struct store *st, int target, struct sms_err *err);

#endif
