/*
 * bench-store: the store's figures on a generated store of 1,000,000
 * messages in 50,000 threads (DESIGN.md "Performance targets"): first page
 * of threads, opening a conversation, full-text search, each with the file
 * cached and cold (its pages dropped from the page cache with
 * posix_fadvise), and inbound inserts in 100-row batches through the store
 * against bare SQLite doing the same inserts on the same schema in the same
 * run.
 *
 * Usage: bench-store [--messages N] [--threads N] [--path FILE]
 * (or BENCH_STORE_MESSAGES / BENCH_STORE_THREADS).  The store is made once
 * in $TMPDIR or /tmp and reused.
 */
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store-gen.h"
#include "store/message.h"
#include "store/search.h"
#include "store/store.h"
#include "store/thread.h"
#include "util/err.h"

#define RUNS 200
#define COLD_RUNS 10
#define BATCH 100
#define BATCHES 40

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median and worst of n samples, printed with the target. */
static void
report(const char *what, double *v, int n, double target)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	printf("%-46s median %7.3f  p95 %7.3f  max %7.3f ms  (target < %g)\n",
	    what, v[n / 2], v[n * 95 / 100], v[n - 1], target);
}

static void
die(const char *what, const struct sms_err *err)
{
	fprintf(stderr, "bench-store: %s: %s\n", what, err->msg);
	exit(1);
}

/* Drop the store's pages from the page cache (no root needed for clean
 * pages), so the next query reads the disk. */
static void
drop_cache(const char *path)
{
	char p[BENCH_PATH_MAX + 8];
	const char *suffix[] = { "", "-wal", "-shm" };
	size_t i;
	int fd;

	for (i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		if ((fd = open(p, O_RDONLY)) < 0)
			continue;
		fdatasync(fd);
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		close(fd);
	}
}

static struct store *
open_store(const char *path)
{
	struct store_opts opts = { 0, "HU", true, 0 };
	struct store *st;
	struct sms_err err;

	if (store_open(&st, path, &opts, &err) < 0)
		die("open", &err);
	return st;
}

static double
page_of(struct store *st, enum store_thread_filter filter)
{
	struct store_thread_query q;
	struct store_threads page;
	struct sms_err err;
	double t0 = now_ms();

	memset(&q, 0, sizeof q);
	q.filter = filter;
	q.assigned = "anna";
	q.limit = 50;
	if (store_thread_page(st, &q, &page, &err) < 0 || page.n != 50)
		die("thread page", &err);
	t0 = now_ms() - t0;
	store_threads_fini(&page);
	return t0;
}

static double
first_page(struct store *st)
{
	return page_of(st, STORE_THREADS_INBOX);
}

static double
conversation(struct store *st, int64_t tid)
{
	struct store_messages page;
	struct sms_err err;
	double t0 = now_ms();

	if (store_message_page(st, tid, 0, 100, &page, &err) < 0 ||
	    page.n == 0)
		die("conversation", &err);
	t0 = now_ms() - t0;
	store_messages_fini(&page);
	return t0;
}

static double
search(struct store *st, const char *q, size_t *hits)
{
	struct store_hits h;
	struct sms_err err;
	double t0 = now_ms();

	if (store_search(st, q, 0, 50, &h, &err) < 0)
		die("search", &err);
	t0 = now_ms() - t0;
	*hits = h.n;
	store_hits_fini(&h);
	return t0;
}

/* Run f over the store RUNS times cached and COLD_RUNS times cold. */
static void
reads(const char *path, long threads)
{
	static double v[RUNS];
	static const char *const queries[] = {
		BENCH_RARE_WORD, BENCH_COMMON_WORD, "csomag megérkezett",
		"\"jó napot\"", "kedv*",
	};
	struct store *st = open_store(path);
	char label[128];
	size_t hits = 0, q;
	int i;

	first_page(st);		/* warm the cache */
	for (i = 0; i < RUNS; i++)
		v[i] = first_page(st);
	report("first page of threads (50), cached", v, RUNS, 5);
	for (i = 0; i < RUNS; i++)
		v[i] = page_of(st, STORE_THREADS_UNREAD);
	report("first page of unread threads, cached", v, RUNS, 5);
	for (i = 0; i < RUNS; i++)
		v[i] = page_of(st, STORE_THREADS_ASSIGNED);
	report("first page of assigned threads, cached", v, RUNS, 5);
	for (i = 0; i < RUNS; i++)
		v[i] = conversation(st, 1 + (int64_t)((i * 7919L) % threads));
	report("open a conversation (last 100), cached", v, RUNS, 5);
	for (q = 0; q < sizeof queries / sizeof queries[0]; q++) {
		for (i = 0; i < RUNS / 4; i++)
			v[i] = search(st, queries[q], &hits);
		snprintf(label, sizeof label, "search '%s' (%zu hits), cached",
		    queries[q], hits);
		report(label, v, RUNS / 4, 50);
	}
	store_close(st);
	for (i = 0; i < COLD_RUNS; i++) {
		double t0;

		drop_cache(path);
		t0 = now_ms();
		st = open_store(path);
		first_page(st);
		v[i] = now_ms() - t0;
		store_close(st);
	}
	report("open the store + first page, cold", v, COLD_RUNS, 50);
	for (i = 0; i < COLD_RUNS; i++) {
		drop_cache(path);
		st = open_store(path);
		v[i] = conversation(st, 1 + (int64_t)((i * 104729L) % threads));
		store_close(st);
	}
	report("open a conversation (last 100), cold", v, COLD_RUNS, 50);
	for (i = 0; i < COLD_RUNS; i++) {
		drop_cache(path);
		st = open_store(path);
		v[i] = search(st, BENCH_COMMON_WORD, &hits);
		store_close(st);
	}
	report("search common word, cold", v, COLD_RUNS, 50);
}

/* One batch through the store's API; returns rows per second. */
static double
batch_store(struct store *st, long run, int b)
{
	struct store_inbound in;
	struct sms_err err;
	char from[32], sid[64], body[128];
	double t0 = now_ms();
	int i;

	if (store_tx_begin(st, &err) < 0)
		die("begin", &err);
	for (i = 0; i < BATCH; i++) {
		memset(&in, 0, sizeof in);
		/* As modems and providers give it: international. */
		snprintf(from, sizeof from, "+36 30 %03d %04d", b, i);
		snprintf(sid, sizeof sid, "S%ld-%d-%d", run, b, i);
		snprintf(body, sizeof body, "szia, a csomag %d megérkezett, "
		    "köszönöm szépen", i);
		in.backend = "bench";
		in.from = from;
		in.body = body;
		in.remote_id = sid;
		if (store_message_insert_inbound(st, &in, NULL, &err) != 1)
			die("insert", &err);
	}
	if (store_tx_commit(st, &err) < 0)
		die("commit", &err);
	return BATCH / ((now_ms() - t0) / 1e3);
}

/*
 * The same rows by bare SQLite on the same file and schema: thread upsert,
 * message insert with the same dedup key; the schema's triggers (FTS,
 * thread summary) run for both.
 */
static double
batch_bare(sqlite3 *db, sqlite3_stmt *th, sqlite3_stmt *msg, long run,
    int b)
{
	char peer[32], raw[32], sid[64], key[96], body[128];
	double t0 = now_ms();
	int i;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		exit(1);
	for (i = 0; i < BATCH; i++) {
		/* Other senders than batch_store()'s, so that both create
		 * the same number of threads. */
		snprintf(peer, sizeof peer, "+3620%03d%04d", b, i);
		snprintf(raw, sizeof raw, "06 20 %03d %04d", b, i);
		snprintf(sid, sizeof sid, "B%ld-%d-%d", run, b, i);
		snprintf(key, sizeof key, "sid:bench:%s", sid);
		snprintf(body, sizeof body, "szia, a csomag %d megérkezett, "
		    "köszönöm szépen", i);
		sqlite3_bind_text(th, 1, peer, -1, SQLITE_STATIC);
		sqlite3_bind_text(th, 2, raw, -1, SQLITE_STATIC);
		sqlite3_bind_int64(th, 3, time(NULL));
		if (sqlite3_step(th) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(th);
		sqlite3_bind_text(msg, 1, peer, -1, SQLITE_STATIC);
		sqlite3_bind_text(msg, 2, body, -1, SQLITE_STATIC);
		sqlite3_bind_text(msg, 3, sid, -1, SQLITE_STATIC);
		sqlite3_bind_text(msg, 4, key, -1, SQLITE_STATIC);
		sqlite3_bind_int64(msg, 5, time(NULL));
		if (sqlite3_step(msg) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(msg);
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return BATCH / ((now_ms() - t0) / 1e3);
fail:
	fprintf(stderr, "bench-store: bare: %s\n", sqlite3_errmsg(db));
	exit(1);
}

static void
inserts(const char *path)
{
	double ours[BATCHES], bare[BATCHES], so = 0, sb = 0;
	struct store *st = open_store(path);
	sqlite3_stmt *th, *msg;
	sqlite3 *db;
	long run = (long)time(NULL);
	int b;

	/* The bare connection gets the store's own settings. */
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA journal_mode = WAL;"
	    " PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;", NULL,
	    NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO threads (peer, peer_raw,"
	    " created_at) VALUES (?1, ?2, ?3) ON CONFLICT (peer) DO NOTHING",
	    -1, &th, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO messages (thread_id,"
	    " direction, state, body, segments, backend, remote_ref,"
	    " dedup_key, created_at, state_at) VALUES ((SELECT id FROM threads"
	    " WHERE peer = ?1), 0, 0, ?2, 1, 'bench', ?3, ?4, ?5, ?5)", -1,
	    &msg, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench-store: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
	sqlite3_busy_timeout(db, 5000);
	/* Interleaved, each going first every other time (the one that
	 * commits past the WAL's size runs the checkpoint), so both see the
	 * same store as it grows. */
	for (b = 0; b < BATCHES; b++) {
		if (b % 2 == 0) {
			ours[b] = batch_store(st, run, b);
			bare[b] = batch_bare(db, th, msg, run, b);
		} else {
			bare[b] = batch_bare(db, th, msg, run, b);
			ours[b] = batch_store(st, run, b);
		}
		so += BATCH / ours[b];	/* seconds */
		sb += BATCH / bare[b];
	}
	qsort(ours, BATCHES, sizeof *ours, cmp_double);
	qsort(bare, BATCHES, sizeof *bare, cmp_double);
	printf("inbound inserts, %d-row batches, store API    median %8.0f "
	    "rows/s, overall %6.0f rows/s\n", BATCH, ours[BATCHES / 2],
	    BATCHES * BATCH / so);
	printf("inbound inserts, %d-row batches, bare SQLite  median %8.0f "
	    "rows/s, overall %6.0f rows/s\n", BATCH, bare[BATCHES / 2],
	    BATCHES * BATCH / sb);
	/* Medians: other load on the machine hits single batches. */
	printf("store API / bare SQLite: medians %.0f %%, overall %.0f %%  "
	    "(target >= 80 %%)\n", 100.0 * ours[BATCHES / 2] /
	    bare[BATCHES / 2], 100.0 * sb / so);
	sqlite3_finalize(th);
	sqlite3_finalize(msg);
	sqlite3_close(db);
	store_close(st);
}

int
main(int argc, char **argv)
{
	char path[BENCH_PATH_MAX] = "";
	const char *env;
	long messages = 1000000, threads = 50000;
	int i;

	if ((env = getenv("BENCH_STORE_MESSAGES")) != NULL)
		messages = atol(env);
	if ((env = getenv("BENCH_STORE_THREADS")) != NULL)
		threads = atol(env);
	for (i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--messages") == 0)
			messages = atol(argv[i + 1]);
		else if (strcmp(argv[i], "--threads") == 0)
			threads = atol(argv[i + 1]);
		else if (strcmp(argv[i], "--path") == 0)
			snprintf(path, sizeof path, "%s", argv[i + 1]);
		else
			break;
	}
	if (i < argc || messages < 1000 || threads < 100 ||
	    threads > messages) {
		fprintf(stderr, "usage: bench-store [--messages N] [--threads "
		    "N] [--path FILE]\n");
		return 64;
	}
	if (path[0] == '\0')
		bench_store_path(path, messages, threads);
	if (bench_store_generate(path, messages, threads) < 0)
		return 1;
	printf("store: %s (%ld messages, %ld threads, SQLite %s)\n", path,
	    messages, threads, sqlite3_libversion());
	reads(path, threads);
	inserts(path);
	return 0;
}
