/*
 * Hosted SMS providers as backends.  Each provider is one table of
 * operations (struct provider_ops in provider/private.h) driven by the
 * common backend in provider.c: rate limiting per sending number, retries,
 * health, polling, webhooks and reconciliation are written once.
 */
#ifndef SMS_PROVIDER_PROVIDER_H
#define SMS_PROVIDER_PROVIDER_H

#include "engine/backend.h"

/* Twilio Programmable Messaging (REST API 2010-04-01). */
extern const struct backend_ops twilio_backend_ops;

/* Plivo Messaging (REST API v1). */
extern const struct backend_ops plivo_backend_ops;

/* The ops for a provider type name ("twilio", "plivo"), or NULL. */
const struct backend_ops *provider_backend_ops(const char *type);

#endif
