## src/daemon: sms-inboxd.
sbin_PROGRAMS += src/sms-inboxd
src_sms_inboxd_SOURCES = src/daemon/sms-inboxd.c src/daemon/notify.h
if HAVE_SYSTEMD
src_sms_inboxd_SOURCES += src/daemon/notify-systemd.c
else
src_sms_inboxd_SOURCES += src/daemon/notify-none.c
endif
EXTRA_src_sms_inboxd_SOURCES = src/daemon/notify-systemd.c \
	src/daemon/notify-none.c
src_sms_inboxd_LDADD = $(SMS_LIBS)
