/*
 * Output helpers shared by the store subcommands (threads, show, search,
 * contacts, export): times, escaped message text, padded names, and the
 * JSON objects scripts read (jansson).
 */
#ifndef SMS_CLI_PRINT_H
#define SMS_CLI_PRINT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

struct store_contact;
struct store_message;
struct store_thread;

/* Room for a formatted time with its NUL. */
#define PRINT_TIME_MAX 32

/* t as local "YYYY-MM-DD HH:MM" into buf, "-" for 0; returns buf. */
const char *print_time(int64_t t, char buf[PRINT_TIME_MAX]);

/*
 * Write s to fp with control characters and invalid UTF-8 escaped (\n, \t,
 * \xNN), at most max characters (0: all; "..." marks a cut).  A newline is
 * written as newline plus indent when indent is not NULL, else as a space.
 */
void print_text(FILE *fp, const char *s, size_t max, const char *indent);

/* Write s escaped like print_text(), padded with spaces to width
 * terminal columns (cut to fit). */
void print_padded(FILE *fp, const char *s, int width);

/*
 * One message as a text line: time, "<" (in) or ">" (out), the text, and
 * for outgoing ones the state, author and error in brackets.
 */
void print_message_line(FILE *fp, const struct store_message *m);

/* t as ISO 8601 UTC ("2026-11-23T10:41:00Z"), or JSON null for 0.  New
 * reference. */
json_t *print_json_time(int64_t t);

/* JSON objects for scripts; new references (NULL when out of memory). */
json_t *print_json_message(const struct store_message *m);
json_t *print_json_thread(const struct store_thread *t);
json_t *print_json_contact(const struct store_contact *c);

/* Dump j (taken: its reference is released) to stdout with a newline.
 * Returns 0, or the exit status for an output error. */
int print_json(json_t *j);

#endif
