/*
 * bench-tui: the inbox's time to first paint and its memory on the
 * generated store of 1,000,000 messages in 50,000 threads (DESIGN.md:
 * < 150 ms, < 40 MB).  Each run starts sms-inbox on a pseudo-terminal of
 * 80x24, times from fork to the first screen drawn in full (the status
 * bar, the last line the first doupdate() writes), reads its resident
 * memory, and quits it with q.  Figures only; nothing fails on a slow
 * machine.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store-gen.h"

#define RUNS 7
#define MARK "unread"
#define TIMEOUT_MS 20000

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* VmRSS and VmHWM of pid in KiB. */
static void
memory(pid_t pid, long *rss, long *hwm)
{
	char path[64], line[256];
	FILE *f;

	*rss = *hwm = -1;
	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "VmRSS:", 6) == 0)
			*rss = atol(line + 6);
		else if (strncmp(line, "VmHWM:", 6) == 0)
			*hwm = atol(line + 6);
	}
	fclose(f);
}

/*
 * One run: the milliseconds to the first full screen (-1 on failure) and
 * the memory once it is drawn.
 */
static double
run(const char *prog, const char *conf, long *rss, long *hwm)
{
	struct winsize ws = { 24, 80, 0, 0 };
	char buf[65536], tail[32] = "", win[sizeof tail + sizeof buf];
	size_t k;
	struct pollfd pfd;
	double t0, t = -1;
	int master, status;
	ssize_t n;
	pid_t pid;

	t0 = now_ms();
	pid = forkpty(&master, NULL, NULL, &ws);
	if (pid < 0) {
		perror("bench-tui: forkpty");
		return -1;
	}
	if (pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		setenv("LC_ALL", "C.UTF-8", 1);
		setenv("SMS_INBOX_CONFIG", conf, 1);
		execl(prog, "sms-inbox", (char *)NULL);
		_exit(127);
	}
	pfd.fd = master;
	pfd.events = POLLIN;
	while (now_ms() - t0 < TIMEOUT_MS) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if ((n = read(master, buf, sizeof buf - 1)) <= 0)
			break;
		buf[n] = '\0';
		/* The mark may straddle two reads: look at the last read's
		 * tail with this one. */
		snprintf(win, sizeof win, "%s%s", tail, buf);
		if (strstr(win, MARK) != NULL) {
			t = now_ms() - t0;
			break;
		}
		k = (size_t)n > 16 ? 16 : (size_t)n;
		memcpy(tail, buf + n - k, k);
		tail[k] = '\0';
	}
	memory(pid, rss, hwm);
	if (write(master, "q", 1) < 0)
		kill(pid, SIGTERM);
	/* Drain until it exits so it never blocks on a full pty. */
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (poll(&pfd, 1, 50) > 0 && read(master, buf, sizeof buf) <= 0)
			break;
		if (now_ms() - t0 > 2 * TIMEOUT_MS) {
			kill(pid, SIGKILL);
			break;
		}
	}
	waitpid(pid, &status, 0);
	close(master);
	return t;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(void)
{
	const char *builddir = getenv("top_builddir");
	char store[BENCH_PATH_MAX], prog[1024], dir[] = "/tmp/bench-tui.XXXXXX";
	char conf[128];
	double t[RUNS];
	long rss = -1, hwm = -1, r, h;
	int i, ok = 0;
	FILE *f;

	bench_store_path(store, 1000000, 50000);
	if (bench_store_generate(store, 1000000, 50000) < 0)
		return 1;
	snprintf(prog, sizeof prog, "%s/src/sms-inbox",
	    builddir != NULL ? builddir : ".");
	if (access(prog, X_OK) < 0) {
		fprintf(stderr, "bench-tui: %s: %s\n", prog, strerror(errno));
		return 1;
	}
	if (mkdtemp(dir) == NULL) {
		perror("bench-tui: mkdtemp");
		return 1;
	}
	snprintf(conf, sizeof conf, "%s/config", dir);
	if ((f = fopen(conf, "w")) == NULL) {
		perror(conf);
		return 1;
	}
	fprintf(f, "[store]\npath = %s\n", store);
	fclose(f);

	for (i = 0; i < RUNS; i++) {
		t[ok] = run(prog, conf, &r, &h);
		if (t[ok] < 0) {
			fprintf(stderr, "bench-tui: run %d drew nothing\n", i);
			continue;
		}
		ok++;
		if (r > rss)
			rss = r;
		if (h > hwm)
			hwm = h;
	}
	unlink(conf);
	rmdir(dir);
	if (ok == 0)
		return 1;
	qsort(t, (size_t)ok, sizeof t[0], cmp);
	printf("tui on %s (1,000,000 messages, 50,000 threads), 80x24:\n",
	    store);
	printf("  first paint:     %.1f ms median, %.1f - %.1f ms over %d "
	    "runs (target < 150 ms)\n", t[ok / 2], t[0], t[ok - 1], ok);
	printf("  resident memory: %.1f MB after the first paint, peak "
	    "%.1f MB (target < 40 MB)\n", (double)rss / 1024.0,
	    (double)hwm / 1024.0);
	return 0;
}
