## src/cli: the subcommands of sms-inbox and the sms-send program.
src_libsmsinbox_la_SOURCES += \
	src/cli/cmd.c src/cli/cmd.h src/cli/cmd-list.h \
	src/cli/cmd-config.c \
	src/cli/cmd-modem.c \
	src/cli/cmd-pdu.c \
	src/cli/cmd-segments.c \
	src/cli/cmd-tui.c \
	src/cli/cmd-contacts.c src/cli/cmd-export.c src/cli/cmd-search.c \
	src/cli/cmd-show.c src/cli/cmd-threads.c \
	src/cli/cmd-report.c src/cli/cmd-rules.c src/cli/cmd-status.c \
	src/cli/demo.c src/cli/demo.h \
	src/cli/print.c src/cli/print.h \
	src/cli/send-recipient.c src/cli/send-recipient.h \
	src/cli/send-when.c src/cli/send-when.h

bin_PROGRAMS += src/sms-inbox src/sms-send
src_sms_inbox_SOURCES = src/sms-inbox.c
src_sms_inbox_LDADD = $(SMS_LIBS)
src_sms_send_SOURCES = src/cli/sms-send.c
src_sms_send_LDADD = $(SMS_LIBS)

TESTS += tests/test-pdu-cli.sh
EXTRA_DIST += tests/test-pdu-cli.sh
TESTS += tests/test-cli-store.sh
EXTRA_DIST += tests/test-cli-store.sh
TESTS += tests/test-send.sh
EXTRA_DIST += tests/test-send.sh
check_PROGRAMS += tests/test-send-when
tests_test_send_when_SOURCES = tests/test-send-when.c
tests_test_send_when_LDADD = $(TEST_LIBS)
