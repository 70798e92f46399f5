#include "config.h"

#include "modem/serial.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include <libserialport.h>

#include "util/i18n.h"
#include "util/log.h"

/* Unix98 pseudo-terminal slaves (Documentation/admin-guide/devices.txt). */
#define PTY_SLAVE_MAJOR_FIRST 136
#define PTY_SLAVE_MAJOR_LAST 143

struct serial {
	struct sp_port *port;	/* NULL for a pseudo-terminal */
	int fd;
	char *path;		/* real device path */
	char *stable;		/* by-id or configured symlink */
	char *lock;		/* our lock file, or NULL */
};

static void
copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src != NULL ? src : "");
}

/* The /dev/serial/by-id link that resolves to real, or NULL.  Caller
 * frees. */
static char *
serial_find_by_id(const char *real)
{
	static const char dir[] = "/dev/serial/by-id";
	char link[PATH_MAX], target[PATH_MAX];
	struct dirent *de;
	char *found = NULL;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return NULL;
	while ((de = readdir(d)) != NULL && found == NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(link, sizeof link, "%s/%s", dir, de->d_name);
		if (realpath(link, target) != NULL &&
		    strcmp(target, real) == 0)
			found = strdup(link);
	}
	closedir(d);
	return found;
}

int
serial_glob(const char *pattern, struct serial_info **out, size_t *n,
    struct sms_err *err)
{
	char (*reals)[PATH_MAX] = NULL;
	struct serial_info *v = NULL;
	struct stat st;
	glob_t g;
	size_t i, j, count = 0;
	int rc;

	*out = NULL;
	*n = 0;
	memset(&g, 0, sizeof g);
	rc = glob(pattern, 0, NULL, &g);
	if (rc == GLOB_NOMATCH || (rc == 0 && g.gl_pathc == 0)) {
		globfree(&g);
		return 0;
	}
	if (rc != 0) {
		globfree(&g);
		return sms_err_set(err, SMS_EIO,
		    _("cannot list the ports matching %s"), pattern);
	}
	v = calloc(g.gl_pathc, sizeof *v);
	reals = calloc(g.gl_pathc, sizeof *reals);
	if (v == NULL || reals == NULL) {
		rc = SMS_ENOMEM;
		goto out;
	}
	for (i = 0; i < g.gl_pathc; i++) {
		if (realpath(g.gl_pathv[i], reals[count]) == NULL ||
		    stat(reals[count], &st) < 0 || !S_ISCHR(st.st_mode))
			continue;
		for (j = 0; j < count; j++)
			if (strcmp(reals[j], reals[count]) == 0)
				break;
		if (j < count)
			continue;	/* the same device by another name */
		copy_str(v[count].name, sizeof v[count].name,
		    g.gl_pathv[i]);
		copy_str(v[count].description, sizeof v[count].description,
		    reals[count]);
		if (strncmp(g.gl_pathv[i], "/dev/serial/by-id/", 18) == 0)
			copy_str(v[count].by_id, sizeof v[count].by_id,
			    g.gl_pathv[i]);
		count++;
	}
	*out = v;
	*n = count;
	v = NULL;
	rc = 0;
out:
	free(v);
	free(reals);
	globfree(&g);
	return rc;
}

bool
serial_holder(const char *path, pid_t *pid, char *prog, size_t size)
{
	char real[PATH_MAX], fdpath[PATH_MAX], target[PATH_MAX], comm[64];
	struct dirent *pe, *fe;
	DIR *proc, *fds;
	bool found = false;
	ssize_t n;
	FILE *f;

	if (realpath(path, real) == NULL)
		return false;
	if ((proc = opendir("/proc")) == NULL)
		return false;
	while (!found && (pe = readdir(proc)) != NULL) {
		pid_t p = (pid_t)strtol(pe->d_name, NULL, 10);

		if (p <= 0 || p == getpid())
			continue;
		snprintf(fdpath, sizeof fdpath, "/proc/%d/fd", (int)p);
		if ((fds = opendir(fdpath)) == NULL)
			continue;
		while ((fe = readdir(fds)) != NULL) {
			snprintf(fdpath, sizeof fdpath, "/proc/%d/fd/%s",
			    (int)p, fe->d_name);
			n = readlink(fdpath, target, sizeof target - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			if (strcmp(target, real) == 0) {
				found = true;
				*pid = p;
				break;
			}
		}
		closedir(fds);
	}
	closedir(proc);
	if (!found)
		return false;
	snprintf(fdpath, sizeof fdpath, "/proc/%d/comm", (int)*pid);
	copy_str(prog, size, "?");
	if ((f = fopen(fdpath, "r")) != NULL) {
		if (fgets(comm, sizeof comm, f) != NULL) {
			comm[strcspn(comm, "\n")] = '\0';
			copy_str(prog, size, comm);
		}
		fclose(f);
	}
	return true;
}

/* The sentence for a port someone else holds. */
static int
serial_busy(struct sms_err *err, const char *path, pid_t pid,
    const char *prog)
{
	if (strcmp(prog, "ModemManager") == 0)
		return sms_err_set(err, SMS_EBUSY,
		    _("cannot open %s: ModemManager (pid %d) is using it; "
		    "stop it with \"systemctl stop ModemManager\" or make it "
		    "ignore the device with the udev property "
		    "ID_MM_DEVICE_IGNORE=1"), path, (int)pid);
	if (pid > 0)
		return sms_err_set(err, SMS_EBUSY,
		    _("cannot open %s: %s (pid %d) is using it; stop that "
		    "program or configure another port"), path, prog,
		    (int)pid);
	return sms_err_set(err, SMS_EBUSY,
	    _("cannot open %s: another program is using it (could not find "
	    "which; try \"fuser -v %s\")"), path, path);
}

/* Take the UUCP lock file LCK..<name> in /run/lock (or /var/lock).  A
 * directory we cannot write is skipped: TIOCEXCL still guards us. */
static int
serial_lock(struct serial *s, const char *real, struct sms_err *err)
{
	static const char *const dirs[] = { "/run/lock", "/var/lock" };
	char name[PATH_MAX], path[PATH_MAX + 64], text[32];
	const char *base;
	size_t i, j;
	pid_t pid;
	ssize_t n;
	int fd, tries;

	base = strncmp(real, "/dev/", 5) == 0 ? real + 5 : real;
	for (j = 0; base[j] != '\0' && j + 1 < sizeof name; j++)
		name[j] = base[j] == '/' ? '_' : base[j];
	name[j] = '\0';
	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		if (access(dirs[i], W_OK) != 0)
			continue;
		snprintf(path, sizeof path, "%s/LCK..%s", dirs[i], name);
		for (tries = 0; tries < 2; tries++) {
			fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			    0644);
			if (fd >= 0) {
				n = snprintf(text, sizeof text, "%10d\n",
				    (int)getpid());
				if (write(fd, text, (size_t)n) != n)
					log_warn("serial: cannot write %s",
					    path);
				close(fd);
				s->lock = strdup(path);
				return 0;
			}
			if (errno != EEXIST)
				break;
			/* Held: by a live process, or stale. */
			pid = 0;
			if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
				n = read(fd, text, sizeof text - 1);
				close(fd);
				if (n > 0) {
					text[n] = '\0';
					pid = (pid_t)strtol(text, NULL, 10);
				}
			}
			if (pid > 0 && pid != getpid() &&
			    (kill(pid, 0) == 0 || errno == EPERM)) {
				char prog[64] = "?", p[64];
				FILE *f;

				snprintf(p, sizeof p, "/proc/%d/comm",
				    (int)pid);
				if ((f = fopen(p, "r")) != NULL) {
					if (!fgets(prog, sizeof prog, f))
						copy_str(prog, sizeof prog,
						    "?");
					prog[strcspn(prog, "\n")] = '\0';
					fclose(f);
				}
				return serial_busy(err, real, pid, prog);
			}
			log_info("serial: removing stale lock %s", path);
			unlink(path);
		}
		return 0;
	}
	return 0;
}

static void
serial_unlock(struct serial *s)
{
	if (s->lock != NULL) {
		unlink(s->lock);
		free(s->lock);
		s->lock = NULL;
	}
}

static speed_t
serial_speed(int baud)
{
	switch (baud) {
	case 9600:	return B9600;
	case 19200:	return B19200;
	case 38400:	return B38400;
	case 57600:	return B57600;
	case 230400:	return B230400;
	case 460800:	return B460800;
	case 921600:	return B921600;
	default:	return B115200;
	}
}

/*
 * VMIN 1, VTIME 0 with O_NONBLOCK: read() says EAGAIN when nothing is
 * waiting and 0 only at a hangup.  (With VMIN 0, which libserialport
 * sets, an empty read and an unplugged device both return 0.)
 */
static int
serial_vmin(struct serial *s, struct sms_err *err)
{
	struct termios t;
	int e;

	if (tcgetattr(s->fd, &t) < 0)
		goto fail;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(s->fd, TCSANOW, &t) < 0)
		goto fail;
	return 0;
fail:
	e = errno;
	return sms_err_sys(err, SMS_EIO, e, _("cannot set up %s"), s->path);
}

/* A pseudo-terminal: raw mode with termios (libserialport cannot). */
static int
serial_open_pty(struct serial *s, int baud, struct sms_err *err)
{
	struct termios t;
	int e;

	s->fd = open(s->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (s->fd < 0) {
		e = errno;
		return sms_err_sys(err, e == EACCES ? SMS_EPERM : SMS_EIO, e,
		    _("cannot open %s"), s->path);
	}
	if (tcgetattr(s->fd, &t) < 0) {
		e = errno;
		return sms_err_sys(err, SMS_EIO, e,
		    _("cannot set up %s"), s->path);
	}
	cfmakeraw(&t);
	cfsetspeed(&t, serial_speed(baud));
	if (tcsetattr(s->fd, TCSANOW, &t) < 0) {
		e = errno;
		return sms_err_sys(err, SMS_EIO, e,
		    _("cannot set up %s"), s->path);
	}
	return 0;
}

/* A real device: libserialport. */
static int
serial_open_sp(struct serial *s, int baud, struct sms_err *err)
{
	int e, flags;
	pid_t pid;
	char prog[64];

	if (sp_get_port_by_name(s->path, &s->port) != SP_OK) {
		s->port = NULL;
		return sms_err_set(err, SMS_EINVAL,
		    _("%s is not a serial port"), s->path);
	}
	if (sp_open(s->port, SP_MODE_READ_WRITE) != SP_OK) {
		e = sp_last_error_code();
		if (e == EBUSY) {
			if (!serial_holder(s->path, &pid, prog, sizeof prog))
				pid = 0;
			return serial_busy(err, s->path, pid, prog);
		}
		if (e == EACCES)
			return sms_err_sys(err, SMS_EPERM, e,
			    _("cannot open %s (is your user in the group "
			    "that owns it, usually \"dialout\"?)"), s->path);
		if (e == ENOTTY)
			return sms_err_set(err, SMS_EINVAL,
			    _("%s is not a serial port"), s->path);
		return sms_err_sys(err, SMS_EIO, e, _("cannot open %s"),
		    s->path);
	}
	if (sp_get_port_handle(s->port, &s->fd) != SP_OK || s->fd < 0) {
		s->fd = -1;
		sp_close(s->port);
		return sms_err_set(err, SMS_EIO, _("cannot set up %s"),
		    s->path);
	}
	if (sp_set_baudrate(s->port, baud > 0 ? baud : 115200) != SP_OK ||
	    sp_set_bits(s->port, 8) != SP_OK ||
	    sp_set_parity(s->port, SP_PARITY_NONE) != SP_OK ||
	    sp_set_stopbits(s->port, 1) != SP_OK ||
	    sp_set_flowcontrol(s->port, SP_FLOWCONTROL_NONE) != SP_OK) {
		e = sp_last_error_code();
		return sms_err_sys(err, SMS_EIO, e,
		    _("cannot set up %s"), s->path);
	}
	flags = fcntl(s->fd, F_GETFL);
	if (flags < 0 || fcntl(s->fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		e = errno;
		return sms_err_sys(err, SMS_EIO, e, _("cannot set up %s"),
		    s->path);
	}
	return 0;
}

int
serial_open(struct serial **out, const char *path, int baud,
    struct sms_err *err)
{
	char real[PATH_MAX];
	struct serial *s;
	struct stat st, lst;
	unsigned maj;
	int rc, e;
	pid_t pid;
	char prog[64];

	*out = NULL;
	if (realpath(path, real) == NULL || stat(real, &st) < 0) {
		e = errno;
		if (e == ENOENT)
			return sms_err_set(err, SMS_ENOENT,
			    _("cannot open %s: no such device (is the modem "
			    "plugged in?)"), path);
		return sms_err_sys(err, e == EACCES ? SMS_EPERM : SMS_EIO, e,
		    _("cannot open %s"), path);
	}
	if (!S_ISCHR(st.st_mode))
		return sms_err_set(err, SMS_EINVAL,
		    _("%s is not a serial port (it is not a character "
		    "device)"), path);
	if ((s = calloc(1, sizeof *s)) == NULL)
		return SMS_ENOMEM;
	s->fd = -1;
	s->path = strdup(real);
	if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
		s->stable = strdup(path);
	else if ((s->stable = serial_find_by_id(real)) == NULL)
		s->stable = strdup(real);
	if (s->path == NULL || s->stable == NULL) {
		rc = SMS_ENOMEM;
		goto fail;
	}
	if ((rc = serial_lock(s, real, err)) < 0)
		goto fail;
	maj = major(st.st_rdev);
	if (maj >= PTY_SLAVE_MAJOR_FIRST && maj <= PTY_SLAVE_MAJOR_LAST)
		rc = serial_open_pty(s, baud, err);
	else
		rc = serial_open_sp(s, baud, err);
	if (rc < 0)
		goto fail;
	if (!isatty(s->fd)) {
		rc = sms_err_set(err, SMS_EINVAL,
		    _("%s is not a serial port"), path);
		goto fail;
	}
	if ((rc = serial_vmin(s, err)) < 0)
		goto fail;
	if (ioctl(s->fd, TIOCEXCL) < 0) {
		e = errno;
		rc = sms_err_sys(err, SMS_EIO, e, _("cannot lock %s"), path);
		goto fail;
	}
	/* Someone without the lock file (and root ignores TIOCEXCL).  The
	 * simulator holds its own pty, so only for devices. */
	if (s->port != NULL && serial_holder(real, &pid, prog, sizeof prog))
		log_warn("serial: %s is also open in %s (pid %d)", real, prog,
		    (int)pid);
	tcflush(s->fd, TCIOFLUSH);
	*out = s;
	return 0;
fail:
	serial_close(s);
	return rc;
}

void
serial_close(struct serial *s)
{
	if (s == NULL)
		return;
	if (s->port != NULL) {
		if (s->fd >= 0)
			sp_close(s->port);
		sp_free_port(s->port);
	} else if (s->fd >= 0)
		close(s->fd);
	serial_unlock(s);
	free(s->path);
	free(s->stable);
	free(s);
}

int
serial_fd(const struct serial *s)
{
	return s->fd;
}

ssize_t
serial_read(struct serial *s, char *buf, size_t len)
{
	ssize_t n;

	n = read(s->fd, buf, len);
	if (n > 0)
		return n;
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	/* EOF or EIO: the device is gone (hangup, unplug). */
	return SMS_EIO;
}

ssize_t
serial_write(struct serial *s, const char *data, size_t len)
{
	ssize_t n;

	n = write(s->fd, data, len);
	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EINTR)
		return 0;
	return SMS_EIO;
}

int
serial_set_baud(struct serial *s, int baud, struct sms_err *err)
{
	struct termios t;

	if (s->port != NULL) {
		if (sp_set_baudrate(s->port, baud) != SP_OK)
			return sms_err_set(err, SMS_EIO,
			    _("cannot set %s to %d baud"), s->path, baud);
		return 0;
	}
	if (tcgetattr(s->fd, &t) < 0 ||
	    cfsetspeed(&t, serial_speed(baud)) < 0 ||
	    tcsetattr(s->fd, TCSANOW, &t) < 0)
		return sms_err_sys(err, SMS_EIO, errno,
		    _("cannot set %s to %d baud"), s->path, baud);
	return 0;
}

const char *
serial_path(const struct serial *s)
{
	return s->path;
}

const char *
serial_stable_path(const struct serial *s)
{
	return s->stable;
}

bool
serial_is_pty(const struct serial *s)
{
	return s->port == NULL;
}

int
serial_list(struct serial_info **out, size_t *n, struct sms_err *err)
{
	struct sp_port **ports = NULL;
	struct serial_info *v;
	char real[PATH_MAX];
	char *by_id;
	size_t i, count;

	*out = NULL;
	*n = 0;
	if (sp_list_ports(&ports) != SP_OK)
		return sms_err_set(err, SMS_EIO,
		    _("cannot list serial ports"));
	for (count = 0; ports[count] != NULL; count++)
		;
	if ((v = calloc(count + 1, sizeof *v)) == NULL) {
		sp_free_port_list(ports);
		return SMS_ENOMEM;
	}
	for (i = 0; i < count; i++) {
		struct sp_port *p = ports[i];

		copy_str(v[i].name, sizeof v[i].name, sp_get_port_name(p));
		copy_str(v[i].description, sizeof v[i].description,
		    sp_get_port_description(p));
		if (realpath(v[i].name, real) != NULL &&
		    (by_id = serial_find_by_id(real)) != NULL) {
			copy_str(v[i].by_id, sizeof v[i].by_id, by_id);
			free(by_id);
		}
		if (sp_get_port_transport(p) != SP_TRANSPORT_USB)
			continue;
		v[i].usb = true;
		if (sp_get_port_usb_vid_pid(p, &v[i].usb_vid,
		    &v[i].usb_pid) != SP_OK)
			v[i].usb_vid = v[i].usb_pid = 0;
		copy_str(v[i].manufacturer, sizeof v[i].manufacturer,
		    sp_get_port_usb_manufacturer(p));
		copy_str(v[i].product, sizeof v[i].product,
		    sp_get_port_usb_product(p));
		copy_str(v[i].serial, sizeof v[i].serial,
		    sp_get_port_usb_serial(p));
	}
	sp_free_port_list(ports);
	*out = v;
	*n = count;
	return 0;
}
