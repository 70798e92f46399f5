## src/daemon: sms-inboxd.
sbin_PROGRAMS += src/sms-inboxd
src_sms_inboxd_SOURCES = src/daemon/sms-inboxd.c
src_sms_inboxd_LDADD = $(SMS_LIBS)
