/*
 * The benchmark store's generator.  The schema comes from store_open(); the
 * million rows go in through one bare SQLite connection with big
 * transactions and synchronous off (it is test data, made once), and the
 * schema's own triggers keep the full-text index and thread summaries, as
 * they do for every insert.
 */
#include "config.h"

#include "store-gen.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "store/store.h"
#include "util/err.h"
#include "util/msg.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static const char *const words[] = {
	"jó", "napot", "köszönöm", "holnap", "mikor", "nyit", "az", "üzlet",
	"kérem", "rendelés", "csomag", "megérkezett", "még", "nem", "igen",
	"szeretném", "időpont", "lemondani", "számla", "fizetés", "kártya",
	"tegnap", "reggel", "délután", "este", "várjuk", "szeretettel",
	"kabát", "méret", "kék", "piros", "ár", "akció", "kedvezmény",
	"hello", "thanks", "order", "delivery", "tomorrow", "please", "when",
	"where", "price", "available", "size", "refund", "payment", "card",
	"invoice", "appointment", "cancel", "confirm", "yes", "no", "today",
	"morning", "evening", "shop", "open", "closed", "weekend", "address",
	"tracking", "number", "parcel", "arrived", "sorry", "great", "ok",
	"a", "the", "is", "to", "and", "van", "lesz", "volt", "meg", "és",
};

static const char *const first[] = {
	"János", "Anna", "Péter", "Éva", "László", "Katalin", "Zoltán",
	"Judit", "Sarah", "John", "Emma", "Oliver", "Gábor", "Ágnes",
};

static const char *const last[] = {
	"Kovács", "Nagy", "Tóth", "Szabó", "Horváth", "Varga", "Kiss",
	"Molnár", "Németh", "Farkas", "Smith", "Miller", "Brown", "Taylor",
};

#define NWORDS (sizeof words / sizeof words[0])

void
bench_store_path(char *path, long messages, long threads)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(path, BENCH_PATH_MAX, "%s/sms-inbox-bench-%ld-%ld-v%d.db",
	    tmp != NULL && tmp[0] == '/' ? tmp : "/tmp", messages, threads,
	    STORE_SCHEMA_VERSION);
}

static int
exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "bench: %s: %s\n", sql, msg);
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* Whether the marker says a complete store of this size is there. */
static int
complete(sqlite3 *db, long messages)
{
	sqlite3_stmt *s;
	int ok = 0;

	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key ="
	    " 'bench_messages'", -1, &s, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(s) == SQLITE_ROW)
		ok = sqlite3_column_int64(s, 0) == messages;
	sqlite3_finalize(s);
	return ok;
}

static void
make_body(char *out, size_t size)
{
	size_t n = 3 + rng() % 23, i, len = 0;
	const char *w;

	out[0] = '\0';
	if (rng() % 2 == 0)
		len += (size_t)snprintf(out + len, size - len, "%s",
		    BENCH_COMMON_WORD);
	for (i = 0; i < n && len + 40 < size; i++) {
		w = rng() % 1000 == 0 ? BENCH_RARE_WORD : words[rng() % NWORDS];
		len += (size_t)snprintf(out + len, size - len, "%s%s",
		    len > 0 ? " " : "", w);
	}
	if (len + 2 < size)
		strcat(out, rng() % 3 == 0 ? "?" : ".");
}

int
bench_store_generate(const char *path, long messages, long threads)
{
	struct store *st = NULL;
	struct sms_err err;
	sqlite3 *db = NULL;
	sqlite3_stmt *th = NULL, *ct = NULL, *cn = NULL, *link = NULL,
	    *msg = NULL, *mark = NULL;
	char peer[32], raw[40], name[64], body[400];
	int64_t base, at;
	long i, t;
	int dir, state, rc = -1;
	time_t started = time(NULL);

	if (store_open(&st, path, NULL, &err) < 0) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return -1;
	}
	store_close(st);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		goto out;
	if (complete(db, messages)) {
		rc = 0;
		goto out;
	}
	fprintf(stderr, "bench: generating %ld messages in %ld threads in "
	    "%s ...\n", messages, threads, path);
	/* Test data made once: no journal while filling, WAL again after. */
	if (exec(db, "PRAGMA journal_mode = OFF") < 0 ||
	    exec(db, "PRAGMA synchronous = OFF") < 0 ||
	    exec(db, "PRAGMA cache_size = -65536") < 0 ||
	    exec(db, "DELETE FROM messages; DELETE FROM threads;"
	    " DELETE FROM contacts;") < 0 ||
	    exec(db, "BEGIN") < 0)
		goto out;
	if (sqlite3_prepare_v2(db, "INSERT INTO threads (id, peer, peer_raw,"
	    " created_at) VALUES (?1, ?2, ?3, ?4)", -1, &th, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO contacts (id, name,"
	    " created_at, updated_at) VALUES (?1, ?2, ?3, ?3)", -1, &ct,
	    NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO contact_numbers (number,"
	    " contact_id, raw) VALUES (?1, ?2, ?3)", -1, &cn, NULL) ||
	    sqlite3_prepare_v2(db, "UPDATE threads SET contact_id = ?2"
	    " WHERE id = ?1", -1, &link, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO messages (thread_id,"
	    " direction, state, body, encoding, segments, backend, author,"
	    " created_at, sent_at, delivered_at, read_at, state_at)"
	    " VALUES (?1, ?2, ?3, ?4, 'gsm7', 1, 'dongle', ?5, ?6, ?7, ?8,"
	    " ?9, ?6)", -1, &msg, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta (key, value)"
	    " VALUES ('bench_messages', ?1)", -1, &mark, NULL)) {
		fprintf(stderr, "bench: %s\n", sqlite3_errmsg(db));
		goto out;
	}
	base = 1700000000;
	for (t = 1; t <= threads; t++) {
		snprintf(peer, sizeof peer, "+3630%07ld", t);
		snprintf(raw, sizeof raw, "06 30 %03ld %04ld", t / 10000,
		    t % 10000);
		sqlite3_bind_int64(th, 1, t);
		sqlite3_bind_text(th, 2, peer, -1, SQLITE_STATIC);
		sqlite3_bind_text(th, 3, raw, -1, SQLITE_STATIC);
		sqlite3_bind_int64(th, 4, base);
		if (sqlite3_step(th) != SQLITE_DONE)
			goto sqlerr;
		sqlite3_reset(th);
		if (t % 5 != 0)
			continue;
		snprintf(name, sizeof name, "%s %s", last[rng() % 14],
		    first[rng() % 14]);
		sqlite3_bind_int64(ct, 1, t);
		sqlite3_bind_text(ct, 2, name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ct, 3, base);
		sqlite3_bind_text(cn, 1, peer, -1, SQLITE_STATIC);
		sqlite3_bind_int64(cn, 2, t);
		sqlite3_bind_text(cn, 3, raw, -1, SQLITE_STATIC);
		sqlite3_bind_int64(link, 1, t);
		sqlite3_bind_int64(link, 2, t);
		if (sqlite3_step(ct) != SQLITE_DONE ||
		    sqlite3_step(cn) != SQLITE_DONE ||
		    sqlite3_step(link) != SQLITE_DONE)
			goto sqlerr;
		sqlite3_reset(ct);
		sqlite3_reset(cn);
		sqlite3_reset(link);
	}
	for (i = 0; i < messages; i++) {
		at = base + i * 20 + (int64_t)(rng() % 20);
		dir = rng() % 2 ? MSG_OUT : MSG_IN;
		state = dir == MSG_IN ? MSG_RECEIVED : rng() % 30 == 0 ?
		    MSG_FAILED : MSG_DELIVERED;
		make_body(body, sizeof body);
		sqlite3_bind_int64(msg, 1, 1 + (int64_t)(rng() %
		    (uint64_t)threads));
		sqlite3_bind_int(msg, 2, dir);
		sqlite3_bind_int(msg, 3, state);
		sqlite3_bind_text(msg, 4, body, -1, SQLITE_STATIC);
		if (dir == MSG_OUT)
			sqlite3_bind_text(msg, 5, rng() % 4 == 0 ? "rule:1" :
			    rng() % 2 ? "anna" : "bela", -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(msg, 5);
		sqlite3_bind_int64(msg, 6, at);
		if (state == MSG_DELIVERED) {
			sqlite3_bind_int64(msg, 7, at + 2);
			sqlite3_bind_int64(msg, 8, at + 9);
		} else {
			sqlite3_bind_null(msg, 7);
			sqlite3_bind_null(msg, 8);
		}
		if (dir == MSG_IN)
			sqlite3_bind_int64(msg, 9, at + 60);
		else
			sqlite3_bind_null(msg, 9);
		if (sqlite3_step(msg) != SQLITE_DONE)
			goto sqlerr;
		sqlite3_reset(msg);
		if (i % 100000 == 99999) {
			if (exec(db, "COMMIT") < 0 || exec(db, "BEGIN") < 0)
				goto out;
			fprintf(stderr, "bench: %ld messages, %ld s\n", i + 1,
			    (long)(time(NULL) - started));
		}
	}
	/* Most threads read, some archived, some assigned. */
	if (exec(db, "UPDATE threads SET unread = 0 WHERE id % 20 <> 0") < 0 ||
	    exec(db, "UPDATE threads SET archived = 1 WHERE id % 10 < 3") < 0 ||
	    exec(db, "UPDATE threads SET assigned = 'anna' WHERE id % 7 = 0")
	    < 0)
		goto out;
	sqlite3_bind_int64(mark, 1, messages);
	if (sqlite3_step(mark) != SQLITE_DONE)
		goto sqlerr;
	/* No ANALYZE or FTS 'optimize': a real store has neither, and the
	 * figures must hold for it. */
	if (exec(db, "COMMIT") < 0 ||
	    exec(db, "PRAGMA journal_mode = WAL") < 0)
		goto out;
	fprintf(stderr, "bench: generated in %ld s\n",
	    (long)(time(NULL) - started));
	rc = 0;
	goto out;
sqlerr:
	fprintf(stderr, "bench: generating: %s\n", sqlite3_errmsg(db));
out:
	sqlite3_finalize(th);
	sqlite3_finalize(ct);
	sqlite3_finalize(cn);
	sqlite3_finalize(link);
	sqlite3_finalize(msg);
	sqlite3_finalize(mark);
	sqlite3_close(db);
	return rc;
}
