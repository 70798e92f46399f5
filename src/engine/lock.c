#include "config.h"

#include "engine/lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/i18n.h"
#include "util/log.h"

static char *
lock_path(const char *store_path)
{
	char *p = NULL;

	if (asprintf(&p, "%s.lock", store_path) < 0)
		return NULL;
	return p;
}

static pid_t
read_pid(int fd)
{
	char buf[32];
	ssize_t n;

	n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return (pid_t)strtol(buf, NULL, 10);
}

int
lock_open(int *fd, const char *store_path, struct sms_err *err)
{
	char *path, pid[32];
	int f = -1, rc = 0, e;
	pid_t holder;

	*fd = -1;
	if ((path = lock_path(store_path)) == NULL)
		return sms_err_set(err, SMS_ENOMEM, "%s",
		    sms_rc_str(SMS_ENOMEM));
	if ((f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		rc = sms_err_sys(err, SMS_ECANTCREAT, errno,
		    _("cannot open the lock file %s"), path);
		goto out;
	}
	if (flock(f, LOCK_EX | LOCK_NB) < 0) {
		e = errno;
		if (e == EWOULDBLOCK) {
			holder = read_pid(f);
			if (holder > 0)
				rc = sms_err_set(err, SMS_EBUSY,
				    _("the engine for %s is already running "
				    "(pid %ld)"), store_path, (long)holder);
			else
				rc = sms_err_set(err, SMS_EBUSY,
				    _("the engine for %s is already running"),
				    store_path);
		} else
			rc = sms_err_sys(err, SMS_EIO, e,
			    _("cannot lock %s"), path);
		goto out;
	}
	snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(f, 0) < 0 ||
	    pwrite(f, pid, strlen(pid), 0) != (ssize_t)strlen(pid)) {
		rc = sms_err_sys(err, SMS_EIO, errno,
		    _("cannot write the lock file %s"), path);
		goto out;
	}
	*fd = f;
	f = -1;
out:
	if (f >= 0)
		close(f);
	free(path);
	return rc;
}

void
lock_close(int fd, const char *store_path)
{
	if (fd < 0)
		return;
	/* The file stays: removing it would race a process that has just
	 * opened it and is about to flock it. */
	if (ftruncate(fd, 0) < 0)
		log_debug("cannot empty the lock file of %s: %s", store_path,
		    strerror(errno));
	close(fd);
}

int
lock_holder(const char *store_path, pid_t *pid)
{
	char *path;
	int f, rc;

	*pid = 0;
	if ((path = lock_path(store_path)) == NULL)
		return SMS_ENOMEM;
	f = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (f < 0)
		return errno == ENOENT ? 0 : SMS_EIO;
	if (flock(f, LOCK_SH | LOCK_NB) == 0)
		rc = 0;
	else if (errno == EWOULDBLOCK) {
		*pid = read_pid(f);
		rc = 1;
	} else
		rc = SMS_EIO;
	close(f);
	return rc;
}

int
lock_crashed(const char *store_path, int64_t *at)
{
	struct stat st;
	char *path;
	int rc;

	*at = 0;
	if ((path = lock_path(store_path)) == NULL)
		return 0;
	rc = stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
	if (rc)
		*at = (int64_t)st.st_mtime;
	free(path);
	return rc;
}

void
lock_touch(int fd)
{
	if (fd >= 0 && futimens(fd, NULL) < 0)
		log_debug("cannot touch the lock file: %s", strerror(errno));
}
