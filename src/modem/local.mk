## src/modem: serial port, AT engine, modem session (the modem backend).
src_libsmsinbox_la_SOURCES += \
	src/modem/at.c src/modem/at.h \
	src/modem/chan.c src/modem/chan.h \
	src/modem/charset.c src/modem/charset.h \
	src/modem/modem.c src/modem/modem.h \
	src/modem/pdus.c src/modem/pdus.h \
	src/modem/quirks.c src/modem/quirks.h \
	src/modem/serial.c src/modem/serial.h \
	src/modem/textmode.c src/modem/textmode.h

check_PROGRAMS += tests/test-at
tests_test_at_SOURCES = tests/test-at.c
tests_test_at_LDADD = $(TEST_LIBS)
EXTRA_DIST += \
	tests/data/at/echo-on.chat tests/data/at/errors.chat \
	tests/data/at/noise-timeout.chat tests/data/at/numeric.chat \
	tests/data/at/prompt.chat tests/data/at/two-line-urc.chat \
	tests/data/at/text-mode.chat \
	tests/data/at/urc-mid-response.chat

check_PROGRAMS += tests/test-modem-text
tests_test_modem_text_SOURCES = tests/test-modem-text.c
tests_test_modem_text_LDADD = $(TEST_LIBS)

## Session tests against the pty simulator (tests/fakes/modem-sim.py).
check_PROGRAMS += tests/test-modem
tests_test_modem_SOURCES = tests/test-modem.c \
	tests/modem-harness.c tests/modem-harness.h
tests_test_modem_LDADD = $(TEST_LIBS)
EXTRA_DIST += tests/fakes/modem-sim.py

## End to end: the engine with the modem backend on the simulator.
check_PROGRAMS += tests/test-modem-engine
tests_test_modem_engine_SOURCES = tests/test-modem-engine.c \
	tests/modem-harness.c tests/modem-harness.h
tests_test_modem_engine_LDADD = $(TEST_LIBS)

TESTS += tests/test-modem-cli.sh
EXTRA_DIST += tests/test-modem-cli.sh

## make bench: indication to inbound(), sends per second, through the
## simulator.
EXTRA_PROGRAMS += bench/bench-modem
BENCH_BINS += bench/bench-modem
bench_bench_modem_SOURCES = bench/bench-modem.c \
	tests/modem-harness.c tests/modem-harness.h
bench_bench_modem_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
bench_bench_modem_LDADD = $(TEST_LIBS)
CLEANFILES += bench/bench-modem
TESTS += tests/test-modem-send.sh tests/test-modem-reports.sh \
	tests/test-modem-storage.sh tests/test-modem-textmode.sh
EXTRA_DIST += tests/test-modem-send.sh tests/test-modem-reports.sh \
	tests/test-modem-storage.sh tests/test-modem-textmode.sh \
	tests/lib-modem.sh
